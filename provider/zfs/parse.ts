// Pure parsers of OpenZFS 2.2 output (zfs-get(8), zfs-list(8) with -H -p) and of its error messages.
// Formats: ../shared/freebsd-reference/zfs.md; messages from cmd/zfs/zfs_main.c and lib/libzfs.

/** A line of output this code cannot read: the error quotes it. */
export class ZfsParseError extends Error {
  constructor(
    readonly line: string,
    reason: string,
  ) {
    super(`cannot read zfs output (${reason}): ${JSON.stringify(line)}`);
    this.name = "ZfsParseError";
  }
}

/** Where a property's value comes from (the SOURCE column of zfs-get(8)). */
export type PropertySource =
  | { kind: "none" } // "-": read-only, or an unset user property
  | { kind: "default" }
  | { kind: "local" }
  | { kind: "temporary" }
  | { kind: "received" }
  | { kind: "inherited"; from: string };

export function parseSource(text: string, line = text): PropertySource {
  switch (text) {
    case "-":
      return { kind: "none" };
    case "default":
    case "local":
    case "temporary":
    case "received":
      return { kind: text };
  }
  const m = /^inherited from (.+)$/.exec(text);
  if (m !== null) return { kind: "inherited", from: m[1]! };
  throw new ZfsParseError(line, `unknown property source ${JSON.stringify(text)}`);
}

/** The SOURCE column as zfs prints it. */
export function formatSource(source: PropertySource): string {
  switch (source.kind) {
    case "none":
      return "-";
    case "inherited":
      return `inherited from ${source.from}`;
    default:
      return source.kind;
  }
}

export interface PropertyRow {
  name: string;
  property: string;
  value: string;
  source: PropertySource;
}

/**
 * Rows of `zfs get -H -p -o name,property,value,source …`. Names and property names hold no TAB and the source
 * ends the line, so a value that itself holds a TAB (a user property may) is everything in between.
 */
export function parseGetOutput(text: string): PropertyRow[] {
  const rows: PropertyRow[] = [];
  for (const line of lines(text)) {
    const fields = line.split("\t");
    if (fields.length < 4) throw new ZfsParseError(line, "expected name, property, value and source, TAB-separated");
    const name = fields[0]!;
    const property = fields[1]!;
    if (name === "" || property === "") throw new ZfsParseError(line, "empty name or property");
    const source = parseSource(fields[fields.length - 1]!, line);
    rows.push({ name, property, value: fields.slice(2, -1).join("\t"), source });
  }
  return rows;
}

/** One dataset's properties as the host reports them. */
export interface DatasetProperties {
  name: string;
  properties: Map<string, { value: string; source: PropertySource }>;
}

/** `zfs get` rows grouped by dataset, in the order zfs printed them. */
export function groupByDataset(rows: readonly PropertyRow[]): Map<string, DatasetProperties> {
  const out = new Map<string, DatasetProperties>();
  for (const row of rows) {
    let ds = out.get(row.name);
    if (ds === undefined) {
      ds = { name: row.name, properties: new Map() };
      out.set(row.name, ds);
    }
    ds.properties.set(row.property, { value: row.value, source: row.source });
  }
  return out;
}

