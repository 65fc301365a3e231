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

/** `spec` is getopt's optstring, e.g. "i:m:n:qv". */
export function getopt(prog: string, args: readonly string[], spec: string): Parsed {
  const opts: Parsed["opts"] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const word = args[i]!;
    if (word === "--") {
      i++;
      break;
    }
    if (!word.startsWith("-") || word === "-") break;
    for (let j = 1; j < word.length; j++) {
      const flag = word[j]!;
      const at = spec.indexOf(flag);
      if (flag === ":" || at < 0) {
        return { opts, operands: [], error: `${prog}: illegal option -- ${flag}\n` };
      }
      if (spec[at + 1] !== ":") {
        opts.push({ flag });
        continue;
      }
      let arg = word.slice(j + 1);
      if (arg === "") {
        if (i + 1 >= args.length) {
          return { opts, operands: [], error: `${prog}: option requires an argument -- ${flag}\n` };
        }
        arg = args[++i]!;
      }
      opts.push({ flag, arg });
      break;
    }
  }
  return { opts, operands: args.slice(i) };
}

/** True when `flag` was given. */
export function has(parsed: Parsed, flag: string): boolean {
  return parsed.opts.some((o) => o.flag === flag);
}

/** The last argument given to `flag`, as getopt loops that overwrite a variable leave it. */
export function last(parsed: Parsed, flag: string): string | undefined {
  return parsed.opts.filter((o) => o.flag === flag).at(-1)?.arg;
}
