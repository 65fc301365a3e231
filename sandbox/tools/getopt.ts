// getopt(3) as FreeBSD's libc does it (lib/libc/stdlib/getopt.c): flags may be grouped ("-nq"), an option's
// argument may be attached ("-fFILE") or the next word, "--" ends the options, and so does the first operand.

export interface Parsed {
  /** Options in the order given; `arg` is set for options that take one. */
  opts: Array<{ flag: string; arg?: string }>;
  /** Words after the options. */
  operands: string[];
  /** The diagnostic getopt prints ("uname: illegal option -- z"), when parsing failed. */
  error?: string;
}

/**
 * `spec` is getopt's optstring, e.g. "i:m:n:qv". With libc's default opterr = 1, a bad option or a missing
 * argument becomes the diagnostic getopt prints.
 */
export function getopt(prog: string, args: readonly string[], spec: string): Parsed {
  const raw = getoptRaw(args, spec);
  const opts: Parsed["opts"] = [];
  for (const o of raw.opts) {
    if ("optopt" in o) {
      const known = o.optopt !== ":" && spec.includes(o.optopt);
      const why = known ? "option requires an argument" : "illegal option";
      return { opts, operands: [], error: `${prog}: ${why} -- ${o.optopt}\n` };
    }
    opts.push(o.arg === undefined ? { flag: o.c } : { flag: o.c, arg: o.arg });
  }
  return { opts, operands: raw.operands };
}

/** True when `flag` was given. */
export function has(parsed: Parsed, flag: string): boolean {
  return parsed.opts.some((o) => o.flag === flag);
}

/** The last argument given to `flag`, as getopt loops that overwrite a variable leave it. */
export function last(parsed: Parsed, flag: string): string | undefined {
  return parsed.opts.filter((o) => o.flag === flag).at(-1)?.arg;
}

export type Opt = { c: string; arg?: string } | { c: "?" | ":"; optopt: string };

export interface Getopt {
  opts: Opt[];
  operands: string[];
}

/**
 * getopt(3) with opterr = 0, as zfs(8) and zpool(8) use it (they print their own messages): a bad option is '?',
 * a missing argument is ':' when the optstring starts with ':' and '?' otherwise, each with the letter in
 * optopt. Parses until the first error, which becomes the last entry of `opts` (zfs stops there with usage). */
export function getoptRaw(args: readonly string[], spec: string): Getopt {
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
