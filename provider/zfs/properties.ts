// The native ZFS properties a program may set, their rules, and the normalisation diff compares with.
// Source of truth: OpenZFS 2.2 module/zcommon/zfs_prop.c (zfs_prop_init) and zfsprops(7); sizes follow
// libzfs's zfs_nicestrtonum; names follow module/zcommon/zfs_namecheck.c.

export type DatasetType = "filesystem" | "volume" | "snapshot";

/** How a property may change: freely, only at create (zfsprops(7) "set once"), or never. */
export type PropertyMode = "settable" | "createOnly" | "readonly";

export interface NativeProperty {
  name: string;
  /** The dataset types it applies to (zfs_prop.c's ZFS_TYPE_* mask). */
  types: readonly DatasetType[];
  mode: PropertyMode;
  /**
   * PROP_INHERIT in zfs_prop.c. The others (quota, canmount, …) refuse a plain `zfs inherit`; `zfs inherit -S`
   * reverts them to the default (zfs-inherit(8)).
   */
  inheritable: boolean;
  /** Why `value` is refused, or undefined when it is valid. */
  validate(value: string): string | undefined;
  /** The form two equal values share, for diff: sizes become bytes, "none" of a quota becomes "0". */
  normalise(value: string): string;
}

/** The ownership marker (DESIGN.md): a user property naming the stack and resource that created the dataset. */
export const OWNER_PROPERTY = "pulumi-freebsd:owner";
/** User properties under this prefix belong to the library. */
export const RESERVED_PREFIX = "pulumi-freebsd:";

// ---------------------------------------------------------------------------------------------------------------
// Sizes

const SUFFIXES = "BKMGTPEZ";
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Bytes of a ZFS size ("10G", "1.5T", "512", "64KiB"), as zfs_nicestrtonum reads it: a number, then an optional
 * suffix B K M G T P E Z, case-insensitive, optionally followed by "B" or "iB" (never "BB" or "BiB"); powers of
 * 1024. A fraction is computed in floating point and truncated, as libzfs does. Undefined when unreadable.
 */
export function parseSize(text: string): bigint | undefined {
  const m = /^(\d+)?(\.\d*)?([A-Za-z]*)$/.exec(text);
  if (m === null || (m[1] === undefined && (m[2] === undefined || m[2] === "."))) return undefined;
  const shift = suffixShift(m[3]!);
  if (shift === undefined) return undefined;
  let bytes: bigint;
  if (m[2] !== undefined) {
    const value = Number(`${m[1] ?? "0"}${m[2] === "." ? "" : m[2]}`) * 2 ** shift;
    if (!Number.isFinite(value) || value >= 2 ** 64) return undefined;
    bytes = BigInt(Math.trunc(value));
  } else {
    bytes = BigInt(m[1]!) << BigInt(shift);
  }
  return bytes > UINT64_MAX ? undefined : bytes;
}

function suffixShift(suffix: string): number | undefined {
  if (suffix === "") return 0;
  const i = SUFFIXES.indexOf(suffix[0]!.toUpperCase());
  if (i < 0) return undefined;
  const rest = suffix.slice(1).toUpperCase();
  if (rest === "" || (i > 0 && (rest === "B" || rest === "IB"))) return 10 * i;
  return undefined;
}

/** A size as decimal bytes, or the text unchanged when it is not a size. */
export function normaliseSize(text: string): string {
  const bytes = parseSize(text);
  return bytes === undefined ? text : bytes.toString();
}

const isPowerOfTwo = (n: bigint) => n > 0n && (n & (n - 1n)) === 0n;

// ---------------------------------------------------------------------------------------------------------------
// Value rules

const identity = (v: string) => v;

function oneOf(values: readonly string[]) {
  return (v: string) => (values.includes(v) ? undefined : `must be one of ${values.join(", ")}`);
}

const ON_OFF = ["on", "off"];

function sizeRule(opts: { none?: boolean; auto?: boolean }) {
  return (v: string) => {
    if (opts.none && v === "none") return undefined;
    if (opts.auto && v === "auto") return undefined;
    if (parseSize(v) !== undefined) return undefined;
    const also = [opts.none ? '"none"' : "", opts.auto ? '"auto"' : ""].filter(Boolean).join(" or ");
    return `must be a size such as 10G, 512M or 1073741824${also ? `, or ${also}` : ""}`;
  };
}

