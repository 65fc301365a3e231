// The ZFS state of one simulated host, kept under `state.zfs`: pools, datasets and snapshots, with only what
// ZFS itself stores (local properties, creation facts, space) so every other value is derived as zfs derives it.
import { createHash, randomBytes } from "node:crypto";
import type { HostState } from "../../state";

export type DatasetType = "filesystem" | "volume" | "snapshot";

export interface DatasetRec {
  type: DatasetType;
  /** 64-bit decimal. */
  guid: string;
  createtxg: number;
  /** Epoch seconds. */
  creation: number;
  objsetid: number;
  /** Local native properties: sizes as numbers, index values by canonical name, strings as given. */
  local: Record<string, number | string>;
  /** Local user properties. */
  user: Record<string, string>;
  /** Bytes referenced (REFER). */
  refer: number;
  /** Bytes held by this dataset alone (usedbydataset); a new clone shares all of its origin's. */
  unique: number;
  /** Logical (uncompressed) bytes referenced. */
  lrefer: number;
  /** Compression ratio of its data, times 100. */
  ratio: number;
  /** Clones: the snapshot they came from. */
  origin?: string;
  mounted?: boolean;
  /** Filesystems: the ZPL properties fixed at creation (version, utf8only, normalization, casesensitivity). */
  zpl?: Record<string, string>;
  /** Volumes: fixed at creation. */
  volblocksize?: number;
  /** Filesystems and volumes: epoch seconds of the last snapshot create/destroy/rename. */
  snapshotsChanged?: number;
}

export interface PoolRec {
  guid: string;
  loadGuid: string;
  /** Bytes of the pool's vdevs (zpool SIZE). */
  size: number;
  /** The leaf vdev zpool status shows. */
  vdev: string;
  /** Local pool properties by name (bootfs, listsnapshots, comment…). */
  local: Record<string, string>;
}

export interface ZfsState {
  pools: Record<string, PoolRec>;
  /** Every dataset and snapshot by full name. */
  datasets: Record<string, DatasetRec>;
  /** The pool's current transaction group: each change happens in a later one. */
  txg: number;
  nextObjsetId: number;
  /**
   * Fault injection: absolute paths under which a mount fails as on a read-only parent ("failed to create
   * mountpoint: Read-only file system"), so a test can reach `filesystem successfully created, but not mounted`.
   */
  unmountable: string[];
  /** Fault injection: datasets whose unmount (filesystems) or destroy (volumes) fails as busy. */
  busy?: string[];
}

export const FRESH_FS_REFER = 98304; // 96K: an empty filesystem at ashift 12
export const FRESH_FS_LREFER = 43008; // 42K
export const FRESH_VOL_REFER = 12288; // 12K: an empty volume
export const FRESH_VOL_LREFER = 6144;

// Install time of the seeded host (a fixed instant keeps seeded output stable).
const INSTALL_TIME = 1734353612;
const POOL_SIZE = 97 * 2 ** 30;

/** A 64-bit decimal derived from `seed`: seeded datasets keep one guid even before the state is first written. */
function stableGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest();
  return (h.readBigUInt64BE(0) | 1n).toString();
}

export function randomGuid(): string {
  return (randomBytes(8).readBigUInt64BE(0) | 1n).toString();
}

function fs(
  name: string,
  txg: number,
  objsetid: number,
  local: DatasetRec["local"],
  mounted: boolean,
  refer = FRESH_FS_REFER,
  lrefer = FRESH_FS_LREFER,
  ratio = 100,
): [string, DatasetRec] {
  return [
    name,
    {
      type: "filesystem",
      guid: stableGuid(`sandbox-zfs:${name}`),
      createtxg: txg,
      creation: INSTALL_TIME + txg,
      objsetid,
      local,
      user: {},
      refer,
      unique: refer,
      lrefer,
      ratio,
      mounted,
      zpl: { version: "5", utf8only: "off", normalization: "none", casesensitivity: "sensitive" },
    },
  ];
}

/**
 * A FreeBSD 14 installer layout (usr.sbin/bsdinstall/scripts/zfsboot: `zpool create -O compress=lz4 -O atime=off
 * -m none`, ZFSBOOT_DATASETS, then `zfs set mountpoint=/zroot zroot` and canmount=noauto on the boot environment).
 */
