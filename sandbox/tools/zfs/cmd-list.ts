// zfs list (cmd/zfs/zfs_main.c: zfs_do_list, print_header, print_dataset).
import { type Cmd, commaList, usage, zfsError } from "./cli";
import { type Column, columnValue, expandAll, expandColumns, propList } from "./columns";
import { getopt } from "./getopt";
import { type SortCol, forEach, sortColumn } from "./iter";
import type { ZfsState } from "./model";
import { T_BOOKMARK, T_DATASET, T_FS, T_SNAP, T_VOL } from "./props";

const TYPES: Record<string, number> = {
  filesystem: T_FS,
  fs: T_FS,
  volume: T_VOL,
  vol: T_VOL,
  snapshot: T_SNAP,
  snap: T_SNAP,
  bookmark: T_BOOKMARK,
  all: T_DATASET | T_BOOKMARK,
};

/** parse_depth: strtol(…, 0) must take the whole word and not be negative. */
export function parseDepth(cmd: Cmd, arg: string): number {
  const m = /^\s*([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.exec(arg);
  if (m === null) {
    cmd.err(`${arg} is not an integer\n`);
    usage(cmd, cmd.name);
  }
  const n = Number.parseInt(
    m[2]!,
    m[2]!.toLowerCase().startsWith("0x") ? 16 : m[2]!.startsWith("0") && m[2]!.length > 1 ? 8 : 10,
  );
  const depth = m[1] === "-" ? -n : n;
  if (depth < 0) {
    cmd.err("Depth can not be negative.\n");
    usage(cmd, cmd.name);
  }
  return depth;
}

function headerOf(col: Column): string {
  return col.prop !== undefined ? col.prop.colname : col.user!.toUpperCase();
}

function rightAligned(col: Column): boolean {
  // Userquota and written@ columns are numbers; plain user properties are text.
  return col.prop !== undefined ? col.prop.rightAlign : /@|#/.test(col.user!);
}

function cell(text: string, col: Column, last: boolean, scripted: boolean): string {
  const right = rightAligned(col);
  if (scripted || (last && !right)) return text;
  return right ? text.padStart(col.width) : text.padEnd(col.width);
}

export function zfsList(zs: ZfsState, cmd: Cmd): number {
  let fields = "name,used,available,referenced,mountpoint";
  let types = T_DATASET;
  let typesGiven = false;
  let literal = false;
  let scripted = false;
  let recurse = false;
  let depth: number | undefined;
  const sort: SortCol[] = [];
  const { opts, operands } = getopt(cmd.args, "HS:d:o:prs:t:");
  for (const o of opts) {
    switch (o.c) {
      case "o":
        fields = o.arg!;
        break;
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
      case "s":
      case "S": {
        const col = sortColumn(o.arg!, o.c === "S");
        if (col === undefined) {
          cmd.err(`invalid property '${o.arg}'\n`);
          usage(cmd, "list");
        }
        sort.push(col);
        break;
      }
      case "t":
        types = 0;
        typesGiven = true;
        for (const tok of commaList(o.arg!)) {
          const t = TYPES[tok];
          if (t === undefined) {
            cmd.err(`invalid type '${tok}'\n`);
            usage(cmd, "list");
          }
          types |= t;
        }
        break;
      case ":":
        cmd.err(`missing argument for '${"optopt" in o ? o.optopt : ""}' option\n`);
        usage(cmd, "list");
        break;
      default:
        cmd.err(`invalid option '${"optopt" in o ? o.optopt : o.c}'\n`);
        usage(cmd, "list");
    }
  }
  if (fields === "space" && !typesGiven) types &= ~T_SNAP;
  // `zfs list -t snapshot ds` lists the snapshots of ds.
  if ((types === T_SNAP || types === T_BOOKMARK) && operands.length > 0 && !recurse && depth === undefined) depth = 1;

  const list = propList(fields);
  if (!list.ok) {
    zfsError(cmd, "bad property list", list.why);
    usage(cmd, "list");
  }
  const { names, failed } = forEach(zs, cmd, operands, {
    recurse,
    ...(depth !== undefined ? { depth } : {}),
    types,
    listsnapsProp: !typesGiven,
    argsCanBePaths: true,
    sort,
  });
  const columns = list.columns ?? expandAll();
  expandColumns(zs, names, columns, literal);

  if (names.length > 0 && !scripted) {
    cmd.out(`${columns.map((c, i) => cell(headerOf(c), c, i === columns.length - 1, false)).join("  ")}\n`);
  }
  for (const name of names) {
    const cells = columns.map((c, i) => {
      const text = c.prop?.name === "name" ? name : (columnValue(zs, name, c, literal)?.value ?? "-");
      return cell(text, c, i === columns.length - 1, scripted);
    });
    cmd.out(`${cells.join(scripted ? "\t" : "  ")}\n`);
  }
  if (!failed && names.length === 0 && !scripted) cmd.err("no datasets available\n");
  return failed ? 1 : 0;
}
