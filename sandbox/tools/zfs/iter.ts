// zfs_for_each (cmd/zfs/zfs_iter.c): the datasets a list/get/set/inherit acts on, from its operands (names or
// mounted paths), recursion and depth, types and the pool's listsnapshots, ordered by the sort columns and then by
// zfs_compare (name; a dataset before its snapshots; snapshots by createtxg).
import { hostFileExists } from "../hostfs";
import { type Cmd, zfsOpen } from "./cli";
import { childrenOf, poolOf, snapshotsOf, typeBit, type ZfsState } from "./model";
import { type PropDesc, T_BOOKMARK, T_FS, T_SNAP, T_VOL, propByName, validForType } from "./props";
import { propGet, userPropGet } from "./values";

export interface SortCol {
  /** A native property, or a user property by name. */
  prop: PropDesc | string;
  reverse: boolean;
}

export interface ForEachOptions {
  recurse: boolean;
  /** -d: a depth limit (implies recurse). */
  depth?: number;
  types: number;
  /** zfs list without -t: snapshots show only with the pool's listsnapshots=on. */
  listsnapsProp?: boolean;
  argsCanBePaths?: boolean;
  sort?: SortCol[];
}

/** zfs_add_sort_column: undefined when the name is neither a property nor a user property. */
export function sortColumn(name: string, reverse: boolean): SortCol | undefined {
  const p = propByName(name);
  if (p !== undefined) return { prop: p, reverse };
  return /:/.test(name) && /^[a-z0-9\-_.:]+$/.test(name) ? { prop: name, reverse } : undefined;
}

/** zfs_path_to_zhandle for an absolute path: the mounted filesystem holding it. */
function pathToDataset(zs: ZfsState, cmd: Cmd, path: string): string | undefined {
  const mounts = Object.keys(zs.datasets)
    .filter((n) => zs.datasets[n]!.mounted)
    .map((n) => ({ n, mp: String(propGet(zs, n, propByName("mountpoint")!, false)?.value) }));
  const normal = path.replace(/\/+$/, "") || "/";
  const exists =
    mounts.some((m) => m.mp === normal || m.mp.startsWith(`${normal}/`)) || hostFileExists(cmd.ctx.hostDir, normal);
  if (!exists) {
    cmd.err(`cannot open '${path}': No such file or directory\n`);
    return undefined;
  }
  const under = mounts.filter((m) => m.mp === "/" || normal === m.mp || normal.startsWith(`${m.mp}/`));
  under.sort((a, b) => b.mp.length - a.mp.length);
  return under[0]?.n;
}

function compareNames(zs: ZfsState, l: string, r: string): number {
  const [lh, ls] = l.split("@") as [string, string | undefined];
  const [rh, rs] = r.split("@") as [string, string | undefined];
  if (lh !== rh) return lh < rh ? -1 : 1;
  if (ls === undefined && rs === undefined) return 0;
  if (ls === undefined) return -1;
  if (rs === undefined) return 1;
  const lc = zs.datasets[l]!.createtxg;
  const rc = zs.datasets[r]!.createtxg;
  return lc < rc ? -1 : lc > rc ? 1 : 0;
}

function compareBy(zs: ZfsState, col: SortCol, l: string, r: string): number | undefined {
  let lv: string | number | undefined;
  let rv: string | number | undefined;
  if (typeof col.prop === "string") {
    lv = userPropGet(zs, l, col.prop)?.value;
    rv = userPropGet(zs, r, col.prop)?.value;
  } else if (col.prop.name === "name") {
    lv = l;
    rv = r;
  } else if (col.prop.kind !== "number") {
    lv = propGet(zs, l, col.prop, true)?.value;
    rv = propGet(zs, r, col.prop, true)?.value;
  } else {
    const p = col.prop;
    const num = (n: string) => {
      if (!validForType(p, typeBit(zs.datasets[n]!.type))) return undefined;
      const v = propGet(zs, n, p, true)?.value;
      return v === undefined ? 0 : v === "none" ? Number.MAX_VALUE : Number(v);
    };
    lv = num(l);
    rv = num(r);
  }
  // Missing values sort last whichever the direction.
  if (lv === undefined && rv === undefined) return undefined;
  if (lv === undefined) return 1;
  if (rv === undefined) return -1;
  const c = lv < rv ? -1 : lv > rv ? 1 : 0;
  if (c === 0) return undefined;
  return col.reverse ? -c : c;
}

/** Visits the operands (all pools when none) and returns the selected datasets in output order, and failure. */
export function forEach(
  zs: ZfsState,
  cmd: Cmd,
  operands: string[],
  opts: ForEachOptions,
): { names: string[]; failed: boolean } {
  const selected = new Set<string>();
  let failed = false;
  const limited = opts.depth !== undefined;
  const recurse = opts.recurse || limited;
  const limit = opts.depth ?? 0;

  const includeSnaps = (name: string) =>
    opts.listsnapsProp ? zs.pools[poolOf(name)]?.local.listsnapshots === "on" : (opts.types & T_SNAP) !== 0;

  const visit = (name: string, depth: number, recursing: boolean): void => {
    const type = typeBit(zs.datasets[name]!.type);
    if (type & opts.types || (type === T_SNAP && includeSnaps(name))) selected.add(name);
    if (!recursing || (limited && depth >= limit)) return;
    const next = depth + 1;
    if ((next < limit || !limited || opts.types & (T_FS | T_VOL)) && type === T_FS) {
      for (const c of childrenOf(zs, name)) visit(c, next, recursing);
    }
    if (type !== T_SNAP && includeSnaps(name)) {
      for (const s of snapshotsOf(zs, name)) visit(s, next, recursing);
    }
  };

  if (operands.length === 0) {
    for (const pool of Object.keys(zs.pools).sort()) if (zs.datasets[pool]) visit(pool, 0, true);
  } else {
    let argtype = opts.types;
    if (recurse) {
      argtype |= T_FS;
      if (opts.types & (T_SNAP | T_BOOKMARK)) argtype |= T_VOL;
    }
    for (const arg of operands) {
      let name: string | undefined;
      if (opts.argsCanBePaths && (arg.startsWith("/") || arg.startsWith("./"))) {
        const ds = pathToDataset(zs, cmd, arg);
        name = ds === undefined ? undefined : zfsOpen(zs, cmd, ds, T_FS);
      } else {
        name = zfsOpen(zs, cmd, arg, argtype);
      }
      if (name === undefined) failed = true;
      else visit(name, 0, recurse);
    }
  }
  const names = [...selected];
  names.sort((l, r) => {
    for (const col of opts.sort ?? []) {
      const c = compareBy(zs, col, l, r);
      if (c !== undefined) return c;
    }
    return compareNames(zs, l, r);
  });
  return { names, failed };
}
