// The commands the sandbox gives each host for OCI work: podman and skopeo (the real ones, run as this host),
// tar (the real one), and sha256(1) (simulated; Linux has only sha256sum).
//
// The simulated host's files live under <hostDir>/root (hostfs.ts), and a mounted simulated ZFS dataset's
// files under <hostDir>/root/<mountpoint>. With the overlay login shell (sandbox/rootfs.ts) a session sees that
// tree as its own /, and real tools need no help. Without it they see this machine's /, so for the few
// arguments that name a host path (podman's volume sources, archive and env-file inputs; tar's -C and -f;
// sha256's files) a path that does not exist here but does in the simulated tree is taken from there.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import type { Tool, ToolContext } from "../tools/context";
import { hostPath } from "../tools/hostfs";
import { PODMAN_BINARY, SKOPEO_BINARY, podmanEnv, runAsHost } from "./podman";

export const TAR_BINARY = process.env.PF_SANDBOX_TAR ?? "/bin/tar";

/** Where the host path `p` is for a real tool: as given if it exists, else in the simulated tree if there. */
export function onThisMachine(hostDir: string, p: string): string {
  if (!p.startsWith("/") || existsSync(p)) return p;
  const simulated = hostPath(hostDir, p);
  return existsSync(simulated) ? simulated : p;
}

/** `SRC:DST[:OPTS]` with SRC mapped; a named volume (no leading slash) stays as it is. */
function mapVolume(hostDir: string, spec: string): string {
  const colon = spec.indexOf(":");
  if (colon <= 0) return spec;
  return onThisMachine(hostDir, spec.slice(0, colon)) + spec.slice(colon);
}

/** Podman's arguments with host paths mapped: -v/--volume sources, -i/--input, --env-file. */
export function mapPodmanArgs(hostDir: string, args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if ((a === "-v" || a === "--volume") && next !== undefined) {
      out.push(a, mapVolume(hostDir, next));
      i++;
    } else if (a.startsWith("--volume=")) {
      out.push(`--volume=${mapVolume(hostDir, a.slice(9))}`);
    } else if ((a === "-i" || a === "--input" || a === "--env-file") && next !== undefined) {
      out.push(a, onThisMachine(hostDir, next));
      i++;
    } else if (a.startsWith("--input=") || a.startsWith("--env-file=")) {
      const eq = a.indexOf("=");
      out.push(`${a.slice(0, eq + 1)}${onThisMachine(hostDir, a.slice(eq + 1))}`);
    } else {
      out.push(a);
    }
  }
  return out;
}

/** tar's -C DIR, --directory=DIR and -f FILE (as separate words) mapped. */
export function mapTarArgs(hostDir: string, args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if ((a === "-C" || a === "-f") && next !== undefined) {
      out.push(a, onThisMachine(hostDir, next));
      i++;
    } else if (a.startsWith("--directory=")) {
      out.push(`--directory=${onThisMachine(hostDir, a.slice(12))}`);
    } else {
      out.push(a);
    }
  }
  return out;
}

export const podman: Tool = (ctx) => runAsHost(ctx.hostDir, PODMAN_BINARY, mapPodmanArgs(ctx.hostDir, ctx.args));

/** skopeo reads no CONTAINERS_REGISTRIES_CONF; its hidden --registries-conf points it at the host's file. */
export const skopeo: Tool = (ctx) =>
  runAsHost(ctx.hostDir, SKOPEO_BINARY, [
    "--registries-conf",
    podmanEnv(ctx.hostDir).CONTAINERS_REGISTRIES_CONF!,
    ...ctx.args,
  ]);

export const tar: Tool = (ctx) => {
  const result = spawnSync(TAR_BINARY, mapTarArgs(ctx.hostDir, ctx.args), { stdio: "inherit" });
  return result.status ?? 128 + 9;
};

/**
 * sha256(1), one of FreeBSD 14's md5(1) family (sbin/md5/md5.c): "SHA256 (FILE) = HEX", -q prints the digest
 * alone, -r prints "HEX FILE", -c STRING compares and exits 2 on a mismatch, an unreadable file exits 1.
 */
export const sha256: Tool = (ctx: ToolContext) => {
  let quiet = false;
  let reverse = false;
  let expect: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < ctx.args.length; i++) {
    const a = ctx.args[i]!;
    if (a === "-q") quiet = true;
    else if (a === "-r") reverse = true;
    else if (a === "-c" && ctx.args[i + 1] !== undefined) expect = ctx.args[++i];
    else if (a === "--") {
      files.push(...ctx.args.slice(i + 1));
      break;
    } else if (a.startsWith("-") && a !== "-") {
      ctx.err(`usage: sha256 [-pqrtx] [-c string] [-s string] [files ...]\n`);
      return 1;
    } else files.push(a);
  }
  let status = 0;
  for (const file of files) {
    let data: Buffer;
    try {
      data = readFileSync(onThisMachine(ctx.hostDir, file));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      ctx.err(`sha256: ${file}: ${code === "ENOENT" ? "No such file or directory" : "Permission denied"}\n`);
      status = 1;
      continue;
    }
    const hex = createHash("sha256").update(data).digest("hex");
    const mismatch = expect !== undefined && expect.toLowerCase() !== hex;
    if (quiet) ctx.out(`${hex}\n`);
    else if (reverse) ctx.out(`${hex} ${file}${mismatch ? " [ Failed ]" : ""}\n`);
    else ctx.out(`SHA256 (${file}) = ${hex}${mismatch ? " [ Failed ]" : ""}\n`);
    if (mismatch && status === 0) status = 2;
  }
  return status;
};
