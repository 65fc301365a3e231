// The small images the sandbox registry serves, built here from nothing so the tests need no network:
// - freebsd-static: laid out like FreeBSD's static image (release/tools/oci-image-static.conf: the mtree
//   directories, passwd/group, termcap, CA certificates, zoneinfo, the pkgbase repo file), no executables.
// - freebsd-runtime: the same plus a shell and a few commands, CMD ["/bin/sh"] as FreeBSD's runtime image has.
//   Its programs are this Linux machine's (dash, sleep, cat, env and their libc), because the sandbox's podman
//   runs containers on Linux; the image config still says os "freebsd" as FreeBSD's images do.
// - a FreeBSD OCI archive (.txz), byte for byte in the format of release/scripts/make-oci-image.sh: an xz
//   tarball of an OCI layout whose index names the image "freebsd-<type>:<version>-RELEASE-<arch>".
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { tar, type TarEntry } from "./tar";

const CREATED = "2025-06-10T00:00:00Z";

function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export interface ImageSpec {
  /** The files of the root filesystem, one layer. */
  rootfs: TarEntry[];
  os?: string;
  architecture?: string;
  cmd?: string[];
  labels?: Record<string, string>;
  /** When the image was made (RFC 3339); varies the config, hence the image id. */
  created?: string;
}

/** An image as OCI blobs: what a registry stores and an OCI layout holds. */
export interface OciImage {
  /** "sha256:…" of the manifest: the digest a registry reports. */
  digest: string;
  /** The image id podman reports: the hex of the config's digest. */
  id: string;
  manifest: Buffer;
  config: Buffer;
  /** gzip-compressed layer tarballs. */
  layers: Buffer[];
}

/** The blobs of one single-layer image, as make-oci-image.sh writes them. */
export function buildImage(spec: ImageSpec): OciImage {
  const layerTar = tar(spec.rootfs);
  const layer = gzipSync(layerTar, { level: 9 });
  const created = spec.created ?? CREATED;
  const configObject: Record<string, unknown> = {
    created,
    architecture: spec.architecture ?? "amd64",
    os: spec.os ?? "freebsd",
  };
  const inner: Record<string, unknown> = {};
  if (spec.cmd) inner.Cmd = spec.cmd;
  if (spec.labels) inner.Labels = spec.labels;
  if (Object.keys(inner).length > 0) configObject.config = inner;
  configObject.rootfs = { type: "layers", diff_ids: [`sha256:${sha256(layerTar)}`] };
  configObject.history = [{ created, created_by: "make-oci-image.sh" }];
  const config = Buffer.from(JSON.stringify(configObject));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: `sha256:${sha256(config)}`,
        size: config.length,
      },
      layers: [
        {
          mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
          digest: `sha256:${sha256(layer)}`,
          size: layer.length,
        },
      ],
      annotations: {},
    }),
  );
  return { digest: `sha256:${sha256(manifest)}`, id: sha256(config), manifest, config, layers: [layer] };
}

/** A multi-platform image: an OCI image index naming one manifest per platform. */
export interface OciIndex {
  /** "sha256:…" of the index: what the tag points to. */
  digest: string;
  index: Buffer;
  platforms: Array<{ os: string; architecture: string; image: OciImage }>;
}

export function buildIndex(platforms: OciIndex["platforms"]): OciIndex {
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: platforms.map((p) => ({
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: p.image.digest,
        size: p.image.manifest.length,
        platform: { os: p.os, architecture: p.architecture },
      })),
    }),
  );
  return { digest: `sha256:${sha256(index)}`, index, platforms };
}

function isIndex(x: OciImage | OciIndex): x is OciIndex {
  return "platforms" in x;
}

