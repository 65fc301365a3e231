// The dataset property table of OpenZFS 2.2 (module/zcommon/zfs_prop.c, zfs_prop_init), in zfs_prop_t order
// (include/sys/fs/zfs.h): that order is the order of `zfs get all`, and the sorted table is the one usage prints.
// Index properties keep each value's canonical name (the first name in the C table with that numeric value), so
// aliases print as zfs prints them: gzip-6 reads back "gzip", xattr=dir reads back "on".

export const T_FS = 1;
export const T_SNAP = 2;
export const T_VOL = 4;
export const T_BOOKMARK = 16;
export const T_DATASET = T_FS | T_SNAP | T_VOL;

export type PropKind = "number" | "string" | "index";
/** PROP_READONLY, PROP_INHERIT, PROP_DEFAULT, PROP_ONETIME, PROP_ONETIME_DEFAULT */
export type PropAttr = "readonly" | "inherit" | "default" | "onetime" | "onetime_default";

export interface PropDesc {
  name: string;
  kind: PropKind;
  attr: PropAttr;
  types: number;
  /** Numeric default (numbers), canonical default name (index), default string or undefined (NULL). */
  def: number | string | undefined;
  values: string | undefined;
  colname: string;
  rightAlign: boolean;
  visible: boolean;
  /** pd_always_flex: the column grows with its values even without -p. */
  flex: boolean;
  /** Index properties: [accepted name, canonical name]. */
  table?: Array<[string, string]>;
}

const P: PropDesc[] = [];

function idx(
  name: string,
  def: string,
  attr: PropAttr,
  types: number,
  values: string,
  col: string,
  names: string[] | Array<[string, string]>,
): void {
  const table = names.map((n): [string, string] => (typeof n === "string" ? [n, n] : n));
  P.push({
    name,
    kind: "index",
    attr,
    types,
    def,
    values,
    colname: col,
    rightAlign: false,
    visible: true,
    flex: true,
    table,
  });
}
function str(name: string, def: string | undefined, attr: PropAttr, types: number, values: string, col: string): void {
  P.push({
    name,
    kind: "string",
    attr,
    types,
    def,
    values,
    colname: col,
    rightAlign: false,
    visible: true,
    flex: true,
  });
}
function num(
  name: string,
  def: number,
  attr: PropAttr,
  types: number,
  values: string,
  col: string,
  flex = false,
): void {
  P.push({ name, kind: "number", attr, types, def, values, colname: col, rightAlign: true, visible: true, flex });
}
function hidden(
  name: string,
  kind: "number" | "string",
  attr: PropAttr,
  types: number,
  col: string,
  flex: boolean,
): void {
  P.push({
    name,
    kind,
    attr,
    types,
    def: kind === "number" ? 0 : undefined,
    values: undefined,
    colname: col,
    rightAlign: kind === "number",
    visible: false,
    flex,
  });
}

const FV = T_FS | T_VOL;
const FS = T_FS | T_SNAP;
const FSV = T_FS | T_SNAP | T_VOL;
const onoff = ["off", "on"];
const MAX = 2 ** 64 - 1;
const compression: string[] = [
  "on",
  "off",
  "lzjb",
  "gzip",
  "gzip-1",
  "gzip-2",
  "gzip-3",
  "gzip-4",
  "gzip-5",
  "gzip-6",
  "gzip-7",
  "gzip-8",
  "gzip-9",
  "zle",
  "lz4",
  "zstd",
  "zstd-fast",
  ...Array.from({ length: 19 }, (_, i) => `zstd-${i + 1}`),
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 500, 1000].map((n) => `zstd-fast-${n}`),
];
// gzip is gzip-6; zstd-fast is zstd-fast-1 (ZIO_ZSTD_LEVEL_FAST_DEFAULT); zstd (level 0) is its own value.
const compressionTable = compression.map((n): [string, string] => [
  n,
  n === "gzip-6" ? "gzip" : n === "zstd-fast-1" ? "zstd-fast" : n,
]);

