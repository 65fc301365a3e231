// kldstat(8) of FreeBSD 14 (sbin/kldstat/kldstat.c): header "Id Refs Address%*c %8s Name" with 18-column
// pointers, rows "%2d %4d %*p %8zx %s"; -v adds the path and the modules; -h prints humanized sizes; -m NAME
// prints "Id  Refs Name" and one row; -q with -m or -n only sets the exit status; a missing module or file
// warns "can't find module NAME: No such file or directory" and exits 1.
import type { Tool } from "./context";
import { getopt, has, last } from "./getopt";
import { findFileByName, findModule, kldState, type KldFile } from "./kld";
import { humanize } from "./humanize";

const POINTER_WIDTH = 18;
const USAGE = "usage: kldstat [-d] [-h] [-q] [-v] [-i id] [-n filename]\n" + "       kldstat [-d] [-q] [-m modname]\n";

export const kldstat: Tool = (ctx) => {
  const parsed = getopt("kldstat", ctx.args, "dhi:m:n:qv");
  const idArg = last(parsed, "i");
  if (parsed.error !== undefined || parsed.operands.length > 0 || (idArg !== undefined && !/^\d+$/.test(idArg))) {
    ctx.err((parsed.error ?? "") + USAGE);
    return 1;
  }
  if (has(parsed, "d")) {
    ctx.err("kldstat: -d is not simulated by the sandbox\n");
    return 70;
  }
  const quiet = has(parsed, "q");
  const verbose = has(parsed, "v");
  const human = has(parsed, "h");
  const k = kldState(ctx.state.read());

  const modname = last(parsed, "m");
  if (modname !== undefined) {
    const found = findModule(k, modname);
    if (found === undefined) {
      if (!quiet) ctx.err(`kldstat: can't find module ${modname}: No such file or directory\n`);
      return 1;
    }
    if (quiet) return 0;
    ctx.out(`Id  Refs Name\n${pad(found.module.id, 3)} ${pad(1, 4)} ${found.module.name}\n`);
    return 0;
  }

  let files = k.files;
  const filename = last(parsed, "n");
  if (filename !== undefined) {
    const file = findFileByName(k, filename);
    if (file === undefined) {
      if (!quiet) ctx.err(`kldstat: can't find file ${filename}: No such file or directory\n`);
      return 1;
    }
    if (quiet) return 0;
    files = [file];
  } else if (idArg !== undefined && Number(idArg) !== 0) {
    files = k.files.filter((f) => f.id === Number(idArg));
  }

  const sizeHeader = human ? "Size".padStart(5) : "Size".padStart(8);
  let text = `Id Refs Address${" ".repeat(POINTER_WIDTH - 7)} ${sizeHeader} Name\n`;
  for (const file of files) text += row(file, human, verbose);
  ctx.out(text);
  if (files.length === 0) {
    // The header is out before printfile() fails with err(1, ...).
    ctx.err(`kldstat: can't stat file id ${Number(idArg)}: No such file or directory\n`);
    return 1;
  }
  return 0;
};

function row(f: KldFile, human: boolean, verbose: boolean): string {
  const size = human
    ? humanize(f.size, 5, "", { decimal: true, noSpace: true }).padStart(5)
    : f.size.toString(16).padStart(8);
  let line = `${pad(f.id, 2)} ${pad(f.refs, 4)} ${`0x${f.address}`.padStart(POINTER_WIDTH)} ${size} ${f.name}`;
  if (!verbose) return `${line}\n`;
  line += ` (${f.path})\n\tContains modules:\n\t\t Id Name\n`;
  for (const m of f.modules) line += `\t\t${pad(m.id, 3)} ${m.name}\n`;
  return line;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width);
}
