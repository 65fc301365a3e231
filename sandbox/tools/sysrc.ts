// sysrc(8), following usr.sbin/sysrc/sysrc line by line for the options it simulates: -a -A -c -D -e -f -F
// -i -l -n -N -q -v -x. Outputs: `name: old -> new`, `name: value`, `sysrc: unknown variable 'x'` (stderr,
// exit 1); `+=` and `-=` add or remove words, splitting on the value's first character when it is not a
// letter, digit, `.` or `/` (the script's delimiter rule). Writes persist in the host's rc files.
import type { Tool, ToolContext } from "./context";
import { getopt, has } from "./getopt";
import {
  DEFAULTS,
  RC_CONF_FILES,
  deleteVar,
  findVar,
  getVar,
  rcFiles,
  saveRcFiles,
  setVar,
  type RcFiles,
} from "./rcconf";

const USAGE =
  "Usage: sysrc [OPTIONS] {name[[+|-]=value] ... | -a | -A | -l | -L [name ...]}\n" +
  "Try `sysrc --help' for more information.\n";
const SIMULATED = "aAcDef:FilnNqvx";

interface Options {
  all?: 1 | 2;
  check: boolean;
  equals: boolean;
  ignoreUnknown: boolean;
  quiet: boolean;
  verbose: boolean;
  remove: boolean;
  showName: boolean;
  showValue: boolean;
  showFile: boolean;
  /** RC_CONFS: set by -f (and emptied by -D); undefined means rc_conf_files. */
  confs?: string[];
}

