// zfs get (cmd/zfs/zfs_main.c: zfs_do_get, get_callback; lib/libzfs/libzfs_util.c: zprop_print_headers,
// zprop_print_one_property).
import { type Cmd, commaList, usage, zfsError } from "./cli";
import { type Column, columnName, columnValue, expandAll, expandColumns, propList } from "./columns";
import { parseDepth } from "./cmd-list";
import { getopt } from "./getopt";
import { forEach } from "./iter";
import type { ZfsState } from "./model";
import { T_BOOKMARK, T_DATASET, T_FS, T_SNAP, T_VOL, prop } from "./props";
import { type Source, sourceText } from "./values";

type GetCol = "name" | "property" | "value" | "received" | "source";
const SOURCES: Record<string, Source["kind"]> = {
  local: "local",
  default: "default",
  inherited: "inherited",
  received: "received",
  temporary: "temporary",
  none: "none",
};
const TYPES: Record<string, number> = {
  filesystem: T_FS,
  volume: T_VOL,
  snapshot: T_SNAP,
  snap: T_SNAP,
  bookmark: T_BOOKMARK,
  all: T_DATASET | T_BOOKMARK,
};

interface Line {
  name: string;
  property: string;
  value: string;
  received: string;
  source: string;
}

export function zfsGet(zs: ZfsState, cmd: Cmd): number {
  let columns: GetCol[] = ["name", "property", "value", "source"];
  let sources: Set<Source["kind"]> | undefined;
  let types = T_DATASET | T_BOOKMARK;
  let literal = false;
  let scripted = false;
  let recurse = false;
  let depth: number | undefined;
  const { opts, operands } = getopt(cmd.args, ":d:o:s:rt:Hp");
  for (const o of opts) {
    switch (o.c) {
      case "p":
        literal = true;
        break;
      case "d":
        depth = parseDepth(cmd, o.arg!);
        break;
      case "r":
        recurse = true;
        break;
      case "H":
        scripted = true;
        break;
      case "o": {
        columns = [];
        for (const tok of commaList(o.arg!)) {
          if (columns.length === 5) {
            cmd.err("too many fields given to -o option\n");
            usage(cmd, "get");
          }
          if (tok === "all") {
            if (columns.length > 0) {
              cmd.err('"all" conflicts with specific fields given to -o option\n');
              usage(cmd, "get");
            }
            columns = ["name", "property", "value", "received", "source"];
          } else if (["name", "property", "value", "received", "source"].includes(tok)) {
            columns.push(tok as GetCol);
          } else {
            cmd.err(`invalid column name '${tok}'\n`);
            usage(cmd, "get");
          }
        }
        break;
      }
      case "s":
        sources = new Set();
        for (const tok of commaList(o.arg!)) {
          const s = SOURCES[tok];
          if (s === undefined) {
            cmd.err(`invalid source '${tok}'\n`);
            usage(cmd, "get");
          }
          sources.add(s);
        }
        break;
      case "t":
        types = 0;
        for (const tok of commaList(o.arg!)) {
          const t = TYPES[tok];
          if (t === undefined) {
            cmd.err(`invalid type '${tok}'\n`);
            usage(cmd, "get");
          }
          types |= t;
        }
        break;
      case ":":
        cmd.err(`missing argument for '${"optopt" in o ? o.optopt : ""}' option\n`);
        usage(cmd, "get");
        break;
      default:
        cmd.err(`invalid option '${"optopt" in o ? o.optopt : o.c}'\n`);
        usage(cmd, "get");
    }
  }
  if (operands.length < 1) {
    cmd.err("missing property argument\n");
    usage(cmd, "get");
  }
  const [fields, ...datasets] = operands as [string, ...string[]];
  if ((types === T_SNAP || types === T_BOOKMARK) && datasets.length > 0 && !recurse && depth === undefined) depth = 1;
  const list = propList(fields);
  if (!list.ok) {
    zfsError(cmd, "bad property list", list.why);
    usage(cmd, "get");
  }
  const { names, failed } = forEach(zs, cmd, datasets, {
    recurse,
    ...(depth !== undefined ? { depth } : {}),
    types,
    argsCanBePaths: true,
  });
  // zfs_do_get puts a NAME entry first (for the NAME column's width); get_callback skips it.
  const cols: Column[] = list.columns
    ? [{ prop: prop("name"), width: 4, fixed: false, all: false }, ...list.columns]
    : expandAll();
  expandColumns(zs, names, cols, literal);

  const lines: Line[] = [];
  for (const name of names) {
    for (const col of cols.slice(1)) {
      const v = columnValue(zs, name, col, literal);
      if (v === undefined && col.all) continue;
      const source: Source = v?.source ?? { kind: "none" };
      if (sources !== undefined && !sources.has(source.kind)) continue;
      lines.push({
        name,
        property: columnName(col),
        value: v?.value ?? "-",
        received: "-",
        source: sourceText(source),
      });
    }
  }
  if (lines.length > 0) print(cmd, lines, columns, cols, scripted);
  return failed ? 1 : 0;
}

function print(cmd: Cmd, lines: Line[], columns: GetCol[], cols: Column[], scripted: boolean): void {
  const widths: Record<GetCol, number> = { name: 4, property: 8, value: 5, received: 8, source: 6 };
  for (const [i, col] of cols.entries()) {
    widths.property = Math.max(widths.property, columnName(col).length);
    if (i > 0) widths.value = Math.max(widths.value, col.width);
  }
  // The NAME and SOURCE widths come from the name column: SOURCE allows for "inherited from <longest name>".
  if (cols[0]!.width > widths.name) {
    widths.name = cols[0]!.width;
    widths.source = cols[0]!.width + "inherited from".length;
  }
  const row = (cells: Record<GetCol, string>, header: boolean) =>
    columns
      .map((c, i) => {
        if (i === columns.length - 1) return cells[c];
        return scripted && !header ? `${cells[c]}\t` : `${cells[c].padEnd(widths[c])}  `;
      })
      .join("");
  if (!scripted)
    cmd.out(
      `${row({ name: "NAME", property: "PROPERTY", value: "VALUE", received: "RECEIVED", source: "SOURCE" }, true)}\n`,
    );
  for (const l of lines) cmd.out(`${row(l, false)}\n`);
}
