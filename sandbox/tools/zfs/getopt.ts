// getopt(3) as zfs(8) and zpool(8) use it on FreeBSD: opterr = 0 (the commands print their own messages), options
// end at the first operand or "--", and a missing argument is ':' when the optstring starts with ':' and '?'
// otherwise (lib/libc/stdlib/getopt.c). zfs reports both through optopt, so each result carries the letter.

export type Opt = { c: string; arg?: string } | { c: "?" | ":"; optopt: string };

export interface Getopt {
  opts: Opt[];
  operands: string[];
}

/** Parses until the first error, which becomes the last entry of `opts` (zfs stops there with usage). */
export function getopt(args: readonly string[], spec: string): Getopt {
  const colonMode = spec.startsWith(":");
  const opts: Opt[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const word = args[i]!;
    if (word === "--") {
      i++;
      break;
    }
    if (!word.startsWith("-") || word === "-") break;
    for (let j = 1; j < word.length; j++) {
      const c = word[j]!;
      const at = spec.indexOf(c, colonMode ? 1 : 0);
      if (c === ":" || at < 0) {
        opts.push({ c: "?", optopt: c });
        return { opts, operands: args.slice(i + 1) };
      }
      if (spec[at + 1] !== ":") {
        opts.push({ c });
        continue;
      }
      let arg = word.slice(j + 1);
      if (arg === "") {
        if (i + 1 >= args.length) {
          opts.push({ c: colonMode ? ":" : "?", optopt: c });
          return { opts, operands: [] };
        }
        arg = args[++i]!;
      }
      opts.push({ c, arg });
      break;
    }
  }
  return { opts, operands: args.slice(i) };
}
