// Space accounting, deterministic and shaped like dsl_dataset/dsl_dir's: used = usedbydataset + usedbysnapshots
// + usedbychildren + usedbyrefreservation; a child's unused reservation counts in its parent's usedbychildren;
// available is what the pool has left after its slop space, narrowed by quotas and widened by the dataset's own
// unused reservations. Snapshots and clones start sharing all their blocks (0B unique).
import { childrenOf, type DatasetRec, poolOf, snapshotsOf, type ZfsState } from "./model";

function num(ds: DatasetRec, prop: string): number {
  const v = ds.local[prop];
  return typeof v === "number" ? v : 0;
}

export function usedBySnapshots(zs: ZfsState, name: string): number {
  return snapshotsOf(zs, name).reduce((sum, s) => sum + zs.datasets[s]!.unique, 0);
}

export function usedByRefreservation(zs: ZfsState, name: string): number {
  const ds = zs.datasets[name]!;
  return Math.max(0, num(ds, "refreservation") - ds.unique);
}

export function usedByChildren(zs: ZfsState, name: string): number {
  return childrenOf(zs, name).reduce((sum, c) => sum + Math.max(used(zs, c), num(zs.datasets[c]!, "reservation")), 0);
}

export function used(zs: ZfsState, name: string): number {
  const ds = zs.datasets[name]!;
  if (ds.type === "snapshot") return ds.unique;
  return ds.unique + usedBySnapshots(zs, name) + usedByChildren(zs, name) + usedByRefreservation(zs, name);
}

/** Bytes the pool lets datasets use: its size less the 1/32 slop (spa_slop_shift 5). */
export function poolDspace(zs: ZfsState, pool: string): number {
  const size = zs.pools[pool]!.size;
  return size - Math.floor(size / 32);
}

export function available(zs: ZfsState, name: string): number {
  const ds = zs.datasets[name]!;
  const slash = name.lastIndexOf("/");
  let avail: number;
  if (slash < 0) {
    avail = poolDspace(zs, poolOf(name)) - used(zs, name);
  } else {
    avail = available(zs, name.slice(0, slash)) + Math.max(0, num(ds, "reservation") - used(zs, name));
  }
  const quota = num(ds, "quota");
  if (quota > 0) avail = Math.min(avail, quota - used(zs, name));
  const refquota = num(ds, "refquota");
  if (refquota > 0) avail = Math.min(avail, refquota - ds.refer);
  avail += usedByRefreservation(zs, name);
  return Math.max(0, avail);
}

/** Bytes written to the pool: every dataset's and snapshot's own blocks. */
export function poolAllocated(zs: ZfsState, pool: string): number {
  return Object.entries(zs.datasets)
    .filter(([n]) => poolOf(n) === pool)
    .reduce((sum, [, d]) => sum + d.unique, 0);
}

/** Logical bytes of a dataset and its descendants. */
export function logicalUsed(zs: ZfsState, name: string): number {
  return zs.datasets[name]!.lrefer + childrenOf(zs, name).reduce((sum, c) => sum + logicalUsed(zs, c), 0);
}

/** compressratio of a dataset and its descendants, ×100, weighted by the bytes each holds. */
export function compressRatio(zs: ZfsState, name: string): number {
  let bytes = 0;
  let weighted = 0;
  const walk = (n: string): void => {
    const d = zs.datasets[n]!;
    bytes += d.unique;
    weighted += d.unique * d.ratio;
    childrenOf(zs, n).forEach(walk);
  };
  walk(name);
  return bytes === 0 ? 100 : Math.round(weighted / bytes);
}

/** written: bytes referenced now that the latest snapshot does not (a snapshot: since the one before it). */
export function written(zs: ZfsState, name: string): number {
  const ds = zs.datasets[name]!;
  const at = name.indexOf("@");
  const head = at < 0 ? name : name.slice(0, at);
  const snaps = snapshotsOf(zs, head);
  const before = at < 0 ? snaps.at(-1) : snaps[snaps.indexOf(name) - 1];
  if (before !== undefined) return Math.max(0, ds.refer - zs.datasets[before]!.refer);
  return ds.origin !== undefined ? ds.unique : ds.refer;
}

/**
 * zvol_volsize_to_reservation (lib/libzfs/libzfs_dataset.c) on a pool without raidz: the volume's blocks plus
 * room for its indirect blocks and metadnode (7 + one per 1024 blocks per level), two copies, 128K each.
 */
export function zvolReservation(volsize: number, volblocksize: number): number {
  let nblocks = Math.floor(volsize / volblocksize);
  const data = nblocks * volblocksize;
  let numdb = 7;
  while (nblocks > 1) {
    nblocks = Math.floor((nblocks + 1023) / 1024);
    numdb += nblocks;
  }
  return data + numdb * 2 * 131072;
}
