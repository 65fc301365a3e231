// zpool(8) of OpenZFS 2.2 on FreeBSD 14, the read-only part the library uses (cmd/zpool/zpool_main.c:
// zpool_do_list, zpool_do_get, zpool_do_status), over the same `state.zfs` as zfs(8).
import type { Tool } from "./context";
import { Exit } from "./zfs/cli";
import { getopt } from "./zfs/getopt";
import { type ZfsState, zfsState } from "./zfs/model";
import { POOL_PROPS, type PoolProp, poolPropByName, poolPropGet } from "./zfs/pool-props";
import { sourceText } from "./zfs/values";

interface Io {
  out(s: string): void;
  err(s: string): void;
}

const HELP: Record<string, string> = {
  list: "\tlist [-gHLpPv] [-o property[,...]] [-T d|u] [pool] ... \n\t    [interval [count]]\n",
  get: '\tget [-Hp] [-o "all" | field[,...]] <"all" | property[,...]> <pool> ...\n',
  status:
    "\tstatus [--power] [-c [script1,script2,...]] [-DegiLpPstvx] [-T d|u] [pool] ...\n\t    [interval [count]]\n",
};

/** usage(B_FALSE) of a subcommand, with the property table for list and get. */
function usage(io: Io, command: string): never {
  let s = `usage:\n${HELP[command]}`;
  if (command === "list" || command === "get") {
    s += "\nthe following properties are supported:\n";
    s += `\n\t${"PROPERTY".padEnd(19)}  EDIT   VALUES\n\n`;
    const visible = POOL_PROPS.filter((p) => p.visible);
    visible.sort((a, b) => (a.readonly === b.readonly ? (a.name < b.name ? -1 : 1) : a.readonly ? -1 : 1));
    for (const p of visible) s += `\t${p.name.padEnd(19)}  ${p.readonly ? "  NO   " : " YES   "}${p.values ?? "-"}\n`;
    s += `\t${"feature@...".padEnd(19)}   YES   disabled | enabled | active\n`;
    s += "\nThe feature@ properties must be appended with a feature name.\nSee zpool-features(7).\n";
  }
  io.err(s);
  throw new Exit(2);
}

/** The pools named (all when none), printing "cannot open" for missing ones. */
function pools(zs: ZfsState, io: Io, names: string[]): { list: string[]; failed: boolean } {
  if (names.length === 0) return { list: Object.keys(zs.pools).sort(), failed: false };
  let failed = false;
  const list: string[] = [];
  for (const n of names) {
    if (zs.pools[n] === undefined) {
      io.err(`cannot open '${n}': no such pool\n`);
      failed = true;
    } else if (!list.includes(n)) list.push(n);
  }
  return { list, failed };
}

function propList(io: Io, command: string, fields: string, all: () => PoolProp[]): PoolProp[] {
  if (fields === "all") return all();
  return fields.split(",").map((f) => {
    const p = poolPropByName(f);
    if (p === undefined) {
      io.err(`bad property list: invalid property '${f}'\n`);
      usage(io, command);
    }
    return p;
  });
}

function badOption(io: Io, command: string, o: { c: string; optopt?: string }): never {
  io.err(o.c === ":" ? `missing argument for '${o.optopt}' option\n` : `invalid option '${o.optopt}'\n`);
  usage(io, command);
}

function list(zs: ZfsState, io: Io, args: string[]): number {
  let fields = "name,size,allocated,free,checkpoint,expandsize,fragmentation,capacity,dedupratio,health,altroot";
  let scripted = false;
  let literal = false;
  const { opts, operands } = getopt(args, ":gHLo:pPT:v");
  for (const o of opts) {
    if (o.c === "H") scripted = true;
    else if (o.c === "p") literal = true;
    else if (o.c === "o") fields = o.arg!;
    else if (o.c === "?" || o.c === ":") badOption(io, "list", o as { c: string; optopt: string });
  }
  const cols = propList(io, "list", fields, () => POOL_PROPS.filter((p) => p.visible));
  const { list: names, failed } = pools(zs, io, operands);
  const widths = cols.map((c) => c.width);
  for (const n of names) {
    cols.forEach((c, i) => {
      if (!c.flex && !literal) return;
      widths[i] = Math.max(widths[i]!, poolPropGet(zs, n, c, literal).value.length);
    });
  }
  const cell = (s: string, i: number) => {
    const last = i === cols.length - 1;
    if (scripted || (last && !cols[i]!.rightAlign)) return s;
    return cols[i]!.rightAlign ? s.padStart(widths[i]!) : s.padEnd(widths[i]!);
  };
  if (names.length > 0 && !scripted) io.out(`${cols.map((c, i) => cell(c.colname, i)).join("  ")}\n`);
  for (const n of names)
    io.out(`${cols.map((c, i) => cell(poolPropGet(zs, n, c, literal).value, i)).join(scripted ? "\t" : "  ")}\n`);
  if (operands.length === 0 && !scripted && names.length === 0) io.out("no pools available\n");
  return failed ? 1 : 0;
}