/** Rows of `zfs list -H -p -o <columns>`, checked to have exactly that many fields. */
export function parseListOutput(text: string, columns: readonly string[]): Array<Record<string, string>> {
  return lines(text).map((line) => {
    const fields = line.split("\t");
    if (fields.length !== columns.length) {
      throw new ZfsParseError(line, `expected ${columns.length} TAB-separated fields (${columns.join(", ")})`);
    }
    return Object.fromEntries(columns.map((c, i) => [c, fields[i]!]));
  });
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

// ---------------------------------------------------------------------------------------------------------------
// Errors. zfs prints "cannot <action> '<target>': <description>" (libzfs zfs_standard_error); a few commands print
// more lines after it (zfs_main.c destroy_check_dependent lists what blocks a destroy).

export type ZfsFailure =
  | { kind: "notFound"; name: string; message: string }
  | { kind: "alreadyExists"; name: string; message: string }
  | { kind: "parentMissing"; name: string; message: string }
  | { kind: "noSuchPool"; name: string; pool: string; message: string }
  /** `zfs destroy` without -r: what it would have destroyed too. */
  | { kind: "hasChildren"; name: string; type: string; children: string[]; message: string }
  /** `zfs destroy` of a snapshot (or with -r): clones that depend on it. */
  | { kind: "hasClones"; name: string; type: string; clones: string[]; message: string }
  | { kind: "busy"; name: string; message: string }
  | { kind: "readonlyProperty"; name: string; property: string; message: string }
  /** zfs create made the dataset, then could not mount it, and exits 1 (zfs_main.c zfs_mount_and_share). */
  | { kind: "createdNotMounted"; message: string }
  /** `zfs destroy pool/fs@snap` when no such snapshot exists. */
  | { kind: "noSnapshots"; message: string }
  | { kind: "other"; message: string };

// Dataset names cannot hold "'" (zfs_namecheck.c), so the quoted target ends at the next one.
const CANNOT = /^cannot [^']+? '([^']+)': (.*)$/;
/** Some messages name the target unquoted: "cannot destroy snapshot tank/a@s: snapshot is cloned" (libzfs). */
const CANNOT_UNQUOTED = /^cannot (?:destroy snapshot|snapshot) (.+): (.*)$/;

/** Every failure stderr reports, in order; lines that only continue a failure are folded into it. */
export function parseZfsErrors(stderr: string): ZfsFailure[] {
  const out: ZfsFailure[] = [];
  const input = stderr.split("\n").map((l) => l.trimEnd());
  for (let i = 0; i < input.length; i++) {
    const line = input[i]!;
    if (line === "") continue;
    if (/^filesystem successfully created, but not mounted$/.test(line)) {
      out.push({ kind: "createdNotMounted", message: line });
      continue;
    }
    if (/^could not find any snapshots to destroy/.test(line)) {
      out.push({ kind: "noSnapshots", message: line });
      continue;
    }
    const m = CANNOT.exec(line) ?? CANNOT_UNQUOTED.exec(line);
    if (m === null) {
      out.push({ kind: "other", message: line });
      continue;
    }
    const name = m[1]!;
    const description = m[2]!;
    const dependents = /^(filesystem|volume|snapshot) has (children|dependent clones)$/.exec(description);
    if (dependents !== null) {
      // "use '-r' to destroy the following datasets:" then one name a line.
      const start = i;
      const listed: string[] = [];
      let j = i + 1;
      if (/^use '-[rR]' to destroy the following datasets:$/.test(input[j] ?? "")) j++;
      while (j < input.length && input[j] !== "" && !input[j]!.startsWith("cannot ")) listed.push(input[j++]!);
      i = j - 1;
      const message = input.slice(start, j).join("\n");
      // zfs_iter_dependents does not deduplicate: a clone reached twice is listed twice. One entry is enough.
      listed.splice(0, listed.length, ...new Set(listed));
      out.push(
        dependents[2] === "children"
          ? { kind: "hasChildren", name, type: dependents[1]!, children: listed, message }
          : { kind: "hasClones", name, type: dependents[1]!, clones: listed, message },
      );
      continue;
    }
    out.push(classify(name, description, line));
  }
  return out;
}

function classify(name: string, description: string, message: string): ZfsFailure {
  if (description === "dataset does not exist") return { kind: "notFound", name, message };
  if (description === "dataset already exists") return { kind: "alreadyExists", name, message };
  if (description === "parent does not exist" || /^no such parent '/.test(description)) {
    return { kind: "parentMissing", name, message };
  }
  const pool = /^no such pool '([^']+)'$/.exec(description);
  if (pool !== null) return { kind: "noSuchPool", name, pool: pool[1]!, message };
  if (description === "dataset is busy" || description === "pool or dataset is busy") {
    return { kind: "busy", name, message };
  }
  if (description === "snapshot is cloned") return { kind: "hasClones", name, type: "snapshot", clones: [], message };
  const ro = /^'([^']+)' is readonly$/.exec(description);
  if (ro !== null) return { kind: "readonlyProperty", name, property: ro[1]!, message };
  return { kind: "other", message };
}
