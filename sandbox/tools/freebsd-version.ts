// freebsd-version(1) (bin/freebsd-version/freebsd-version.sh.in): -k the installed kernel, -r the running
// kernel (kern.osrelease), -u the userland, one line each in that order; -u when no option is given.
// Usage errors print `usage: freebsd-version [-kru] [-j jail]` and exit 1 (after sh's own getopts
// diagnostic, whose exact text is UNCONFIRMED and not printed). -j (jails) is not simulated.
import type { Tool } from "./context";
import { systemFacts } from "./facts";
import { getopt, has } from "./getopt";

export const freebsdVersion: Tool = (ctx) => {
  const parsed = getopt("freebsd-version", ctx.args, "kruj:");
  if (parsed.error !== undefined || parsed.operands.length > 0) {
    ctx.err("usage: freebsd-version [-kru] [-j jail]\n");
    return 1;
  }
  if (has(parsed, "j")) {
    ctx.err("freebsd-version: -j is not simulated by the sandbox\n");
    return 70;
  }
  const f = systemFacts(ctx.state.read());
  const none = parsed.opts.length === 0;
  if (has(parsed, "k")) ctx.out(`${f.installedKernel}\n`);
  if (has(parsed, "r")) ctx.out(`${f.osrelease}\n`);
  if (has(parsed, "u") || none) ctx.out(`${f.userland}\n`);
  return 0;
};
