// jexec(8) of FreeBSD 14 (usr.sbin/jexec/jexec.c): `jexec [-l] [-u user | -U user] jail [command ...]`; a
// missing jail is `jexec: jail "X" not found`, exit 1. The command runs as sandbox/tools/jail/run.ts says:
// on this machine's /bin/sh in the jail's root directory, PF_SANDBOX_JAIL naming the jail, simulated tools
// first on PATH; its standard input, output and exit status are the caller's.
import type { Tool } from "../context";
import { getopt, has } from "../getopt";
import { runCommand } from "./run";
import { findJail } from "./state";

const USAGE = "usage: jexec [-l] [-u username | -U username] jail [command ...]\n";

export const jexec: Tool = (ctx) => {
  const parsed = getopt("jexec", ctx.args, "lnu:U:");
  const [key, ...command] = parsed.operands;
  if (parsed.error !== undefined || key === undefined || (has(parsed, "u") && has(parsed, "U"))) {
    ctx.err(`${parsed.error ?? ""}${USAGE}`);
    return 1;
  }
  const sim = findJail(ctx.state.read(), key);
  if (sim === undefined) {
    ctx.err(`jexec: jail "${key}" not found\n`);
    return 1;
  }
  // Without a command, the user's shell: root's is /bin/sh on FreeBSD 14.
  const argv = command.length > 0 ? command : ["/bin/sh"];
  const r = runCommand(argv, {
    hostDir: ctx.hostDir,
    jail: { name: sim.name, jid: sim.jid, path: sim.params.path ?? "/" },
    clean: has(parsed, "l"),
    inherit: true,
  });
  // execvp() failing: err(1, "execvp: %s", argv[0]).
  if (r.notFound) {
    ctx.err(`jexec: execvp: ${argv[0]}: No such file or directory\n`);
    return 1;
  }
  ctx.err(r.stderr);
  return r.code;
};
