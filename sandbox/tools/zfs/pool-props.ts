// Pool properties (module/zcommon/zpool_prop.c, zpool_prop_t order in include/sys/fs/zfs.h) and their values as
// zpool_get_prop formats them (lib/libzfs/libzfs_pool.c); sources follow what spa_prop_get reports.
import { type ZfsState } from "./model";
import { nicenum } from "./numbers";
import { poolAllocated } from "./space";
import type { Value } from "./values";

export interface PoolProp {
  name: string;
  kind: "number" | "string" | "index";
  readonly: boolean;
  values: string | undefined;
  colname: string;
  visible: boolean;
  /** zprop_width: fixed-width columns grow only under -p. */
  width: number;
  flex: boolean;
  rightAlign: boolean;
}

function p(
  name: string,
  kind: PoolProp["kind"],
  readonly: boolean,
  values: string | undefined,
  colname: string,
  opts: Partial<PoolProp> = {},
): PoolProp {
  const width = kind === "number" ? Math.max(colname.length, 5) : colname.length;
  return {
    name,
    kind,
    readonly,
    values,
    colname,
    visible: true,
    width,
    flex: kind !== "number",
    rightAlign: kind === "number",
    ...opts,
  };
}

// In zpool_prop_t order.
export const POOL_PROPS: PoolProp[] = [
  p("name", "string", true, undefined, "NAME", { visible: false }),
  p("size", "number", true, "<size>", "SIZE"),
  p("capacity", "number", true, "<size>", "CAP"),
  p("altroot", "string", false, "<path>", "ALTROOT"),
  p("health", "number", true, "<state>", "HEALTH", { width: 8 }),
  p("guid", "number", true, "<guid>", "GUID", { flex: true }),
  p("version", "number", false, "<version>", "VERSION"),
  p("bootfs", "string", false, "<filesystem>", "BOOTFS"),
  p("delegation", "index", false, "on | off", "DELEGATION", { width: 10 }),
  p("autoreplace", "index", false, "on | off", "REPLACE", { width: 7 }),
  p("cachefile", "string", false, "<file> | none", "CACHEFILE"),
  p("failmode", "index", false, "wait | continue | panic", "FAILMODE", { width: 8 }),
  p("listsnapshots", "index", false, "on | off", "LISTSNAPS", { width: 9 }),
  p("autoexpand", "index", false, "on | off", "EXPAND", { width: 6 }),
  p("dedupditto", "number", false, undefined, "DEDUPDITTO", { visible: false }),
  p("dedupratio", "number", true, "<1.00x or higher if deduped>", "DEDUP"),
  p("free", "number", true, "<size>", "FREE"),
  p("allocated", "number", true, "<size>", "ALLOC"),
  p("readonly", "index", false, "on | off", "RDONLY", { width: 6 }),
  p("ashift", "number", false, "<ashift, 9-16, or 0=default>", "ASHIFT"),
  p("comment", "string", false, "<comment-string>", "COMMENT"),
  p("expandsize", "number", true, "<size>", "EXPANDSZ"),
  p("freeing", "number", true, "<size>", "FREEING"),
  p("fragmentation", "number", true, "<percent>", "FRAG"),
  p("leaked", "number", true, "<size>", "LEAKED"),
  p("maxblocksize", "number", true, undefined, "MAXBLOCKSIZE", { visible: false }),
  p("tname", "string", true, undefined, "TNAME", { visible: false }),
  p("maxdnodesize", "number", true, undefined, "MAXDNODESIZE", { visible: false }),
  p("multihost", "index", false, "on | off", "MULTIHOST", { width: 9 }),
  p("checkpoint", "number", true, "<size>", "CKPOINT"),
  p("load_guid", "number", true, "<load_guid>", "LOAD_GUID", { flex: true }),
  p("autotrim", "index", false, "on | off", "AUTOTRIM", { width: 8 }),
  p("compatibility", "string", false, "<file[,file...]> | off | legacy", "COMPATIBILITY"),
  p("bcloneused", "number", true, "<size>", "BCLONE_USED"),
  p("bclonesaved", "number", true, "<size>", "BCLONE_SAVED"),
  p("bcloneratio", "number", true, "<1.00x or higher if cloned>", "BCLONE_RATIO"),
];

export function poolPropByName(name: string): PoolProp | undefined {
  return POOL_PROPS.find((x) => x.name === name) ?? POOL_PROPS.find((x) => x.colname.toLowerCase() === name);
}

const NONE = { kind: "none" } as const;
const DEFAULT = { kind: "default" } as const;
const LOCAL = { kind: "local" } as const;

/** zpool_get_prop: the printed value and source of a pool property. */
export function poolPropGet(zs: ZfsState, pool: string, prop: PoolProp, literal: boolean): Value {
  const rec = zs.pools[pool]!;
  const alloc = poolAllocated(zs, pool);
  const size = (n: number) => (literal ? String(n) : nicenum(n));
  const local = rec.local[prop.name];
  const setting = (def: string): Value =>
    local !== undefined ? { value: local, source: LOCAL } : { value: def, source: DEFAULT };
  switch (prop.name) {
    case "name":
      return { value: pool, source: NONE };
    case "size":
      return { value: size(rec.size), source: NONE };
    case "allocated":
      return { value: size(alloc), source: NONE };
    case "free":
      return { value: size(rec.size - alloc), source: NONE };
    case "freeing":
    case "leaked":
    case "bcloneused":
    case "bclonesaved":
      return { value: size(0), source: NONE };
    case "capacity": {
      const cap = Math.floor((alloc * 100) / rec.size);
      return { value: literal ? String(cap) : `${cap}%`, source: NONE };
    }
    case "fragmentation":
      return { value: literal ? "0" : "0%", source: NONE };
    case "expandsize":
    case "checkpoint":
      return { value: "-", source: NONE };
    case "dedupratio":
    case "bcloneratio":
      return { value: literal ? "1.00" : "1.00x", source: NONE };
    case "health":
      return { value: "ONLINE", source: NONE };
    case "guid":
      return { value: rec.guid, source: NONE };
    case "load_guid":
      return { value: rec.loadGuid, source: NONE };
    case "version":
      return { value: "-", source: DEFAULT }; // feature flags: SPA_VERSION_FEATURES prints "-"
    case "readonly":
      return { value: "off", source: NONE };
    case "ashift":
      return setting("0");
    case "delegation":
      return setting("on");
    case "failmode":
      return setting("wait");
    case "compatibility":
      return setting("off");
    case "maxblocksize":
      return { value: size(16 * 1024 * 1024), source: NONE };
    case "maxdnodesize":
      return { value: size(16384), source: NONE };
    case "autoreplace":
    case "listsnapshots":
    case "autoexpand":
    case "multihost":
    case "autotrim":
      return setting("off");
    default:
      return setting("-"); // altroot, bootfs, cachefile, comment: "-" when unset
  }
}