export const sysrc: Tool = (ctx) => {
  for (const arg of ctx.args) {
    if (arg === "--") break;
    if (arg === "--help" || arg === "--version") return unsimulated(ctx, arg);
  }
  const parsed = getopt("sysrc", ctx.args, "aAcdDeEf:Fhij:lLnNqR:s:vxX");
  if (parsed.error !== undefined || has(parsed, "h")) {
    ctx.err(USAGE);
    return 1;
  }
  const other = parsed.opts.find((o) => !SIMULATED.includes(o.flag));
  if (other !== undefined) return unsimulated(ctx, `-${other.flag}`);

  const o: Options = {
    check: false,
    equals: false,
    ignoreUnknown: false,
    quiet: false,
    verbose: false,
    remove: false,
    showName: true,
    showValue: true,
    showFile: false,
  };
  let listConfs = false;
  for (const { flag, arg } of parsed.opts) {
    if (flag === "a") o.all ??= 1;
    else if (flag === "A") o.all = 2;
    else if (flag === "c") o.check = true;
    else if (flag === "D") o.confs = [];
    else if (flag === "e") o.equals = true;
    else if (flag === "f") o.confs = [...(o.confs ?? []), ...arg!.split(/[ \t\n]+/).filter(Boolean)];
    else if (flag === "F") o.showFile = true;
    else if (flag === "i") o.ignoreUnknown = true;
    else if (flag === "l") listConfs = true;
    else if (flag === "n") o.showName = false;
    else if (flag === "N") o.showValue = false;
    else if (flag === "q") [o.quiet, o.verbose] = [true, false];
    else if (flag === "v") [o.verbose, o.quiet] = [true, false];
    else if (flag === "x") o.remove = true;
  }
  const names = parsed.operands;

  for (const arg of names) {
    const name = arg.replace(/:[+=-].*$/s, "").replace(/[%#+=-].*$/s, "");
    if (!/^[0-9A-Za-z_]*$/.test(name)) {
      ctx.err(`sysrc: ${name}: name contains characters not allowed in shell\n`);
      return 1;
    }
  }
  if (listConfs) {
    if (names.length > 0) {
      ctx.err(USAGE);
      return 1;
    }
    ctx.out(`${(o.confs ?? RC_CONF_FILES).join(" ")}\n`);
    return 0;
  }
  if (names.length === 0 && o.all === undefined) {
    ctx.err(USAGE);
    return 1;
  }
  if (o.remove && o.all !== undefined) {
    ctx.err("sysrc: `-x' option incompatible with `-a'/`-A' options (use `-X' to override)\n");
    return 1;
  }
  if (o.check && o.all !== undefined) {
    ctx.err("sysrc: `-c' option incompatible with `-a'/`-A' options\n");
    return 1;
  }
  if (o.showFile || !o.showName) o.equals = false;
  if (!o.showValue) [o.showName, o.equals] = [true, false];

  if (o.all !== undefined) return showAll(ctx, rcFiles(ctx.state.read()), o);
  const writes = names.some((n) => n.includes("="));
  if (!writes && !o.remove) return run(ctx, rcFiles(ctx.state.read()), names, o).status;
  // Writers hold the host's lock from the first read to the last write, so concurrent `+=` never lose words.
  return ctx.state.update((state) => {
    const rc = structuredClone(rcFiles(state));
    const result = run(ctx, rc, names, o);
    saveRcFiles(state, ctx.hostDir, rc, result.changed);
    return result.status;
  });
};

function run(ctx: ToolContext, rc: RcFiles, names: string[], o: Options): { status: number; changed: Set<string> } {
  const sep = o.equals ? '="' : ": ";
  const changed = new Set<string>();
  let status = 0;
  for (const arg of names) {
    const eq = arg.indexOf("=");
    let name = eq < 0 ? arg : arg.slice(0, eq);
    const mode = name.endsWith("+") ? "append" : name.endsWith("-") ? "remove" : "assign";
    if (mode !== "assign") name = name.slice(0, -1);
    const known = getVar(rc, name, o.confs) !== undefined;

    if (eq < 0) {
      if (!known) {
        if (!o.ignoreUnknown && !o.quiet) ctx.err(`sysrc: unknown variable '${name}'\n`);
        status = 1;
        continue;
      }
      if (o.check) continue;
      if (o.remove) {
        for (const file of deleteVar(rc, name, o.confs)) changed.add(file);
        continue;
      }
      if (o.showFile) {
        ctx.out(`${o.showName ? `${name}: ` : ""}${findVar(rc, name, o.confs) ?? ""}\n`);
        continue;
      }
      if (o.verbose) ctx.out(o.equals ? `: ${findVar(rc, name, o.confs)}; ` : `${findVar(rc, name, o.confs)}: `);
      if (!o.showValue) ctx.out(`${name}\n`);
      else ctx.out(`${o.showName ? name + sep : ""}${getVar(rc, name, o.confs)}${o.equals ? '"' : ""}\n`);
      continue;
    }

    if (o.verbose && !o.check) {
      const found = findVar(rc, name, o.confs);
      const file = found === undefined || found.startsWith("/etc/defaults/") ? (o.confs ?? RC_CONF_FILES)[0] : found;
      ctx.out(o.equals ? `: ${file}; ` : `${file}: `);
    }
    if (o.remove) {
      for (const file of deleteVar(rc, name, o.confs)) changed.add(file);
      continue;
    }
    const given = arg.slice(eq + 1);
    const before = getVar(rc, name, o.confs) ?? "";
    const next =
      mode === "append" ? appendWords(before, given) : mode === "remove" ? removeWords(before, given) : given;
    const shownBefore = o.showFile ? (findVar(rc, name, o.confs) ?? "") : before;

    if (o.check) {
      if (!known) {
        status = 1;
        if (o.verbose) ctx.out(`${name}: not currently set\n`);
      } else if (next !== before) {
        status = 1;
        if (o.verbose) {
          ctx.out(`${findVar(rc, name, o.confs)}: ${name}: would change from \`${before}' to \`${next}'\n`);
        }
      } else if (o.verbose) {
        ctx.out(`${findVar(rc, name, o.confs)}: ${name}: already set to \`${before}'\n`);
      }
      continue;
    }
    changed.add(setVar(rc, name, next, o.confs));
    if (!o.showValue) {
      ctx.out(`${name}\n`);
      continue;
    }
    const after = o.showFile ? (findVar(rc, name, o.confs) ?? "") : (getVar(rc, name, o.confs) ?? "");
    const q = o.equals ? '"' : "";
    ctx.out(`${o.showName ? name + sep : ""}${shownBefore}${o.equals ? '" #' : ""} -> ${q}${after}${q}\n`);
  }
  return { status, changed };
}

/** The script's word splitting: its IFS is the value's first character unless that is blank or alphanumeric. */
function splitter(value: string): { delim: string; split: (s: string) => string[] } {
  const first = value[0];
  if (first === undefined || /[ \t\na-zA-Z0-9./]/.test(first)) {
    return { delim: " ", split: (s) => s.split(/[ \t\n]+/).filter(Boolean) };
  }
  return { delim: first, split: (s) => s.split(first) };
}

function appendWords(before: string, add: string): string {
  const { delim, split } = splitter(add);
  const have = split(before);
  let next = before;
  for (const word of split(add)) if (word !== "" && !have.includes(word)) next += delim + word;
  return next.startsWith(delim) ? next.slice(delim.length) : next;
}

function removeWords(before: string, remove: string): string {
  const { delim, split } = splitter(remove);
  const drop = split(remove);
  let next = "";
  for (const word of split(before)) if (word !== "" && !drop.includes(word)) next += delim + word;
  return next.startsWith(delim) ? next.slice(delim.length) : next;
}

/** -a: every variable the rc files set; -A: the defaults too. Sorted, as sh's `set` lists them. */
function showAll(ctx: ToolContext, rc: RcFiles, o: Options): number {
  const names = new Set<string>();
  if (o.all === 2) for (const [name] of DEFAULTS) names.add(name);
  for (const file of o.confs ?? RC_CONF_FILES) {
    for (const line of (rc.files[file] ?? "").split("\n")) {
      const m = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)=/.exec(line);
      if (m) names.add(m[1]!);
    }
  }
  if (o.all === 1) names.delete("rc_conf_files");
  const sep = o.equals ? '="' : ": ";
  for (const name of [...names].sort()) {
    if (o.showFile) ctx.out(`${o.showName ? `${name}: ` : ""}${findVar(rc, name, o.confs) ?? ""}\n`);
    else if (!o.showValue) ctx.out(`${name}\n`);
    else ctx.out(`${o.showName ? name + sep : ""}${getVar(rc, name, o.confs) ?? ""}${o.equals ? '"' : ""}\n`);
  }
  return 0;
}

function unsimulated(ctx: ToolContext, what: string): number {
  ctx.err(`sysrc: ${what} is not simulated by the sandbox\n`);
  return 70;
}
