// The files a snapshot holds. The simulator keeps a dataset's files in the host's tree at its mountpoint; a
// snapshot keeps a copy taken when it is made, and a clone starts from that copy, as on ZFS, where a clone of
// an image's root filesystem is the jail's root with every file of the image.
import { cpSync, existsSync, rmSync } from "node:fs";
import * as path from "node:path";
import { hostPath } from "../hostfs";
import type { ZfsState } from "./model";
import { mountpointOf } from "./mount";

function snapshotDir(hostDir: string, guid: string): string {
  return path.join(hostDir, "zfs-snapshots", guid);
}

/** Copies a mounted filesystem's files (not those of datasets mounted below it) for snapshot `guid`. */
export function captureSnapshot(zs: ZfsState, hostDir: string, head: string, guid: string): void {
  const ds = zs.datasets[head];
  if (ds === undefined || ds.type !== "filesystem" || !ds.mounted) return;
  const src = hostPath(hostDir, mountpointOf(zs, head));
  if (!existsSync(src)) return;
  const nested = new Set(
    Object.keys(zs.datasets)
      .filter((n) => n !== head && zs.datasets[n]!.type === "filesystem" && zs.datasets[n]!.mounted)
      .map((n) => hostPath(hostDir, mountpointOf(zs, n))),
  );
  cpSync(src, snapshotDir(hostDir, guid), {
    recursive: true,
    preserveTimestamps: true,
    verbatimSymlinks: true,
    filter: (from) => from === src || !nested.has(from),
  });
}

/** Fills a new clone's mountpoint with its origin snapshot's files. */
export function restoreSnapshot(zs: ZfsState, hostDir: string, snapshot: string, clone: string): void {
  const snap = zs.datasets[snapshot];
  const target = zs.datasets[clone];
  if (snap === undefined || target === undefined || !target.mounted) return;
  const src = snapshotDir(hostDir, snap.guid);
  if (existsSync(src)) {
    cpSync(src, hostPath(hostDir, mountpointOf(zs, clone)), {
      recursive: true,
      preserveTimestamps: true,
      verbatimSymlinks: true,
    });
  }
}

export function forgetSnapshot(hostDir: string, guid: string): void {
  rmSync(snapshotDir(hostDir, guid), { recursive: true, force: true });
}
