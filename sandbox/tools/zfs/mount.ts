// Mounting, as state: zfs_mount_at's checks and messages (lib/libzfs/libzfs_mount.c), and the simulated
// host's files following their filesystem (a mountpoint directory under <hostDir>/root moves on rename and on a
// new mountpoint, and goes with a destroyed filesystem), so data written before a rename is still there after.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";
import { ensureHostDir, hostPath } from "../hostfs";
import { type ZfsState, descendantsOf } from "./model";
import { prop } from "./props";
import { propGet } from "./values";

export interface MountIo {
  hostDir: string;
  err(s: string): void;
}

export function mountpointOf(zs: ZfsState, name: string): string {
  return propGet(zs, name, prop("mountpoint"), false)?.value ?? "none";
}

export function canmountOf(zs: ZfsState, name: string): string {
  return propGet(zs, name, prop("canmount"), false)?.value ?? "on";
}

function under(p: string, dir: string): boolean {
  const d = dir.replace(/\/+$/, "");
  return p === d || p.startsWith(`${d}/`) || d === "";
}

/** zfs_mount: creates the mountpoint and mounts, or prints why not (an unmountable path fails as read-only). */
export function mount(zs: ZfsState, io: MountIo, name: string): boolean {
  const mp = mountpointOf(zs, name);
  if (!mp.startsWith("/")) return false;
  if (zs.unmountable.some((dir) => under(mp, dir))) {
    io.err(`cannot mount '${mp}': failed to create mountpoint: Read-only file system\n`);
    return false;
  }
  // Made visible at once in the host's namespace, so the same session can write into it.
  ensureHostDir(io.hostDir, mp);
  zs.datasets[name]!.mounted = true;
  return true;
}

export function unmount(zs: ZfsState, name: string): void {
  zs.datasets[name]!.mounted = false;
}

/** Moves a mounted filesystem's files to its new mountpoint ("/" itself never moves). */
export function relocate(hostDir: string, from: string, to: string): void {
  if (from === to || from === "/" || !from.startsWith("/") || !to.startsWith("/")) return;
  const src = hostPath(hostDir, from);
  if (!existsSync(src)) return;
  const dst = hostPath(hostDir, to);
  if (existsSync(dst)) rmSync(dst, { recursive: true, force: true });
  mkdirSync(path.dirname(dst), { recursive: true });
  renameSync(src, dst);
}

/** Drops a destroyed filesystem's files. */
export function removeFiles(hostDir: string, mp: string): void {
  if (mp.startsWith("/") && mp !== "/") rmSync(hostPath(hostDir, mp), { recursive: true, force: true });
}

/** The mounted filesystems among a dataset and its descendants with their mountpoints, before a change. */
export function mountedTree(zs: ZfsState, name: string): Array<{ name: string; mp: string }> {
  return [name, ...descendantsOf(zs, name)]
    .filter((n) => zs.datasets[n]?.mounted)
    .map((n) => ({ name: n, mp: mountpointOf(zs, n) }));
}
