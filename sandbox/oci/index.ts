// The OCI side of the sandbox: two real registries on loopback (one open, one with a password), filled with
// small FreeBSD-like images built here, plus a FreeBSD release archive (.txz) for the archive path.
// `configureHost` points one sandbox host's podman at them; docker.io/freebsd and ghcr.io/freebsd resolve to
// the open registry (a registries.conf remap), so programs written for a real host run unchanged.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  buildImage,
  buildIndex,
  canBuildRuntime,
  freebsdArchive,
  runtimeRootfs,
  staticRootfs,
  writeLayout,
  type OciImage,
  type OciIndex,
} from "./images";
import { configurePodmanHost, SKOPEO_BINARY, stopPodmanHost } from "./podman";
import { SANDBOX_REGISTRY_PASSWORD, SANDBOX_REGISTRY_USER, startRegistry, type Registry } from "./registry";

export { stopPodmanHost, configurePodmanHost } from "./podman";
export { SANDBOX_REGISTRY_PASSWORD, SANDBOX_REGISTRY_USER, stopRegistryProcess, type Registry } from "./registry";
export type { OciImage, OciIndex } from "./images";

export interface OciArchive {
  /** The file name FreeBSD publishes it under. */
  fileName: string;
  data: Buffer;
  /** Hex SHA-256 of the file, as in FreeBSD's CHECKSUM.SHA256. */
  sha256: string;
  /** What `podman load` names the image: localhost/<ref name>. */
  loadedAs: string;
  image: OciImage;
}

export interface OciSandbox {
  /** The open registry; also serves docker.io/freebsd/* and ghcr.io/freebsd/*. */
  registry: Registry;
  /** The registry that wants SANDBOX_REGISTRY_USER / SANDBOX_REGISTRY_PASSWORD. */
  privateRegistry: Registry;
  /** What each pushed reference holds, by reference as a user writes it. */
  images: Record<string, OciImage>;
  archive: OciArchive;
  /** Gives one sandbox host a podman that uses these registries. */
  configureHost(hostDir: string): void;
  /** Builds a new release of the image at `reference` (same tag, new digest) and pushes it there. */
  pushNewRelease(reference: string, label: string): OciImage;
  /**
   * Pushes the static image for freebsd/amd64 and freebsd/arm64 under one index at `reference` (a
   * docker.io/freebsd or ghcr.io/freebsd name), as FreeBSD publishes its images for several platforms.
   */
  pushMultiPlatform(reference: string): OciIndex;
  stop(): Promise<void>;
}

export const FREEBSD_VERSION = "14.3";
/** Where the open registry keeps the images docker.io/freebsd/* and ghcr.io/freebsd/* stand for. */
const FREEBSD_NAMESPACE = "freebsd";

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `skopeo copy` of one image from an OCI layout into a registry, as the setup's own client. */
function push(work: string, image: OciImage | OciIndex, registry: Registry, repoTag: string): void {
  const layout = mkdtempSync(path.join(work, "layout-"));
  writeLayout(layout, image, "push");
  const args = ["copy", "--quiet", "--all", "--preserve-digests", "--dest-tls-verify=false"];
  if (registry.authenticated) {
    const auth = Buffer.from(`${SANDBOX_REGISTRY_USER}:${SANDBOX_REGISTRY_PASSWORD}`).toString("base64");
    const authFile = path.join(work, "auth.json");
    writeFileSync(authFile, JSON.stringify({ auths: { [registry.address]: { auth } } }), { mode: 0o600 });
    args.push("--dest-authfile", authFile);
  }
  args.push(`oci:${layout}:push`, `docker://${registry.address}/${repoTag}`);
  // A neutral configuration: the setup is not one of the sandbox hosts.
  const result = spawnSync(SKOPEO_BINARY, args, {
    encoding: "utf8",
    env: { ...process.env, REGISTRY_AUTH_FILE: path.join(work, "none.json") },
  });
  rmSync(layout, { recursive: true, force: true });
  if (result.status !== 0) {
    throw new Error(`skopeo ${args.join(" ")} failed (${result.status}): ${result.stderr || result.error}`);
  }
}

/**
 * Starts both registries and fills them. Needs docker-registry, skopeo, xz (and ldd for the runtime image).
 * With keepRunning the registries outlive this process (a CLI `start`): record their pid and dir, and end
 * them with stopRegistryProcess.
 */