/** quota, reservation and their ref* forms: "none" is 0 (zfsprops(7)), and `zfs get -p` prints 0. */
function sizeOrNone(v: string): string {
  return v === "none" ? "0" : normaliseSize(v);
}

function blockSizeRule(min: bigint, max: bigint, zeroAllowed = false) {
  const label = (n: bigint) => (n >= 1n << 20n ? `${n >> 20n}M` : n >= 1024n ? `${n >> 10n}K` : `${n}`);
  return (v: string) => {
    const n = parseSize(v);
    if (n !== undefined && zeroAllowed && n === 0n) return undefined;
    if (n !== undefined && n >= min && n <= max && isPowerOfTwo(n)) return undefined;
    return `must be a power of 2 from ${label(min)} to ${label(max)}${zeroAllowed ? ", or 0" : ""} (e.g. 128K)`;
  };
}

function countOrNone(v: string): string | undefined {
  return v === "none" || /^\d+$/.test(v) ? undefined : 'must be a count or "none"';
}

function mountpointRule(v: string): string | undefined {
  if (v === "none" || v === "legacy") return undefined;
  if (!v.startsWith("/")) return 'must be an absolute path, "none" or "legacy"';
  // mountpoint_namecheck: no component may reach ZFS_MAX_DATASET_NAME_LEN.
  if (v.split("/").some((c) => c.length >= 256)) return "has a path component of 256 characters or more";
  return undefined;
}

function keylocationRule(v: string): string | undefined {
  // "prompt" would read the key from a terminal; over SSH in batch mode nothing answers.
  if (v === "prompt") return 'cannot be "prompt" over SSH: store the key on the host and use file:///path';
  return /^(file:\/\/\/|https?:\/\/)/.test(v) ? undefined : "must be file:///path, https://… or http://…";
}

function pbkdf2Rule(v: string): string | undefined {
  // PBKDF2_MIN_ITERS in include/sys/dsl_crypt.h.
  return /^\d+$/.test(v) && BigInt(v) >= 100000n ? undefined : "must be a count of at least 100000";
}

const anyString = () => undefined;

// ---------------------------------------------------------------------------------------------------------------
// The table

const FS: DatasetType[] = ["filesystem"];
const VOL: DatasetType[] = ["volume"];
const FS_VOL: DatasetType[] = ["filesystem", "volume"];
const FS_SNAP: DatasetType[] = ["filesystem", "snapshot"];
const ALL: DatasetType[] = ["filesystem", "volume", "snapshot"];

const gzip = ["gzip", ...Array.from({ length: 9 }, (_, i) => `gzip-${i + 1}`)];
const zstd = ["zstd", ...Array.from({ length: 19 }, (_, i) => `zstd-${i + 1}`)];
const zstdFast = [
  "zstd-fast",
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 500, 1000].map((n) => `zstd-fast-${n}`),
];
const checksums = ["on", "off", "fletcher2", "fletcher4", "sha256", "noparity", "sha512", "skein", "edonr", "blake3"];

function prop(
  name: string,
  types: readonly DatasetType[],
  mode: PropertyMode,
  inheritable: boolean,
  validate: (v: string) => string | undefined,
  normalise: (v: string) => string = identity,
): NativeProperty {
  return { name, types, mode, inheritable, validate, normalise };
}

const settable = (name: string, types: readonly DatasetType[], values: readonly string[]) =>
  prop(name, types, "settable", true, oneOf(values));

const readonly = (name: string, types: readonly DatasetType[] = ALL) =>
  prop(name, types, "readonly", false, () => "is read-only");

