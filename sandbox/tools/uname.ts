// uname(1) of FreeBSD 14 (usr.bin/uname/uname.c): getopt "abiKmnoprsUv", fields printed in the fixed order
// s n r v m p i K U b separated by one space, -a meaning -mnrsv, -o an alias of -s, usage exit 1. -v is
// kern.version with every newline and tab turned into a space, so it ends in a space ("… GENERIC  amd64").
// UNAME_x environment variables override field x, as in the source.
import type { Tool } from "./context";
import { systemFacts } from "./facts";
import { getopt } from "./getopt";

const ORDER = ["s", "n", "r", "v", "m", "p", "i", "K", "U", "b"] as const;

export const uname: Tool = (ctx) => {
  const parsed = getopt("uname", ctx.args, "abiKmnoprsUv");
  if (parsed.error !== undefined || parsed.operands.length > 0) {
    ctx.err(`${parsed.error ?? ""}usage: uname [-abiKmnoprsUv]\n`);
    return 1;
  }
  const wanted = new Set<string>();
  for (const { flag } of parsed.opts) {
    if (flag === "a") for (const f of "mnrsv") wanted.add(f);
    else wanted.add(flag === "o" ? "s" : flag);
  }
  if (wanted.size === 0) wanted.add("s");

  const f = systemFacts(ctx.state.read());
  const native: Record<(typeof ORDER)[number], string> = {
    s: f.ostype,
    n: f.hostname,
    r: f.osrelease,
    v: f.version.replace(/[\n\t]/g, " "),
    m: f.machine,
    p: f.machineArch,
    i: f.ident,
    K: String(f.osreldate),
    U: String(f.userVersion),
    b: f.buildId,
  };
  const fields = ORDER.filter((flag) => wanted.has(flag)).map((flag) => ctx.env?.(`UNAME_${flag}`) ?? native[flag]);
  ctx.out(`${fields.join(" ")}\n`);
  return 0;
};