export function initialZfs(): ZfsState {
  const datasets = Object.fromEntries([
    fs("zroot", 1, 54, { compression: "lz4", atime: "off", mountpoint: "/zroot" }, true),
    fs("zroot/ROOT", 8, 71, { mountpoint: "none" }, false),
    fs("zroot/ROOT/default", 9, 72, { mountpoint: "/", canmount: "noauto" }, true, 1416773632, 2804154368, 198),
    fs("zroot/home", 10, 73, { mountpoint: "/home" }, true, 139264, 61440),
    fs("zroot/tmp", 11, 74, { mountpoint: "/tmp", exec: "on", setuid: "off" }, true, 106496, 47104),
    fs("zroot/usr", 12, 75, { mountpoint: "/usr", canmount: "off" }, false),
    fs("zroot/usr/ports", 13, 76, { setuid: "off" }, true),
    fs("zroot/usr/src", 14, 77, {}, true),
    fs("zroot/var", 15, 78, { mountpoint: "/var", canmount: "off" }, false),
    fs("zroot/var/audit", 16, 79, { exec: "off", setuid: "off" }, true),
    fs("zroot/var/crash", 17, 80, { exec: "off", setuid: "off" }, true, 98304, 43520),
    fs("zroot/var/log", 18, 81, { exec: "off", setuid: "off" }, true, 188416, 262144, 140),
    fs("zroot/var/mail", 19, 82, { atime: "on" }, true),
    fs("zroot/var/tmp", 20, 83, { setuid: "off" }, true),
  ]);
  return {
    pools: {
      zroot: {
        guid: stableGuid("sandbox-zpool:zroot"),
        loadGuid: stableGuid("sandbox-zpool-load:zroot"),
        size: POOL_SIZE,
        vdev: "ada0p4",
        local: { bootfs: "zroot/ROOT/default" },
      },
    },
    datasets,
    txg: 2107,
    nextObjsetId: 140,
    unmountable: [],
  };
}

/** The ZFS state of a host, its initial value when the host has none yet. */
export function zfsState(state: HostState): ZfsState {
  return (state.zfs as ZfsState | undefined) ?? initialZfs();
}

/** Runs a change on the host's ZFS state under the state lock and saves it. */
export function saveZfs(state: HostState, zs: ZfsState): void {
  state.zfs = zs;
}

export function now(): number {
  return Math.floor(Date.now() / 1000);
}

export function poolOf(name: string): string {
  return name.split(/[/@#]/)[0]!;
}

export function parentOf(name: string): string | undefined {
  const at = name.indexOf("@");
  if (at >= 0) return name.slice(0, at);
  const slash = name.lastIndexOf("/");
  return slash < 0 ? undefined : name.slice(0, slash);
}

export function isSnapshotName(name: string): boolean {
  return name.includes("@");
}

/** Child filesystems and volumes, sorted by name (the kernel's order is a hash order; sorting keeps output stable). */
export function childrenOf(zs: ZfsState, name: string): string[] {
  const prefix = `${name}/`;
  return Object.keys(zs.datasets)
    .filter((n) => n.startsWith(prefix) && !n.includes("@") && !n.slice(prefix.length).includes("/"))
    .sort();
}

/** Snapshots of a dataset in creation order. */
export function snapshotsOf(zs: ZfsState, name: string): string[] {
  const prefix = `${name}@`;
  return Object.keys(zs.datasets)
    .filter((n) => n.startsWith(prefix))
    .sort((a, b) => zs.datasets[a]!.createtxg - zs.datasets[b]!.createtxg);
}

/** Datasets whose origin is this snapshot. */
export function clonesOf(zs: ZfsState, snap: string): string[] {
  return Object.keys(zs.datasets)
    .filter((n) => zs.datasets[n]!.origin === snap)
    .sort();
}

/** Every filesystem and volume below `name`, depth first. */
export function descendantsOf(zs: ZfsState, name: string): string[] {
  return childrenOf(zs, name).flatMap((c) => [c, ...descendantsOf(zs, c)]);
}

/** The next transaction group; every change takes one. */
export function nextTxg(zs: ZfsState): number {
  zs.txg += 1;
  return zs.txg;
}

export function typeBit(t: DatasetType): number {
  return t === "filesystem" ? 1 : t === "snapshot" ? 2 : 4;
}