const NATIVE: NativeProperty[] = [
  // inheritable index properties
  settable("redundant_metadata", FS_VOL, ["all", "most", "some", "none"]),
  settable("sync", FS_VOL, ["standard", "always", "disabled"]),
  settable("checksum", FS_VOL, checksums),
  settable("dedup", FS_VOL, [
    "on", "off", "verify", "sha256", "sha256,verify", "sha512", "sha512,verify", "skein", "skein,verify",
    "edonr,verify", "blake3", "blake3,verify",
  ]), // prettier-ignore
  settable("compression", FS_VOL, ["on", "off", "lzjb", ...gzip, "zle", "lz4", ...zstd, ...zstdFast]),
  settable("snapdir", FS, ["hidden", "visible"]),
  settable("snapdev", FS_VOL, ["hidden", "visible"]),
  settable("aclmode", FS, ["discard", "groupmask", "passthrough", "restricted"]),
  settable("acltype", FS_SNAP, ["off", "nfsv4", "posix", "disabled", "noacl", "posixacl"]),
  settable("aclinherit", FS, ["discard", "noallow", "restricted", "passthrough", "secure", "passthrough-x"]),
  settable("copies", FS_VOL, ["1", "2", "3"]),
  settable("primarycache", ALL, ["all", "none", "metadata"]),
  settable("secondarycache", ALL, ["all", "none", "metadata"]),
  settable("prefetch", ALL, ["all", "none", "metadata"]),
  settable("logbias", FS_VOL, ["latency", "throughput"]),
  settable("xattr", FS_SNAP, ["on", "off", "dir", "sa"]),
  settable("dnodesize", FS, ["legacy", "auto", "1k", "2k", "4k", "8k", "16k"]),
  settable("volmode", FS_VOL, ["default", "full", "geom", "dev", "none"]),
  // inheritable on/off properties; FreeBSD names ZFS_PROP_ZONED "jailed"
  ...["atime", "relatime", "readonly", "overlay", "vscan", "jailed"].map((n) =>
    settable(n, n === "readonly" ? FS_VOL : FS, ON_OFF),
  ),
  ...["devices", "exec", "setuid", "nbmand"].map((n) => settable(n, FS_SNAP, ON_OFF)),
  // non-inheritable index properties
  prop("version", FS_SNAP, "settable", false, oneOf(["1", "2", "3", "4", "5", "current"])),
  prop("canmount", FS, "settable", false, oneOf(["on", "off", "noauto"])),
  // set once (zfsprops(7): "cannot be changed after the file system is created")
  prop("normalization", FS_SNAP, "createOnly", false, oneOf(["none", "formC", "formD", "formKC", "formKD"])),
  prop("casesensitivity", FS_SNAP, "createOnly", false, oneOf(["sensitive", "insensitive", "mixed"])),
  prop("utf8only", FS_SNAP, "createOnly", false, oneOf(ON_OFF)),
  prop("encryption", ALL, "createOnly", false,
    oneOf(["on", "off", "aes-128-ccm", "aes-192-ccm", "aes-256-ccm", "aes-128-gcm", "aes-192-gcm", "aes-256-gcm"]),
  ), // prettier-ignore
  // keyformat changes only with `zfs change-key`, which needs the key: treated as set once here.
  prop("keyformat", FS_VOL, "createOnly", false, oneOf(["none", "raw", "hex", "passphrase"])),
  prop("pbkdf2iters", FS_VOL, "createOnly", false, pbkdf2Rule),
  prop("volblocksize", VOL, "createOnly", false, blockSizeRule(512n, 128n << 10n), normaliseSize),
  // strings
  prop("mountpoint", FS, "settable", true, mountpointRule),
  prop("sharenfs", FS, "settable", true, anyString),
  prop("sharesmb", FS, "settable", true, anyString),
  prop("mlslabel", ALL, "settable", true, anyString),
  prop("keylocation", FS_VOL, "settable", false, keylocationRule),
  ...["context", "fscontext", "defcontext", "rootcontext"].map((n) => prop(n, ALL, "settable", false, anyString)),
  // sizes and counts
  prop("quota", FS, "settable", false, sizeRule({ none: true }), sizeOrNone),
  prop("refquota", FS, "settable", false, sizeRule({ none: true }), sizeOrNone),
  prop("reservation", FS_VOL, "settable", false, sizeRule({ none: true }), sizeOrNone),
  // "auto" (volumes only) sizes the reservation to the volume (zfsprops(7)).
  prop("refreservation", FS_VOL, "settable", false, sizeRule({ none: true, auto: true }), sizeOrNone),
  prop("volsize", VOL, "settable", false, sizeRule({}), normaliseSize),
  prop("filesystem_limit", FS, "settable", false, countOrNone),
  prop("snapshot_limit", FS_VOL, "settable", false, countOrNone),
  // zfs_max_recordsize allows up to 16M (large_blocks); SPA_MINBLOCKSIZE is 512.
  prop("recordsize", FS, "settable", true, blockSizeRule(512n, 16n << 20n), normaliseSize),
  prop("special_small_blocks", FS, "settable", true, blockSizeRule(512n, 16n << 20n, true), normaliseSize),
  // read-only: reported, never set
  ...[
    "type", "creation", "used", "available", "referenced", "compressratio", "refcompressratio", "mounted", "origin",
    "usedbysnapshots", "usedbydataset", "usedbychildren", "usedbyrefreservation", "logicalused",
    "logicalreferenced", "written", "guid", "createtxg", "objsetid", "encryptionroot", "keystatus",
    "receive_resume_token", "redact_snaps", "snapshots_changed", "filesystem_count", "snapshot_count", "clones",
    "defer_destroy", "userrefs",
  ].map((n) => readonly(n)), // prettier-ignore
];

