// Pure builders: typed arguments -> argv arrays for zfs(8). The transport quotes each word (provider/ssh/quote.ts);
// nothing here ever joins words into a command line.

/** Columns every `zfs get` of this library asks for (zfs-get(8)); parse.ts reads exactly these. */
export const GET_COLUMNS = "name,property,value,source";

/** Properties given as `-o name=value` pairs, sorted by name so the same inputs always give the same command. */
function propertyOptions(properties: Readonly<Record<string, string>>): string[] {
  return sortedEntries(properties).flatMap(([name, value]) => ["-o", `${name}=${value}`]);
}

function sortedEntries(properties: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface CreateFilesystem {
  name: string;
  /** Native and user properties, including the ownership marker. */
  properties: Readonly<Record<string, string>>;
}

/**
 * `zfs create -o p=v … name` (zfs-create(8)). Never with -p: on an existing dataset `zfs create -p` exits 0 and
 * ignores every -o, so "created" and "was already there" would look alike. Parents come from createParents().
 */
export function createFilesystem(args: CreateFilesystem): string[] {
  return ["zfs", "create", ...propertyOptions(args.properties), args.name];
}

export interface CreateVolume extends CreateFilesystem {
  /** volsize in bytes, or as zfs reads sizes. */
  size: string;
  /** -s: no reservation (a sparse volume, zfs-create(8)). */
  sparse: boolean;
  /** -b: volblocksize, set once. */
  blockSize?: string;
}

/** `zfs create [-s] [-b blocksize] -o p=v … -V size name` (zfs-create(8)). */
export function createVolume(args: CreateVolume): string[] {
  return [
    "zfs",
    "create",
    ...(args.sparse ? ["-s"] : []),
    ...(args.blockSize !== undefined ? ["-b", args.blockSize] : []),
    ...propertyOptions(args.properties),
    "-V",
    args.size,
    args.name,
  ];
}

/**
 * `zfs create -p parent`: makes the missing ancestors of a dataset about to be created, and does nothing when the
 * parent exists (the one case where -p ignoring -o is what we want: there are none).
 */
export function createParents(parent: string): string[] {
  return ["zfs", "create", "-p", parent];
}

/** `zfs set p=v … name`: several properties in one command (zfs-set(8)). */
export function setProperties(name: string, properties: Readonly<Record<string, string>>): string[] {
  const pairs = sortedEntries(properties).map(([p, v]) => `${p}=${v}`);
  if (pairs.length === 0) throw new RangeError("setProperties: no properties to set");
  return ["zfs", "set", ...pairs, name];
}

/**
 * `zfs inherit -S property name`. zfs-inherit(8): -S reverts to the received value when one exists; otherwise an
 * inheritable property inherits as without -S, and a non-inheritable one (quota, canmount) returns to its
 * default, which a plain `zfs inherit` refuses. So -S is right in every case, with no extra read to decide.
 */
export function inheritProperty(name: string, property: string): string[] {
  return ["zfs", "inherit", "-S", property, name];
}

/** `zfs rename [-p] from to` for filesystems and volumes (zfs-rename(8)); -p makes missing parents of `to`. */
export function renameDataset(from: string, to: string, opts: { createParents?: boolean } = {}): string[] {
  return ["zfs", "rename", ...(opts.createParents ? ["-p"] : []), from, to];
}

/** `zfs rename [-r] pool/fs@a pool/fs@b`; -r renames the same snapshot of every descendant. */
export function renameSnapshot(from: string, to: string, opts: { recursive?: boolean } = {}): string[] {
  return ["zfs", "rename", ...(opts.recursive ? ["-r"] : []), from, to];
}

export interface DestroyOptions {
  /** -r: children and snapshots too. */
  recursive?: boolean;
  /** -R: also clones outside the hierarchy (zfs-destroy(8)). */
  dependents?: boolean;
}

/** `zfs destroy [-r|-R] name`. Never -f: it only forces unmounting, and a busy dataset should say so. */
export function destroy(name: string, opts: DestroyOptions = {}): string[] {
  const flag = opts.dependents ? ["-R"] : opts.recursive ? ["-r"] : [];
  return ["zfs", "destroy", ...flag, name];
}

/** `zfs snapshot [-r] -o p=v … pool/fs@name` (zfs-snapshot(8)). */
export function snapshot(
  fullName: string,
  opts: { recursive?: boolean; properties?: Readonly<Record<string, string>> } = {},
): string[] {
  return ["zfs", "snapshot", ...(opts.recursive ? ["-r"] : []), ...propertyOptions(opts.properties ?? {}), fullName];
}

/**
 * Every property of each named dataset, exact values: one command however many datasets (zfs-get(8)). Names that
 * do not exist print "cannot open" on stderr and make the exit code 1; the others are still listed.
 */
export function getAll(names: readonly string[]): string[] {
  if (names.length === 0) throw new RangeError("getAll: no datasets");
  return ["zfs", "get", "-H", "-p", "-o", GET_COLUMNS, "all", ...names];
}

/** Selected properties of a dataset and everything below it: children, volumes and snapshots (`-r -t …`). */
export function getRecursive(name: string, properties: readonly string[]): string[] {
  return [
    "zfs", "get", "-H", "-p", "-r", "-t", "filesystem,volume,snapshot", "-o", GET_COLUMNS, properties.join(","), name,
  ]; // prettier-ignore
}

/** Name and guid of every dataset of the given types in the given pools: finds a dataset renamed elsewhere. */
export function listGuids(pools: readonly string[], types: readonly string[]): string[] {
  return ["zfs", "list", "-H", "-p", "-o", "name,guid", "-t", types.join(","), "-r", ...pools];
}