/** The files of an OCI image layout (image-layout.md) holding an image or an index under `refName`. */
function layoutFiles(image: OciImage | OciIndex, refName: string): Array<[string, Buffer]> {
  const top = isIndex(image)
    ? { mediaType: "application/vnd.oci.image.index.v1+json", digest: image.digest, size: image.index.length }
    : { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: image.digest, size: image.manifest.length };
  const index = {
    schemaVersion: 2,
    manifests: [{ ...top, annotations: { "org.opencontainers.image.ref.name": refName } }],
  };
  const images = isIndex(image) ? image.platforms.map((p) => p.image) : [image];
  const blobs: Buffer[] = images.flatMap((i) => [...i.layers, i.config, i.manifest]);
  if (isIndex(image)) blobs.push(image.index);
  return [
    ["oci-layout", Buffer.from('{"imageLayoutVersion": "1.0.0"}\n')],
    ["index.json", Buffer.from(`${JSON.stringify(index)}\n`)],
    ...blobs.map((b): [string, Buffer] => [`blobs/sha256/${sha256(b)}`, b]),
  ];
}

/** Writes an OCI layout directory (for `skopeo copy [--all] oci:DIR:REF …`). */
export function writeLayout(dir: string, image: OciImage | OciIndex, refName: string): void {
  for (const [name, data] of layoutFiles(image, refName)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), data);
  }
}

/**
 * A FreeBSD release OCI archive: `tar -C oci --xz --strip-components 1 -cf FILE .` of the layout, so entries have
 * no "./" prefix. Needs xz(1) (xz-utils, part of every Debian install).
 */
export function freebsdArchive(image: OciImage, refName: string): Buffer {
  const files = layoutFiles(image, refName);
  const entries: TarEntry[] = [
    ...files
      .filter(([n]) => !n.startsWith("blobs/"))
      .map(([n, d]): TarEntry => ({ type: "file", path: n, content: d })),
    { type: "dir", path: "blobs" },
    { type: "dir", path: "blobs/sha256" },
    ...files.filter(([n]) => n.startsWith("blobs/")).map(([n, d]): TarEntry => ({ type: "file", path: n, content: d })),
  ];
  const xz = spawnSync("xz", ["--compress", "--stdout", "-T1"], { input: tar(entries), maxBuffer: 1 << 30 });
  if (xz.status !== 0) throw new Error(`xz failed: ${xz.stderr?.toString() ?? xz.error}`);
  return xz.stdout;
}

const ROOT_DIRS = [
  "bin", "boot", "dev", "etc", "etc/ssl", "etc/ssl/certs", "lib", "libexec", "media", "mnt", "net", "proc",
  "rescue", "root", "sbin", "tmp", "usr", "usr/bin", "usr/include", "usr/lib", "usr/lib/debug", "usr/libexec",
  "usr/local", "usr/local/etc", "usr/local/etc/pkg", "usr/local/etc/pkg/repos", "usr/sbin", "usr/share",
  "usr/share/misc", "usr/share/zoneinfo", "var", "var/db", "var/empty", "var/log", "var/run", "var/tmp",
]; // prettier-ignore

const MASTER_PASSWD = `# $FreeBSD$
#
root::0:0::0:0:Charlie &:/root:/bin/sh
toor:*:0:0::0:0:Bourne-again Superuser:/root:
daemon:*:1:1::0:0:Owner of many system processes:/root:/usr/sbin/nologin
operator:*:2:5::0:0:System &:/:/usr/sbin/nologin
bin:*:3:7::0:0:Binaries Commands and Source:/:/usr/sbin/nologin
tty:*:4:65533::0:0:Tty Sandbox:/:/usr/sbin/nologin
kmem:*:5:65533::0:0:KMem Sandbox:/:/usr/sbin/nologin
www:*:80:80::0:0:World Wide Web Owner:/nonexistent:/usr/sbin/nologin
nobody:*:65534:65534::0:0:Unprivileged user:/nonexistent:/usr/sbin/nologin
`;

const GROUP = `# $FreeBSD$
#
wheel:*:0:root
daemon:*:1:
kmem:*:2:
sys:*:3:
tty:*:4:
operator:*:5:root
bin:*:7:
www:*:80:
nogroup:*:65533:
nobody:*:65534:
`;