const BY_NAME = new Map(NATIVE.map((p) => [p.name, p]));

/** Short names zfs accepts for native properties (zfsprops(7)); programs must use the full name. */
const ALIASES: Record<string, string> = {
  avail: "available",
  compress: "compression",
  lrefer: "logicalreferenced",
  lused: "logicalused",
  recsize: "recordsize",
  refer: "referenced",
  refreserv: "refreservation",
  reserv: "reservation",
  ratio: "compressratio",
  refratio: "refcompressratio",
  volblock: "volblocksize",
};

export function nativeProperty(name: string): NativeProperty | undefined {
  return BY_NAME.get(name);
}

// ---------------------------------------------------------------------------------------------------------------
// User properties

/**
 * Why `name` is not a valid user property name, or undefined (zfsprops(7) "User Properties"): it contains a
 * colon, only lowercase letters, digits, ":" "-" "." "_", at most 256 characters, and does not start with "-".
 */
export function userPropertyNameProblem(name: string): string | undefined {
  if (!name.includes(":")) return undefined; // not a user property at all
  if (name.length > 256) return "user property names are at most 256 characters";
  if (name.startsWith("-")) return "user property names cannot start with '-'";
  const bad = /[^a-z0-9:._-]/.exec(name);
  if (bad !== null) {
    return `user property names may only contain lowercase letters, digits, ':', '-', '.' and '_' (found ${JSON.stringify(bad[0])})`;
  }
  return undefined;
}

export function isUserProperty(name: string): boolean {
  return name.includes(":");
}

/** ZFS_MAXPROPLEN: a user property value is at most 8192 bytes. */
const MAX_USER_VALUE_BYTES = 8192;

// ---------------------------------------------------------------------------------------------------------------
// Checking a program's properties

export interface PropertyProblem {
  /** The property's key in the program. */
  property: string;
  reason: string;
}

export interface PropertyRules {
  /** The kind of dataset the properties are for. */
  type: DatasetType;
  /** Native properties the resource sets through its own arguments, e.g. volsize through [size]. */
  ownedBy?: Record<string, string>;
  /** Snapshots take user properties only. */
  userOnly?: boolean;
}

