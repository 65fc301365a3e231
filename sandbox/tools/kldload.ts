// kldload(8) of FreeBSD 14 (sbin/kldload/kldload.c): `kldload [-nqv] file ...`; already loaded:
// "kldload: can't load pf: module already loaded or in kernel" and exit 1, or silence with -n ("pf is
// already loaded" with -v); unknown: "kldload: can't load foo: No such file or directory"; -v prints
// "Loaded pf, id=4". The exit status is 1 when any file failed.
import type { Tool } from "./context";
import { getopt } from "./getopt";
import { kldState, kldload as load } from "./kld";

export const kldload: Tool = (ctx) => {
  const parsed = getopt("kldload", ctx.args, "nqv");
  if (parsed.error !== undefined || parsed.operands.length === 0) {
    ctx.err(`${parsed.error ?? ""}usage: kldload [-nqv] file ...\n`);
    return 1;
  }
  let verbose = false;
  let checkLoaded = false;
  for (const { flag } of parsed.opts) {
    if (flag === "q") verbose = false;
    else if (flag === "v") verbose = true;
    else checkLoaded = true;
  }
  return ctx.state.update((state) => {
    const k = structuredClone(kldState(state));
    let errors = 0;
    for (const name of parsed.operands) {
      const result = load(k, name);
      if (result.ok) {
        if (verbose) ctx.out(`Loaded ${name}, id=${result.id}\n`);
      } else if (checkLoaded && result.errno === "EEXIST") {
        if (verbose) ctx.out(`${name} is already loaded\n`);
      } else {
        errors++;
        ctx.err(
          result.errno === "EEXIST"
            ? `kldload: can't load ${name}: module already loaded or in kernel\n`
            : `kldload: can't load ${name}: No such file or directory\n`,
        );
      }
    }
    state.kld = k;
    return errors > 0 ? 1 : 0;
  });
};
