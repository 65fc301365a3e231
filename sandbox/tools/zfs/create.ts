// Making datasets: check_parents, create_parents and zfs_create (lib/libzfs/libzfs_dataset.c), and the record a
// new dataset starts with (fresh space, inherited ZPL properties, a new guid and transaction group).
import { type Cmd, EXISTS, zfsError } from "./cli";
import {
  type DatasetRec,
  type DatasetType,
  FRESH_FS_LREFER,
  FRESH_FS_REFER,
  FRESH_VOL_LREFER,
  FRESH_VOL_REFER,
  type ZfsState,
  nextTxg,
  now,
  parentOf,
  poolOf,
  randomGuid,
} from "./model";
import { canmountOf, mount, mountpointOf } from "./mount";
import { nameError, nestingOk } from "./names";
import type { Stored } from "./validate";

/** check_parents: an error description for "cannot create '<path>'", or undefined with the parent's name. */
export function checkParents(
  zs: ZfsState,
  path: string,
  acceptAncestor: boolean,
): { why: string } | { parent: string } {
  let parent = parentOf(path);
  if (parent === undefined) return { why: "missing dataset name" };
  const pool = poolOf(path);
  if (zs.datasets[pool] === undefined) return { why: `no such pool '${pool}'` };
  while (parent !== undefined && zs.datasets[parent] === undefined) {
    if (!acceptAncestor) return { why: "parent does not exist" };
    parent = parentOf(parent);
  }
  if (parent === undefined) return { why: `no such pool '${pool}'` };
  if (zs.datasets[parent]!.type !== "filesystem") return { why: "parent is not a filesystem" };
  return { parent };
}

export interface NewDataset {
  native: Map<string, Stored>;
  user: Map<string, string>;
  origin?: string;
}

/** Adds a dataset record; the caller has validated everything. */
export function addDataset(zs: ZfsState, name: string, type: DatasetType, spec: NewDataset): DatasetRec {
  const txg = nextTxg(zs);
  const local: DatasetRec["local"] = {};
  const zplNames = ["version", "utf8only", "normalization", "casesensitivity"];
  for (const [k, v] of spec.native) {
    if (zplNames.includes(k) || k === "volblocksize" || k === "encryption") continue;
    local[k] = v;
  }
  const origin = spec.origin === undefined ? undefined : zs.datasets[spec.origin];
  const rec: DatasetRec = {
    type,
    guid: randomGuid(),
    createtxg: txg,
    creation: now(),
    objsetid: zs.nextObjsetId++,
    local,
    user: Object.fromEntries(spec.user),
    refer: origin?.refer ?? (type === "volume" ? FRESH_VOL_REFER : FRESH_FS_REFER),
    unique: origin !== undefined ? 0 : type === "volume" ? FRESH_VOL_REFER : FRESH_FS_REFER,
    lrefer: origin?.lrefer ?? (type === "volume" ? FRESH_VOL_LREFER : FRESH_FS_LREFER),
    ratio: origin?.ratio ?? 100,
    mounted: false,
  };
  if (spec.origin !== undefined) rec.origin = spec.origin;
  if (type === "filesystem") {
    // utf8only, normalization and casesensitivity come from the parent unless given; version is the newest.
    const parentZpl = zs.datasets[parentOf(name) ?? ""]?.zpl;
    const originZpl = spec.origin === undefined ? undefined : zs.datasets[spec.origin.split("@")[0]!]?.zpl;
    const zpl: Record<string, string> = {
      version: "5",
      utf8only: "off",
      normalization: "none",
      casesensitivity: "sensitive",
    };
    for (const k of ["utf8only", "normalization", "casesensitivity"])
      zpl[k] = originZpl?.[k] ?? parentZpl?.[k] ?? zpl[k]!;
    for (const k of zplNames) if (spec.native.has(k)) zpl[k] = String(spec.native.get(k));
    rec.zpl = zpl;
  }
  if (type === "volume") rec.volblocksize = Number(spec.native.get("volblocksize") ?? 16384);
  zs.datasets[name] = rec;
  return rec;
}

/** zfs_create's checks before creating: undefined when it may go ahead, else the description printed. */
export function createCheck(zs: ZfsState, path: string, type: number): string | undefined {
  const bad = nameError(path, type, true);
  if (bad !== undefined) return bad;
  if (!nestingOk(path)) return "maximum name nesting depth exceeded";
  const parents = checkParents(zs, path, false);
  if ("why" in parents) return parents.why;
  if (zs.datasets[path] !== undefined) return EXISTS;
  return undefined;
}

/** zfs_create_ancestors: creates and mounts the missing filesystems above `path`; false after printing. */
export function createAncestors(zs: ZfsState, cmd: Cmd, path: string): boolean {
  const action = `cannot create '${path}'`;
  if (!nestingOk(path)) {
    zfsError(cmd, action, "maximum name nesting depth exceeded");
    return false;
  }
  const found = checkParents(zs, path, true);
  if ("why" in found) {
    zfsError(cmd, action, found.why);
    return false;
  }
  const parts = path.split("/");
  for (let i = found.parent.split("/").length + 1; i < parts.length; i++) {
    const anc = parts.slice(0, i).join("/");
    if (zs.datasets[anc] !== undefined) continue;
    addDataset(zs, anc, "filesystem", { native: new Map(), user: new Map() });
    if (canmountOf(zs, anc) === "on" && !mountIfMountable(zs, cmd, anc)) return false;
  }
  return true;
}

/** zfs_mount after a create: a mountpoint of none or legacy is simply not mounted. */
export function mountIfMountable(zs: ZfsState, cmd: Cmd, name: string): boolean {
  if (zs.datasets[name]!.type !== "filesystem" || !mountpointOf(zs, name).startsWith("/")) return true;
  return mount(zs, { hostDir: cmd.ctx.hostDir, err: (s) => cmd.err(s) }, name);
}
