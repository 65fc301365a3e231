// What a simulated FreeBSD tool gets: its argv, stdio, and its host's state.
import { readFileSync } from "node:fs";
import type { StateStore } from "../state";

export interface ToolContext {
  /** The name the tool was called by (argv[0] without a directory), e.g. "zfs". */
  name: string;
  /** Arguments after the tool's name. */
  args: string[];
  /** The host's shared state. */
  state: StateStore;
  /** The host's directory (state, logs, files that tools keep). */
  hostDir: string;
  /** Standard input, read when first asked for. */
  stdin(): string;
  out(text: string): void;
  err(text: string): void;
  /** The command's environment, e.g. UNAME_r that uname(1) honours. */
  env?(name: string): string | undefined;
}

/** A simulated tool returns its exit code. */
export type Tool = (ctx: ToolContext) => number | Promise<number>;

export function processContext(name: string, args: string[], state: StateStore, hostDir: string): ToolContext {
  let input: string | undefined;
  return {
    name,
    args,
    state,
    hostDir,
    stdin: () => (input ??= readFileSync(0, "utf8")),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: (key) => process.env[key],
  };
}

/** FreeBSD's usage errors exit 64 (EX_USAGE, sysexits(3)) unless a tool says otherwise. */
export const EX_USAGE = 64;
