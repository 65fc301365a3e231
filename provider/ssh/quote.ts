// The one quoting function, and the two ways its output reaches a remote shell.

/** Words made of these characters mean the same to every shell, quoted or not. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one word for POSIX sh: a word that needs no quoting is left alone, anything else is single-quoted
 * with `'\''` for each quote, and the empty string becomes `''` (never silently dropped). A NUL byte cannot
 * be passed in an argument on any Unix, so it is refused rather than truncated.
 */
export function quote(word: string): string {
  if (word.includes("\0")) {
    throw new TypeError(`cannot pass a NUL byte in a command argument: ${JSON.stringify(word.slice(0, 60))}`);
  }
  if (word === "") return "''";
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one line of sh: each word quoted. */
export function shellJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError("empty command");
  return argv.map(quote).join(" ");
}

/**
 * Commands run one after another, each only if the one before succeeded: argv arrays are quoted word by word,
 * strings are script fragments already built from quoted words.
 */
export function shellChain(commands: ReadonlyArray<readonly string[] | string>): string {
  if (commands.length === 0) throw new TypeError("empty command chain");
  return commands.map((c) => (typeof c === "string" ? c : shellJoin(c))).join(" && ");
}

/**
 * The string sent over SSH, which the login shell of the remote user parses first. That shell may be csh or
 * tcsh (root's shell on older FreeBSD), so the script is always handed to /bin/sh, and the string itself keeps
 * to what csh reads like sh: single-quoted text without newlines or `!` (csh history). A script that has either
 * travels encoded for `printf %b`, which turns it back into the exact bytes before sh evaluates it.
 */
export function remoteCommand(script: string, become?: "sudo" | "doas", timeoutSeconds?: number): string {
  // timeout(1) (FreeBSD base, GNU coreutils alike) ends a hung command on the host itself: killing the local
  // ssh client would not, since a multiplexed session's descriptors live on in the master connection.
  const limit = timeoutSeconds === undefined ? "" : `timeout -k 5 ${Math.max(1, Math.ceil(timeoutSeconds))} `;
  const prefix = (become === undefined ? "" : `${become} -n `) + limit;
  if (!/[\n!\r]/.test(script)) return `${prefix}/bin/sh -c ${quote(script)}`;
  return `${prefix}/bin/sh -c ${quote(`eval "$(printf %b ${quote(encodeForPrintf(script))})"`)}`;
}

/** Escapes for printf(1)'s %b: backslash first, then the characters csh must not see. */
function encodeForPrintf(script: string): string {
  return script.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/!/g, "\\0041");
}