// In zfs_prop_t order.
str("type", undefined, "readonly", T_DATASET | T_BOOKMARK, "filesystem | volume | snapshot | bookmark", "TYPE");
P.push({
  name: "creation",
  kind: "number",
  attr: "readonly",
  types: T_DATASET | T_BOOKMARK,
  def: 0,
  values: "<date>",
  colname: "CREATION",
  rightAlign: false,
  visible: true,
  flex: true,
});
num("used", 0, "readonly", T_DATASET, "<size>", "USED");
num("available", 0, "readonly", FV, "<size>", "AVAIL");
num("referenced", 0, "readonly", T_DATASET | T_BOOKMARK, "<size>", "REFER");
num("compressratio", 0, "readonly", T_DATASET | T_BOOKMARK, "<1.00x or higher if compressed>", "RATIO");
// mounted is a boolean printed as yes/no by zfs_prop_get itself.
idx("mounted", "off", "readonly", T_FS, "yes | no", "MOUNTED", onoff);
str("origin", undefined, "readonly", FV, "<snapshot>", "ORIGIN");
num("quota", 0, "default", T_FS, "<size> | none", "QUOTA");
num("reservation", 0, "default", FV, "<size> | none", "RESERV");
num("volsize", 0, "default", T_SNAP | T_VOL, "<size>", "VOLSIZE");
num("volblocksize", 16384, "onetime", T_VOL, "512 to 128k, power of 2", "VOLBLOCK");
num("recordsize", 131072, "inherit", T_FS, "512 to 1M, power of 2", "RECSIZE");
str("mountpoint", "/", "inherit", T_FS, "<path> | legacy | none", "MOUNTPOINT");
str("sharenfs", "off", "inherit", T_FS, "on | off | NFS share options", "SHARENFS");
idx(
  "checksum",
  "on",
  "inherit",
  FV,
  "on | off | fletcher2 | fletcher4 | sha256 | sha512 | skein | edonr | blake3",
  "CHECKSUM",
  ["on", "off", "fletcher2", "fletcher4", "sha256", "noparity", "sha512", "skein", "edonr", "blake3"],
);
idx(
  "compression",
  "on",
  "inherit",
  FV,
  "on | off | lzjb | gzip | gzip-[1-9] | zle | lz4 | zstd | zstd-[1-19] | zstd-fast | zstd-fast-[1-10,20,30,40,50,60,70,80,90,100,500,1000]",
  "COMPRESS",
  compressionTable,
);
idx("atime", "on", "inherit", T_FS, "on | off", "ATIME", onoff);
idx("devices", "on", "inherit", FS, "on | off", "DEVICES", onoff);
idx("exec", "on", "inherit", FS, "on | off", "EXEC", onoff);
idx("setuid", "on", "inherit", FS, "on | off", "SETUID", onoff);
idx("readonly", "off", "inherit", FV, "on | off", "RDONLY", onoff);
idx("jailed", "off", "inherit", T_FS, "on | off", "JAILED", onoff); // ZFS_PROP_ZONED is "jailed" on FreeBSD
idx("snapdir", "hidden", "inherit", T_FS, "hidden | visible", "SNAPDIR", ["hidden", "visible"]);
idx("aclmode", "discard", "inherit", T_FS, "discard | groupmask | passthrough | restricted", "ACLMODE", [
  "discard",
  "groupmask",
  "passthrough",
  "restricted",
]);
idx(
  "aclinherit",
  "restricted",
  "inherit",
  T_FS,
  "discard | noallow | restricted | passthrough | passthrough-x",
  "ACLINHERIT",
  [
    ["discard", "discard"],
    ["noallow", "noallow"],
    ["restricted", "restricted"],
    ["passthrough", "passthrough"],
    ["secure", "restricted"],
    ["passthrough-x", "passthrough-x"],
  ],
);
num("createtxg", 0, "readonly", T_DATASET | T_BOOKMARK, "<uint64>", "CREATETXG", true);
hidden("name", "string", "readonly", T_DATASET | T_BOOKMARK, "NAME", true);
idx("canmount", "on", "default", T_FS, "on | off | noauto", "CANMOUNT", ["off", "on", "noauto"]);
hidden("iscsioptions", "string", "inherit", T_VOL, "ISCSIOPTIONS", true);
idx("xattr", "on", "inherit", FS, "on | off | dir | sa", "XATTR", [
  ["off", "off"],
  ["on", "on"],
  ["sa", "sa"],
  ["dir", "on"],
]);
hidden("numclones", "number", "readonly", T_SNAP, "NUMCLONES", false);
idx("copies", "1", "inherit", FV, "1 | 2 | 3", "COPIES", ["1", "2", "3"]);
idx("version", "5", "default", FS, "1 | 2 | 3 | 4 | 5 | current", "VERSION", [
  ["1", "1"],
  ["2", "2"],
  ["3", "3"],
  ["4", "4"],
  ["5", "5"],
  ["current", "5"],
]);
idx("utf8only", "off", "onetime", FS, "on | off", "UTF8ONLY", onoff);
idx("normalization", "none", "onetime", FS, "none | formC | formD | formKC | formKD", "NORMALIZATION", [
  "none",
  "formD",
  "formKC",
  "formC",
  "formKD",
]);
idx("casesensitivity", "sensitive", "onetime", FS, "sensitive | insensitive | mixed", "CASE", [
  "sensitive",
  "insensitive",
  "mixed",
]);
idx("vscan", "off", "inherit", T_FS, "on | off", "VSCAN", onoff);
idx("nbmand", "off", "inherit", FS, "on | off", "NBMAND", onoff);
str("sharesmb", "off", "inherit", T_FS, "on | off | SMB share options", "SHARESMB");
num("refquota", 0, "default", T_FS, "<size> | none", "REFQUOTA");
num("refreservation", 0, "default", FV, "<size> | none", "REFRESERV");
num("guid", 0, "readonly", T_DATASET | T_BOOKMARK, "<uint64>", "GUID", true);
idx("primarycache", "all", "inherit", FSV, "all | none | metadata", "PRIMARYCACHE", ["none", "metadata", "all"]);
idx("secondarycache", "all", "inherit", FSV, "all | none | metadata", "SECONDARYCACHE", ["none", "metadata", "all"]);
num("usedbysnapshots", 0, "readonly", FV, "<size>", "USEDSNAP");
num("usedbydataset", 0, "readonly", FV, "<size>", "USEDDS");
num("usedbychildren", 0, "readonly", FV, "<size>", "USEDCHILD");
num("usedbyrefreservation", 0, "readonly", FV, "<size>", "USEDREFRESERV");
hidden("useraccounting", "number", "readonly", T_DATASET, "USERACCOUNTING", false);
hidden("stmf_sbd_lu", "string", "inherit", T_VOL, "STMF_SBD_LU", true);
idx("defer_destroy", "off", "readonly", T_SNAP, "yes | no", "DEFER_DESTROY", onoff);
num("userrefs", 0, "readonly", T_SNAP, "<count>", "USERREFS");
idx("logbias", "latency", "inherit", FV, "latency | throughput", "LOGBIAS", ["latency", "throughput"]);
hidden("unique", "number", "readonly", T_DATASET, "UNIQUE", false);
num("objsetid", 0, "readonly", T_DATASET, "<uint64>", "OBJSETID", true);
idx(
  "dedup",
  "off",
  "inherit",
  FV,
  "on | off | verify | sha256[,verify] | sha512[,verify] | skein[,verify] | edonr,verify | blake3[,verify]",
  "DEDUP",
  [
    "on",
    "off",
    "verify",
    "sha256",
    "sha256,verify",
    "sha512",
    "sha512,verify",
    "skein",
    "skein,verify",
    "edonr,verify",
    "blake3",
    "blake3,verify",
  ],
);
str("mlslabel", "none", "inherit", T_DATASET, "<sensitivity label>", "MLSLABEL");
idx("sync", "standard", "inherit", FV, "standard | always | disabled", "SYNC", ["standard", "always", "disabled"]);
idx("dnodesize", "legacy", "inherit", T_FS, "legacy | auto | 1k | 2k | 4k | 8k | 16k", "DNSIZE", [
  "legacy",
  "auto",
  "1k",
  "2k",
  "4k",
  "8k",
  "16k",
]);
num("refcompressratio", 0, "readonly", T_DATASET, "<1.00x or higher if compressed>", "REFRATIO");
num("written", 0, "readonly", T_DATASET, "<size>", "WRITTEN");
str("clones", undefined, "readonly", T_SNAP, "<dataset>[,...]", "CLONES");
num("logicalused", 0, "readonly", FV, "<size>", "LUSED");
num("logicalreferenced", 0, "readonly", T_DATASET | T_BOOKMARK, "<size>", "LREFER");
hidden("inconsistent", "number", "readonly", T_DATASET, "INCONSISTENT", false);
idx("volmode", "default", "inherit", FV, "default | full | geom | dev | none", "VOLMODE", [
  ["default", "default"],
  ["full", "full"],
  ["geom", "full"],
  ["dev", "dev"],
  ["none", "none"],
]);
num("filesystem_limit", MAX, "default", T_FS, "<count> | none", "FSLIMIT");
num("snapshot_limit", MAX, "default", FV, "<count> | none", "SSLIMIT");
num("filesystem_count", MAX, "readonly", T_FS, "<count>", "FSCOUNT");
num("snapshot_count", MAX, "readonly", FV, "<count>", "SSCOUNT");
idx("snapdev", "hidden", "inherit", FV, "hidden | visible", "SNAPDEV", ["hidden", "visible"]);
idx("acltype", "nfsv4", "inherit", FS, "off | nfsv4 | posix", "ACLTYPE", [
  ["off", "off"],
  ["posix", "posix"],
  ["nfsv4", "nfsv4"],
  ["disabled", "off"],
  ["noacl", "off"],
  ["posixacl", "posix"],
]);
str("context", "none", "default", T_DATASET, "<selinux context>", "CONTEXT");
str("fscontext", "none", "default", T_DATASET, "<selinux fscontext>", "FSCONTEXT");
str("defcontext", "none", "default", T_DATASET, "<selinux defcontext>", "DEFCONTEXT");
str("rootcontext", "none", "default", T_DATASET, "<selinux rootcontext>", "ROOTCONTEXT");
idx("relatime", "on", "inherit", T_FS, "on | off", "RELATIME", onoff);
idx("redundant_metadata", "all", "inherit", FV, "all | most | some | none", "REDUND_MD", [
  "all",
  "most",
  "some",
  "none",
]);
idx("overlay", "on", "inherit", T_FS, "on | off", "OVERLAY", onoff);
hidden("prevsnap", "string", "readonly", FV, "PREVSNAP", true);
str("receive_resume_token", undefined, "readonly", FV, "<string token>", "RESUMETOK");
idx(
  "encryption",
  "off",
  "onetime",
  T_DATASET,
  "on | off | aes-128-ccm | aes-192-ccm | aes-256-ccm | aes-128-gcm | aes-192-gcm | aes-256-gcm",
  "ENCRYPTION",
  ["on", "off", "aes-128-ccm", "aes-192-ccm", "aes-256-ccm", "aes-128-gcm", "aes-192-gcm", "aes-256-gcm"],
);
str("keylocation", "none", "default", FV, "prompt | <file URI> | <https URL> | <http URL>", "KEYLOCATION");
idx("keyformat", "none", "onetime_default", FV, "none | raw | hex | passphrase", "KEYFORMAT", [
  "none",
  "raw",
  "hex",
  "passphrase",
]);
hidden("pbkdf2salt", "number", "onetime_default", FV, "PBKDF2SALT", false);
num("pbkdf2iters", 0, "onetime_default", FV, "<iters>", "PBKDF2ITERS", true);
str("encryptionroot", undefined, "readonly", T_DATASET, "<filesystem | volume>", "ENCROOT");
hidden("keyguid", "number", "readonly", T_DATASET, "KEYGUID", true);
idx("keystatus", "none", "readonly", T_DATASET, "none | unavailable | available", "KEYSTATUS", [
  "none",
  "unavailable",
  "available",
]);
hidden("remaptxg", "number", "readonly", T_DATASET, "REMAPTXG", false);
num("special_small_blocks", 0, "inherit", T_FS, "zero or 512 to 1M, power of 2", "SPECIAL_SMALL_BLOCKS");
hidden("ivsetguid", "number", "readonly", T_DATASET | T_BOOKMARK, "IVSETGUID", true);
hidden("redacted", "number", "readonly", T_DATASET, "REDACTED", false);
str("redact_snaps", undefined, "readonly", T_DATASET | T_BOOKMARK, "<snapshot>[,...]", "RSNAPS");
P.push({
  name: "snapshots_changed",
  kind: "number",
  attr: "readonly",
  types: FV,
  def: 0,
  values: "<date>",
  colname: "SNAPSHOTS_CHANGED",
  rightAlign: false,
  visible: true,
  flex: true,
});
idx("prefetch", "all", "inherit", FSV, "none | metadata | all", "PREFETCH", ["none", "metadata", "all"]);

