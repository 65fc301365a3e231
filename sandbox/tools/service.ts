// service(8) (usr.sbin/service/service.sh): `service -e` lists the enabled scripts, `service -l` all of them,
// `service [-v] NAME ARG...` runs the script, and an unknown NAME prints "NAME does not exist in /etc/rc.d or
// the local startup\ndirectories (/usr/local/etc/rc.d), or is not executable" and exits 1. The usage text
// goes to stdout, as the script echoes it. -j, -r and -R are not simulated.
import type { Tool, ToolContext } from "./context";
import { getopt, has } from "./getopt";
import { isReadOnly, makeRun, runRcCommand, type RcScript } from "./rc";
import { rcScripts } from "./rc-scripts";

const LOCAL_STARTUP = "/usr/local/etc/rc.d";

function usage(ctx: ToolContext): void {
  ctx.out(
    [
      "",
      "Usage:",
      "service [-j <jail name or id>] -e",
      "service [-j <jail name or id>] -R",
      "service [-j <jail name or id>] [-v] -l | -r",
      "service [-j <jail name or id>] [-v] <rc.d script> start|stop|etc.",
      "service -h",
      "",
      "-j\tPerform actions within the named jail",
      "-e\tShow services that are enabled",
      `-R\tStop and start enabled ${LOCAL_STARTUP} services`,
      `-l\tList all scripts in /etc/rc.d and ${LOCAL_STARTUP}`,
      "-r\tShow the results of boot time rcorder",
      "-v\tVerbose",
      "",
      "",
    ].join("\n"),
  );
}

export const service: Tool = (ctx) => {
  const parsed = getopt("service", ctx.args, "j:ehlrRv");
  if (parsed.error !== undefined) {
    ctx.err(parsed.error);
    usage(ctx);
    return 1;
  }
  if (has(parsed, "h")) {
    usage(ctx);
    return 0;
  }
  const other = parsed.opts.find((o) => "jrR".includes(o.flag));
  if (other !== undefined) {
    ctx.err(`service: -${other.flag} is not simulated by the sandbox\n`);
    return 70;
  }
  const verbose = has(parsed, "v");
  if (has(parsed, "e")) return listEnabled(ctx);
  if (has(parsed, "l")) {
    const scripts = rcScripts(ctx.state.read());
    for (const dir of ["/etc/rc.d", LOCAL_STARTUP]) {
      if (verbose) ctx.out(`From ${dir}:\n`);
      for (const s of scripts.filter((x) => x.dir === dir).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        ctx.out(`${s.name}\n`);
      }
    }
    return 0;
  }
  const [name, ...argv] = parsed.operands;
  if (name === undefined || argv.length === 0) {
    usage(ctx);
    return 1;
  }
  const find = (scripts: RcScript[]) => scripts.find((s) => s.name === name);
  const script = find(rcScripts(ctx.state.read()));
  if (script === undefined) {
    ctx.out(`${name} does not exist in /etc/rc.d or the local startup\n`);
    ctx.out(`directories (${LOCAL_STARTUP}), or is not executable\n`);
    return 1;
  }
  if (verbose) ctx.out(`${name} is located in ${script.dir}\n`);
  const out = (t: string) => ctx.out(t);
  const err = (t: string) => ctx.err(t);
  const unlocked = script.unlocked?.includes((argv[0] ?? "").replace(/^(fast|force|one|quiet)/, ""));
  if (isReadOnly(argv[0]) || unlocked) {
    return runRcCommand(script, makeRun(script, ctx.state.read(), ctx.hostDir, out, err), argv);
  }
  return ctx.state.update((state) => {
    const current = find(rcScripts(state)) ?? script;
    return runRcCommand(current, makeRun(current, state, ctx.hostDir, out, err), argv);
  });
};

/** service -e: each script with an rcvar that checkyesno accepts, by path. */
function listEnabled(ctx: ToolContext): number {
  const state = ctx.state.read();
  for (const script of rcScripts(state)) {
    if (script.rcvar === undefined) continue;
    const rc = makeRun(
      script,
      state,
      ctx.hostDir,
      () => {},
      () => {},
    );
    if (rc.checkyesno(script.rcvar)) ctx.out(`${rc.path}\n`);
  }
  return 0;
}