export async function startOciSandbox(opts: { keepRunning?: boolean } = {}): Promise<OciSandbox> {
  const work = mkdtempSync(path.join(tmpdir(), "pf-oci-"));
  const registry = await startRegistry({ keepRunning: opts.keepRunning });
  let privateRegistry: Registry | undefined;
  try {
    privateRegistry = await startRegistry({ auth: true, keepRunning: opts.keepRunning });
    const v = FREEBSD_VERSION;
    const staticImage = buildImage({ rootfs: staticRootfs(v) });
    const runtimeImage = canBuildRuntime() ? buildImage({ rootfs: runtimeRootfs(v), cmd: ["/bin/sh"] }) : staticImage;
    const appImage = buildImage({
      rootfs: runtimeRootfs(v),
      cmd: ["/bin/sh"],
      labels: { "org.opencontainers.image.title": "app", "org.opencontainers.image.version": "1.0" },
    });
    const images: Record<string, OciImage> = {};
    for (const [type, image] of [
      ["static", staticImage],
      ["runtime", runtimeImage],
    ] as const) {
      push(work, image, registry, `${FREEBSD_NAMESPACE}/freebsd-${type}:${v}`);
      images[`docker.io/freebsd/freebsd-${type}:${v}`] = image;
      images[`ghcr.io/freebsd/freebsd-${type}:${v}`] = image;
      images[`${registry.address}/${FREEBSD_NAMESPACE}/freebsd-${type}:${v}`] = image;
    }
    push(work, appImage, privateRegistry, "private/app:1.0");
    images[`${privateRegistry.address}/private/app:1.0`] = appImage;

    const refName = `freebsd-static:${v}-RELEASE-amd64`;
    const data = freebsdArchive(staticImage, refName);
    const archive: OciArchive = {
      fileName: `FreeBSD-${v}-RELEASE-amd64-container-image-static.txz`,
      data,
      sha256: sha256(data),
      loadedAs: `localhost/${refName}`,
      image: staticImage,
    };

    const entries = [
      {
        address: registry.address,
        remaps: [
          { prefix: "docker.io/freebsd", path: FREEBSD_NAMESPACE },
          { prefix: "ghcr.io/freebsd", path: FREEBSD_NAMESPACE },
        ],
      },
      { address: privateRegistry.address },
    ];
    const priv = privateRegistry;
    /** The registry and repository:tag a reference as a user writes it lands in. */
    const where = (reference: string): [Registry, string] => {
      const target = reference.replace(/^(docker\.io|ghcr\.io)\/freebsd\//, `${FREEBSD_NAMESPACE}/`);
      if (target.startsWith(`${registry.address}/`)) return [registry, target.slice(registry.address.length + 1)];
      if (target.startsWith(`${priv.address}/`)) return [priv, target.slice(priv.address.length + 1)];
      return [registry, target];
    };
    return {
      registry,
      privateRegistry: priv,
      images,
      archive,
      configureHost: (hostDir) => configurePodmanHost(hostDir, entries),
      pushNewRelease(reference, label) {
        // A runnable image stays runnable: a new release of freebsd-runtime keeps its shell.
        const runnable = /runtime|app/.test(reference) && canBuildRuntime();
        const image = buildImage({
          rootfs: runnable ? runtimeRootfs(v) : staticRootfs(v),
          cmd: runnable ? ["/bin/sh"] : undefined,
          labels: { "org.freebsd.release": label },
        });
        push(work, image, ...where(reference));
        images[reference] = image;
        return image;
      },
      pushMultiPlatform(reference) {
        const index = buildIndex(
          ["amd64", "arm64"].map((architecture) => ({
            os: "freebsd",
            architecture,
            image: buildImage({ rootfs: staticRootfs(v), architecture }),
          })),
        );
        push(work, index, ...where(reference));
        return index;
      },
      async stop() {
        await Promise.all([registry.stop(), priv.stop()]);
        rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await registry.stop();
    await privateRegistry?.stop();
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

/** Stops every container of each host (given as its directory and login shell), then the registries. */
export async function stopOciSandbox(
  oci: OciSandbox | undefined,
  hosts: ReadonlyArray<{ dir: string; shell?: string }>,
): Promise<void> {
  for (const h of hosts) stopPodmanHost(h.dir, h.shell);
  await oci?.stop();
}