function get(zs: ZfsState, io: Io, args: string[]): number {
  let columns = ["name", "property", "value", "source"];
  let scripted = false;
  let literal = false;
  const { opts, operands } = getopt(args, ":Hpo:");
  for (const o of opts) {
    if (o.c === "H") scripted = true;
    else if (o.c === "p") literal = true;
    else if (o.c === "o") {
      columns = [];
      for (const tok of o.arg!.split(",")) {
        if (tok === "all") columns = ["name", "property", "value", "source"];
        else if (["name", "property", "value", "source"].includes(tok)) columns.push(tok);
        else {
          io.err(`invalid column name '${tok}'\n`);
          usage(io, "get");
        }
      }
    } else badOption(io, "get", o as { c: string; optopt: string });
  }
  if (operands.length < 1) {
    io.err("missing property argument\n");
    usage(io, "get");
  }
  const [fields, ...rest] = operands as [string, ...string[]];
  const props = propList(io, "get", fields, () => POOL_PROPS.filter((p) => p.visible));
  const { list: names, failed } = pools(zs, io, rest);
  const rows = names.flatMap((n) =>
    props.map((p) => {
      const v = poolPropGet(zs, n, p, literal);
      return { name: n, property: p.name, value: v.value, source: sourceText(v.source) } as Record<string, string>;
    }),
  );
  const w: Record<string, number> = { name: 4, property: 8, value: 5, source: 6 };
  for (const p of props) {
    w.property = Math.max(w.property!, p.name.length);
    w.value = Math.max(w.value!, p.width);
  }
  for (const r of rows) {
    w.name = Math.max(w.name!, r.name!.length);
    w.value = Math.max(w.value!, r.value!.length);
  }
  const line = (r: Record<string, string>, header: boolean) =>
    columns
      .map((c, i) => (i === columns.length - 1 ? r[c] : scripted && !header ? `${r[c]}\t` : `${r[c]!.padEnd(w[c]!)}  `))
      .join("");
  if (rows.length > 0 && !scripted)
    io.out(`${line({ name: "NAME", property: "PROPERTY", value: "VALUE", source: "SOURCE" }, true)}\n`);
  for (const r of rows) io.out(`${line(r, false)}\n`);
  return failed ? 1 : 0;
}

function status(zs: ZfsState, io: Io, args: string[]): number {
  const { operands } = getopt(args, "c:DegiLpPstT:vx");
  const { list: names, failed } = pools(zs, io, operands);
  names.forEach((n, i) => {
    const vdev = zs.pools[n]!.vdev;
    const width = Math.max(10, n.length, vdev.length + 2);
    if (i > 0) io.out("\n");
    io.out(`  pool: ${n}\n state: ONLINE\nconfig:\n\n`);
    io.out(
      `\t${"NAME".padEnd(width)}  ${"STATE".padEnd(8)} ${"READ".padStart(5)} ${"WRITE".padStart(5)} ${"CKSUM".padStart(5)}\n`,
    );
    io.out(`\t${n.padEnd(width)}  ${"ONLINE".padEnd(8)}     0     0     0\n`);
    io.out(`\t  ${vdev.padEnd(width - 2)}  ${"ONLINE".padEnd(8)}     0     0     0\n`);
    io.out("\nerrors: No known data errors\n");
  });
  if (names.length === 0 && !failed) io.out("no pools available\n");
  return failed ? 1 : 0;
}

const COMMANDS: Record<string, (zs: ZfsState, io: Io, args: string[]) => number> = { list, get, status };

export const zpool: Tool = (ctx) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => void out.push(s), err: (s) => void err.push(s) };
  let code: number;
  try {
    const [name, ...args] = ctx.args;
    const run = name === undefined ? undefined : COMMANDS[name];
    if (run === undefined) {
      io.err(name === undefined ? "missing command\n" : `sandbox: zpool ${name} is not simulated\n`);
      code = name === undefined ? 2 : 1;
    } else code = run(zfsState(ctx.state.read()), io, args);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    code = e.code;
  }
  if (out.length) ctx.out(out.join(""));
  if (err.length) ctx.err(err.join(""));
  return code;
};
