// uname(1) as FreeBSD 14.2 prints it. Flags and their order: usr.bin/uname/uname.c (print order is
// -s -n -r -v -m -p -i -K -U; -a means -snrvm... in that order with spaces).
import type { Tool } from "./context";
import { EX_USAGE } from "./context";

export interface UnameFacts {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  processor: string;
  ident: string;
  kernvers: string;
  uservers: string;
}

export function unameFacts(nodename: string): UnameFacts {
  return {
    sysname: "FreeBSD",
    nodename,
    release: "14.2-RELEASE-p1",
    version: "FreeBSD 14.2-RELEASE-p1 GENERIC",
    machine: "amd64",
    processor: "amd64",
    ident: "GENERIC",
    kernvers: "1402000",
    uservers: "1402000",
  };
}

export const uname: Tool = (ctx) => {
  const facts = unameFacts(String(ctx.state.read().hostname ?? "sandbox.example.org"));
  const order: Array<[string, keyof UnameFacts]> = [
    ["s", "sysname"],
    ["n", "nodename"],
    ["r", "release"],
    ["v", "version"],
    ["m", "machine"],
    ["p", "processor"],
    ["i", "ident"],
    ["K", "kernvers"],
    ["U", "uservers"],
  ];
  const wanted = new Set<string>();
  for (const arg of ctx.args) {
    if (!/^-[snrvmpiKUaob]+$/.test(arg)) {
      ctx.err("usage: uname [-abiKmnoprsUv]\n");
      return EX_USAGE;
    }
    for (const flag of arg.slice(1)) {
      if (flag === "a") ["s", "n", "r", "v", "m"].forEach((f) => wanted.add(f));
      else if (flag === "o") wanted.add("s");
      else if (flag === "b") continue;
      else wanted.add(flag);
    }
  }
  if (wanted.size === 0) wanted.add("s");
  ctx.out(order.filter(([flag]) => wanted.has(flag)).map(([, key]) => facts[key]).join(" ") + "\n");
  return 0;
};