export const PROPS: readonly PropDesc[] = P;
const byName = new Map(P.map((p) => [p.name, p]));

export function prop(name: string): PropDesc {
  const p = byName.get(name);
  if (p === undefined) throw new Error(`no property ${name}`);
  return p;
}

/** zprop_name_to_prop: the full name, or the column name in lower case (zprop_common.c propname_match). */
export function propByName(name: string): PropDesc | undefined {
  return byName.get(name) ?? P.find((p) => p.colname.toLowerCase() === name);
}

export function readonlyProp(p: PropDesc): boolean {
  return p.attr === "readonly" || p.attr === "onetime" || p.attr === "onetime_default";
}
export function setonceProp(p: PropDesc): boolean {
  return p.attr === "onetime" || p.attr === "onetime_default";
}
export function inheritableProp(p: PropDesc): boolean {
  return p.attr === "inherit" || p.attr === "onetime";
}

/** zprop_valid_for_type; with headcheck, snapshot-only properties pass (libzfs checks them against the head). */
export function validForType(p: PropDesc, type: number, headcheck = false): boolean {
  if (headcheck && p.types === T_SNAP) return true;
  return (p.types & type) !== 0;
}

/** zprop_valid_char: what a user property name may contain. */
function validChar(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "-" || c === "_" || c === "." || c === ":";
}

/** zfs_prop_user: a user property has a ':' and only valid characters. */
export function isUserProp(name: string): boolean {
  return [...name].every(validChar) && name.includes(":");
}

/** zfs_prop_userquota / zfs_prop_written: the @-suffixed pseudo properties. */
export function isUserquotaProp(name: string): boolean {
  return /^(user|group|project)(obj)?(used|quota)@/.test(name);
}
export function isWrittenProp(name: string): boolean {
  return name.startsWith("written@") || name.startsWith("written#");
}

/** zprop_width: the column name's width, at least 5 for numbers, the longest value for index tables. */
export function propWidth(p: PropDesc): number {
  let w = p.colname.length;
  if (p.kind === "number" && w < 5) w = 5;
  if (p.kind === "index") for (const [n] of p.table ?? []) w = Math.max(w, n.length);
  return w;
}

/** Canonical name of an index value, or undefined when `value` is not in the table. */
export function indexCanonical(p: PropDesc, value: string): string | undefined {
  return p.table?.find(([n]) => n === value)?.[1];
}
