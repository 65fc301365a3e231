// sysctl(8) of FreeBSD 14 (sbin/sysctl/sysctl.c): `name: value` (or `name=value` with -e, the value with -n,
// the name with -N), a node prints every leaf under it, `name=value` prints `name: old -> new`, and each
// failing argument warns and adds one to the exit status. Simulated options: -a -e -h -i -n -N -q.
import type { HostState } from "../state";
import type { Tool, ToolContext } from "./context";
import { getopt, has } from "./getopt";
import { LEAVES, findLeaf, leavesUnder, type Leaf } from "./sysctl-tree";

const USAGE =
  "usage: sysctl [-bdehiNnoqTWx] [ -B <bufsize> ] [-f filename] name[=value] ...\n" +
  "       sysctl [-bdehNnoqTWx] [ -B <bufsize> ] -a\n";
const SIMULATED = "aAehiNnqw";

interface Flags {
  e: boolean;
  i: boolean;
  n: boolean;
  N: boolean;
  q: boolean;
}

export const sysctl: Tool = (ctx) => {
  const parsed = getopt("sysctl", ctx.args, "AabB:def:hiNnoqTwWxX");
  if (parsed.error !== undefined) {
    ctx.err(parsed.error + USAGE);
    return 1;
  }
  const other = parsed.opts.find((o) => !SIMULATED.includes(o.flag));
  if (other !== undefined) {
    ctx.err(`sysctl: option -${other.flag} is not simulated by the sandbox\n`);
    return 70;
  }
  const f: Flags = {
    e: has(parsed, "e"),
    i: has(parsed, "i"),
    n: has(parsed, "n"),
    N: has(parsed, "N"),
    q: has(parsed, "q"),
  };
  if (f.n && f.N) {
    ctx.err(USAGE);
    return 1;
  }
  const all = has(parsed, "a") || has(parsed, "A");
  if (all && parsed.operands.length === 0) {
    const state = ctx.state.read();
    for (const leaf of LEAVES) ctx.out(`${show(leaf, state, f)}\n`);
    return 0;
  }
  if (parsed.operands.length === 0) {
    ctx.err(USAGE);
    return 1;
  }
  let warnings = 0;
  for (const arg of parsed.operands) warnings += parse(ctx, arg, f);
  return warnings;
};

/** One argument: print a leaf or a node, or set a leaf. Returns 1 on failure, as parse() does. */
function parse(ctx: ToolContext, arg: string, f: Flags): number {
  const cut = arg.search(/[=:]/);
  const name = (cut < 0 ? arg : arg.slice(0, cut)).replace(/\s+$/, "");
  let value = cut < 0 ? undefined : arg.slice(cut + 1).replace(/^\s+/, "");
  // "Strip a pair of \" or ' if any."
  if (value !== undefined && (value.startsWith('"') || value.startsWith("'"))) {
    value = value.slice(1, value.endsWith(value[0]!) && value.length > 1 ? -1 : undefined);
  }
  const leaf = findLeaf(name);
  const under = leaf === undefined ? leavesUnder(name) : [];
  if (leaf === undefined && under.length === 0) {
    if (f.i) return 0;
    if (!f.q) ctx.err(`sysctl: unknown oid '${name}'\n`);
    return 1;
  }
  if (value === undefined) {
    const state = ctx.state.read();
    for (const l of leaf === undefined ? under : [leaf]) ctx.out(`${show(l, state, f)}\n`);
    return 0;
  }
  if (leaf === undefined) {
    ctx.err(`sysctl: oid '${name}' isn't a leaf node\n`);
    return 1;
  }
  if (!leaf.writable || leaf.set === undefined) {
    if (leaf.tunable) {
      ctx.err(`sysctl: oid '${name}' is a read only tunable\nsysctl: Tunable values are set in /boot/loader.conf\n`);
    } else {
      ctx.err(`sysctl: oid '${name}' is read only\n`);
    }
    return 1;
  }
  let stored = value;
  if (leaf.format !== "A") {
    if (value === "") {
      ctx.err("sysctl: empty numeric value\n");
      return 1;
    }
    const n = strtol(value);
    if (n === undefined) {
      ctx.err(`sysctl: invalid ${leaf.format === "I" ? "integer" : "unsigned integer"} '${value}'\n`);
      return 1;
    }
    stored = String(leaf.format === "I" ? n | 0 : n);
  }
  const line = ctx.state.update((state) => {
    const before = show(leaf, state, f);
    leaf.set!(state, stored);
    return `${before} -> ${show(leaf, state, { ...f, n: true })}`;
  });
  ctx.out(`${line}\n`);
  return 0;
}

/** show_var(): the name and separator unless -n, then the value; -N prints the name alone. */
function show(leaf: Leaf, state: HostState, f: Flags): string {
  if (f.N) return leaf.name;
  const prefix = f.n ? "" : `${leaf.name}${f.e ? "=" : ": "}`;
  return prefix + leaf.get(state);
}

/** strtol(3) with base 0 over the whole string: decimal, 0x hex or 0 octal, optional sign. */
function strtol(text: string): number | undefined {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (m === null) return undefined;
  const digits = m[2]!;
  const n = /^0[xX]/.test(digits)
    ? parseInt(digits, 16)
    : digits.startsWith("0")
      ? parseInt(digits, 8)
      : parseInt(digits, 10);
  return m[1] === "-" ? -n : n;
}
