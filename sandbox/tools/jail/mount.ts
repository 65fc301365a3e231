// mount(8) and umount(8) for the filesystems jails use, nullfs and devfs (also fdescfs, procfs, tmpfs), as
// records in the host's state: nothing is mounted on this machine. The listing follows prmount() in
// sbin/mount/mount.c: "SPECIAL on DIR (FSTYPE, options)", devfs and nullfs of local filesystems marked
// "local"; errors follow mount_nullfs(8) ("mount_nullfs: DIR: No such file or directory") and umount(8).
import { existsSync, statSync } from "node:fs";
import type { HostState } from "../../state";
import type { Tool, ToolContext } from "../context";
import { getopt } from "../getopt";
import { hostPath } from "../hostfs";

export interface MountEntry {
  fstype: string;
  special: string;
  dir: string;
  options: string[];
}

/** The mounts every fresh host has (a ZFS-on-root install), then the ones made since. */
const BASE: MountEntry[] = [
  { fstype: "zfs", special: "zroot/ROOT/default", dir: "/", options: ["local", "noatime", "nfsv4acls"] },
  { fstype: "devfs", special: "devfs", dir: "/dev", options: [] },
];

export function mountTable(state: HostState): MountEntry[] {
  return (state.mounts as MountEntry[] | undefined) ?? BASE;
}

function isDir(hostDir: string, dir: string): boolean {
  const p = hostPath(hostDir, dir);
  return existsSync(p) && statSync(p).isDirectory();
}

/** Mounts `special` on `dir`; returns an error line for stderr, or undefined. */
export function mountFs(
  state: HostState,
  hostDir: string,
  fstype: string,
  special: string,
  dir: string,
  options: string[],
): string | undefined {
  if (!["nullfs", "devfs", "fdescfs", "procfs", "tmpfs"].includes(fstype)) {
    return `mount: ${dir}: Operation not supported by device\n`;
  }
  if (!isDir(hostDir, dir)) return `mount_${fstype}: ${dir}: No such file or directory\n`;
  if (fstype === "nullfs" && !isDir(hostDir, special)) return `mount_nullfs: ${special}: No such file or directory\n`;
  const shown = [fstype === "nullfs" || fstype === "tmpfs" ? "local" : undefined];
  if (options.includes("ro") || options.includes("rdonly")) shown.push("read-only");
  if (options.includes("nosuid")) shown.push("nosuid");
  const entry: MountEntry = {
    fstype,
    special: fstype === "nullfs" ? special : fstype,
    dir,
    options: shown.filter((o): o is string => o !== undefined),
  };
  state.mounts = [...mountTable(state), entry];
  return undefined;
}

/** Unmounts the filesystem mounted last on `dir`. */
export function unmountFs(state: HostState, dir: string): string | undefined {
  const table = mountTable(state);
  const at = table.findLastIndex((m) => m.dir === dir);
  if (at < 0) return `umount: ${dir}: not a file system root directory\n`;
  state.mounts = table.filter((_, i) => i !== at);
  return undefined;
}

export function isMounted(state: HostState, dir: string, fstype?: string): boolean {
  return mountTable(state).some((m) => m.dir === dir && (fstype === undefined || m.fstype === fstype));
}

function listing(entries: MountEntry[]): string {
  return entries.map((m) => `${m.special} on ${m.dir} (${[m.fstype, ...m.options].join(", ")})\n`).join("");
}

/** mount [-t type] [-o options] special node, or a listing without arguments. */
export const mount: Tool = (ctx: ToolContext) => {
  const parsed = getopt("mount", ctx.args, "adflo:prt:uvw");
  if (parsed.error !== undefined) {
    ctx.err(`${parsed.error}usage: mount [-adflpruvw] [-F fstab] [-o options] [-t ufs | external_type]\n`);
    return 1;
  }
  let fstype = "ufs";
  const options: string[] = [];
  for (const { flag, arg } of parsed.opts) {
    if (flag === "t") fstype = arg!;
    if (flag === "o") options.push(...arg!.split(","));
    if (flag === "r") options.push("ro");
  }
  if (parsed.operands.length === 0) {
    ctx.out(listing(mountTable(ctx.state.read())));
    return 0;
  }
  if (parsed.operands.length !== 2) {
    ctx.err("mount: only nullfs, devfs, fdescfs, procfs and tmpfs mounts with SPECIAL and NODE are simulated\n");
    return 70;
  }
  const [special, dir] = parsed.operands as [string, string];
  const error = ctx.state.update((state) => mountFs(state, ctx.hostDir, fstype, special, dir, options));
  if (error !== undefined) ctx.err(error);
  return error === undefined ? 0 : 1;
};

/** umount node (-f is accepted and changes nothing here). */
export const umount: Tool = (ctx: ToolContext) => {
  const parsed = getopt("umount", ctx.args, "aAfF:h:nt:v");
  if (parsed.error !== undefined || parsed.operands.length === 0) {
    ctx.err(
      `${parsed.error ?? ""}usage: umount [-fNnv] special ... | node ... | fsid ...\n       umount -a | -A [-F fstab] [-fnv] [-h host] [-t type]\n`,
    );
    return 1;
  }
  let status = 0;
  for (const dir of parsed.operands) {
    const error = ctx.state.update((state) => unmountFs(state, dir.replace(/(.)\/+$/, "$1")));
    if (error !== undefined) {
      ctx.err(error);
      status = 1;
    }
  }
  return status;
};