/** passwd(5) is master.passwd without the class, change and expire fields (what pwd_mkdb -p writes). */
function passwdFromMaster(master: string): string {
  return master
    .split("\n")
    .map((l) => {
      if (l.startsWith("#") || l === "") return l;
      const f = l.split(":");
      return [f[0], "*", f[2], f[3], f[7], f[8], f[9]].join(":");
    })
    .join("\n");
}

function file(p: string, content: string | Buffer, mode?: number): TarEntry {
  return { type: "file", path: p, content, mode };
}

/** FreeBSD's static image: directories and configuration, nothing to execute. */
export function staticRootfs(version: string): TarEntry[] {
  const major = version.split(".")[0];
  const minor = version.split(".")[1] ?? "0";
  return [
    ...ROOT_DIRS.map(
      (d): TarEntry => ({ type: "dir", path: d, mode: d === "tmp" || d === "var/tmp" ? 0o1777 : 0o755 }),
    ),
    file("COPYRIGHT", "Copyright (c) 1992-2025 The FreeBSD Project.\n"),
    file("etc/master.passwd", MASTER_PASSWD, 0o600),
    file("etc/passwd", passwdFromMaster(MASTER_PASSWD)),
    file("etc/group", GROUP),
    file("etc/termcap.small", "xterm|xterm-color:co#80:li#24:\n"),
    file(
      "etc/ssl/certs/sandbox-root-ca.pem",
      "-----BEGIN CERTIFICATE-----\n(sandbox placeholder)\n-----END CERTIFICATE-----\n",
    ),
    file("usr/share/misc/termcap", "xterm|xterm-color:co#80:li#24:\n"),
    file("usr/share/zoneinfo/UTC", "TZif2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0UTC\0"),
    file(
      "usr/local/etc/pkg/repos/base.conf",
      `FreeBSD-base: {\n  url: "https://pkg.FreeBSD.org/\${ABI}/base_release_${minor}",\n  mirror_type: "srv",\n` +
        `  signature_type: "fingerprints",\n  fingerprints: "/usr/share/keys/pkg",\n  enabled: yes\n}\n`,
    ),
    file("etc/os-release", `NAME=FreeBSD\nVERSION="${version}-RELEASE"\nVERSION_ID="${version}"\nID=freebsd\n`),
    file("var/db/freebsd-version", `${major}.${minor}-RELEASE\n`),
  ];
}

/** The programs and shared objects (found with ldd) the runtime image carries, from this machine. */
const RUNTIME_PROGRAMS: Array<[inImage: string, onHost: string]> = [
  ["bin/sh", "/bin/dash"],
  ["bin/sleep", "/bin/sleep"],
  ["bin/cat", "/bin/cat"],
  ["usr/bin/env", "/usr/bin/env"],
];

function sharedObjects(program: string): string[] {
  const ldd = spawnSync("ldd", [program], { encoding: "utf8" });
  if (ldd.status !== 0) throw new Error(`ldd ${program} failed: ${ldd.stderr}`);
  const libs: string[] = [];
  for (const line of ldd.stdout.split("\n")) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]!);
  }
  return libs;
}

/** FreeBSD's runtime image as far as a container needs: the static layout plus a shell and a few commands. */
export function runtimeRootfs(version: string): TarEntry[] {
  const entries = staticRootfs(version);
  const have = new Set(entries.map((e) => e.path));
  const add = (e: TarEntry) => {
    if (have.has(e.path)) return;
    have.add(e.path);
    entries.push(e);
  };
  for (const [inImage, onHost] of RUNTIME_PROGRAMS) {
    add(file(inImage, readFileSync(onHost), 0o555));
    for (const lib of sharedObjects(onHost)) {
      const rel = lib.replace(/^\//, "");
      const parts = rel.split("/");
      for (let i = 1; i < parts.length; i++) add({ type: "dir", path: parts.slice(0, i).join("/") });
      add(file(rel, readFileSync(realpathSync(lib)), 0o555));
    }
  }
  return entries;
}

/** True when this machine has what runtimeRootfs copies. */
export function canBuildRuntime(): boolean {
  return RUNTIME_PROGRAMS.every(([, onHost]) => existsSync(onHost));
}
