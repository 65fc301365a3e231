// Dataset name rules: entity_namecheck and pool_namecheck (module/zcommon/zfs_namecheck.c) with the reasons
// zfs_validate_name (lib/libzfs/libzfs_dataset.c) gives for each failure.
import { T_BOOKMARK, T_SNAP } from "./props";

const MAX_NAME_LEN = 256; // ZFS_MAX_DATASET_NAME_LEN
const MAX_NESTING = 50; // zfs_max_dataset_nesting

function validChar(c: string): boolean {
  return /[a-zA-Z0-9\-_.: ]/.test(c);
}

/** entity_namecheck: the reason a name is invalid, or undefined. */
function entityReason(path: string): string | undefined {
  if (path.length >= MAX_NAME_LEN) return "name is too long";
  if (path.startsWith("/")) return "leading slash in name";
  if (path === "") return "empty component or misplaced '@' or '#' delimiter in name";
  let start = 0;
  let foundDelim = false;
  for (;;) {
    let end = start;
    while (end < path.length && !"/@#".includes(path[end]!)) end++;
    if (end === path.length && path[end - 1] === "/") return "trailing slash in name";
    for (let i = start; i < end; i++) {
      const c = path[i]!;
      if (!validChar(c) && c !== "%") return `invalid character '${c}' in name`;
    }
    if (end === path.length || path[end] === "/") {
      const comp = path.slice(start, end);
      if (comp === ".") return "self reference, '.' is found in name";
      if (comp === "..") return "parent reference, '..' is found in name";
    }
    if (path[end] === "@" || path[end] === "#") {
      if (foundDelim) return "multiple '@' and/or '#' delimiters in name";
      foundDelim = true;
    }
    if (start === end) return "empty component or misplaced '@' or '#' delimiter in name";
    if (end === path.length) return undefined;
    if (path[end] === "/" && foundDelim) return "trailing slash in name";
    start = end + 1;
  }
}

/**
 * zfs_validate_name: undefined when `path` is a valid name for one of `types`, else the description libzfs
 * prints after "cannot <action> '<path>': ".
 */
export function nameError(path: string, types: number, modifying = false): string | undefined {
  if (!(types & T_SNAP) && path.includes("@")) return "snapshot delimiter '@' is not expected here";
  if (types === T_SNAP && !path.includes("@")) return "missing '@' delimiter in snapshot name";
  if (!(types & T_BOOKMARK) && path.includes("#")) return "bookmark delimiter '#' is not expected here";
  if (types === T_BOOKMARK && !path.includes("#")) return "missing '#' delimiter in bookmark name";
  if (modifying && path.includes("%")) return "invalid character % in name";
  return entityReason(path);
}

/** dataset_nestcheck */
export function nestingOk(path: string): boolean {
  const head = path.split(/[@#]/)[0]!;
  return [...head].filter((c) => c === "/").length < MAX_NESTING;
}

/** pool_namecheck's reason, or undefined. */
export function poolNameError(pool: string): string | undefined {
  if (pool.length >= MAX_NAME_LEN - 2 - "$ORIGIN".length * 2) return "name is too long";
  for (const c of pool) if (!validChar(c)) return `invalid character '${c}' in pool name`;
  if (!/^[a-zA-Z]/.test(pool)) return "name must begin with a letter";
  if (pool === "mirror" || pool === "raidz" || pool === "draid") return "name is reserved";
  return undefined;
}