/** Every problem with a program's `properties`, each naming the property and the fix. */
export function propertyProblems(properties: Record<string, string>, rules: PropertyRules): PropertyProblem[] {
  const problems: PropertyProblem[] = [];
  const add = (property: string, reason: string) => problems.push({ property, reason });
  for (const [name, value] of Object.entries(properties)) {
    if (isUserProperty(name)) {
      const nameProblem = userPropertyNameProblem(name);
      if (nameProblem !== undefined) add(name, nameProblem);
      else if (name.startsWith(RESERVED_PREFIX))
        add(name, `user properties under "${RESERVED_PREFIX}" are reserved for pulumi-freebsd's ownership marker`);
      if (Buffer.byteLength(value) > MAX_USER_VALUE_BYTES) add(name, "user property values are at most 8192 bytes");
      // One property per line is how `zfs get -H` reports them; a newline would split one in two.
      if (/[\n\r]/.test(value)) add(name, "a property value cannot contain a line break");
      continue;
    }
    if (rules.userOnly) {
      add(name, `${rules.type}s take user properties only (names with a ':', e.g. org.example:${name})`);
      continue;
    }
    const owner = rules.ownedBy?.[name];
    if (owner !== undefined) {
      add(name, `set it with [${owner}], not in [properties]`);
      continue;
    }
    const alias = ALIASES[name];
    const native = nativeProperty(name);
    if (native === undefined) {
      add(
        name,
        alias !== undefined
          ? `write the full name "${alias}"`
          : `unknown native property "${name}"; user properties need a ':' (e.g. org.example:${name})`,
      );
      continue;
    }
    if (native.mode === "readonly") {
      add(name, `"${name}" is read-only: ZFS reports it, it cannot be set`);
      continue;
    }
    if (!native.types.includes(rules.type)) {
      add(name, `"${name}" does not apply to a ${rules.type} (it applies to ${native.types.join(", ")})`);
      continue;
    }
    const reason = native.validate(value);
    if (reason !== undefined) add(name, `${name}=${JSON.stringify(value)}: ${reason}`);
  }
  return problems;
}

/** The value diff compares: equal sizes written differently are equal (1G == 1024M == 1073741824). */
export function normaliseValue(name: string, value: string): string {
  return nativeProperty(name)?.normalise(value) ?? value;
}

export function isCreateOnly(name: string): boolean {
  return nativeProperty(name)?.mode === "createOnly";
}

// ---------------------------------------------------------------------------------------------------------------
// Dataset names (zfs_namecheck.c)

const NAME_CHAR = /^[A-Za-z0-9_.: -]$/;

/** Why `component` is not a valid name component, or undefined. */
function componentProblem(component: string, what: string): string | undefined {
  if (component === "") return `${what} has an empty component`;
  if (component === "." || component === "..") return `${what} cannot have a "${component}" component`;
  for (const ch of component) {
    if (!NAME_CHAR.test(ch)) return `${what} has an invalid character ${JSON.stringify(ch)}`;
  }
  return undefined;
}

/**
 * Why `name` is not a valid filesystem or volume name to create, or undefined: pool/child[/…], components of
 * letters, digits and "_ . : -" and space, shorter than 256 characters in all, at most 50 levels deep
 * (zfs_max_dataset_nesting), and a pool name that starts with a letter.
 */
export function datasetNameProblem(name: string): string | undefined {
  if (name.length >= 256) return "must be shorter than 256 characters";
  if (name.startsWith("/")) return 'must not start with "/": a dataset name is pool/path, not a mount point';
  if (name.includes("@")) return 'must not contain "@": that names a snapshot (use zfs.Snapshot)';
  if (name.includes("#")) return 'must not contain "#": that names a bookmark';
  const parts = name.split("/");
  if (parts.length < 2) return 'must name a dataset inside a pool, such as "zroot/data"';
  if (parts.length - 1 >= 50) return "is nested deeper than 50 levels";
  const pool = parts[0]!;
  if (!/^[A-Za-z]/.test(pool)) return "pool name must start with a letter";
  if (["mirror", "raidz", "draid"].includes(pool)) return `"${pool}" is a reserved pool name`;
  for (const part of parts) {
    const problem = componentProblem(part, "name");
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Why `name` is not a valid snapshot name (the part after "@"), or undefined. */
export function snapshotNameProblem(name: string): string | undefined {
  if (name.includes("/") || name.includes("@") || name.includes("#")) {
    return 'is the part after "@" and cannot contain "/", "@" or "#"';
  }
  return componentProblem(name, "snapshot name");
}

/** The pool a dataset lives in: renames never leave it. */
export function poolOf(name: string): string {
  return name.split(/[/@]/)[0]!;
}

/** The dataset above `name`, or undefined for a pool. */
export function parentOf(name: string): string | undefined {
  const i = name.lastIndexOf("/");
  return i < 0 ? undefined : name.slice(0, i);
}
