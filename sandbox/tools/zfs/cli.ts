// What every zfs subcommand shares: its output, the usage exit, and libzfs's "action: description" errors.
import type { ToolContext } from "../context";
import { type ZfsState, typeBit } from "./model";
import { nameError } from "./names";
import { T_DATASET } from "./props";
import { usageText } from "./usage";

/** Ends the command with an exit code after what it printed (usage() is noreturn in zfs). */
export class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface Cmd {
  ctx: ToolContext;
  /** The subcommand's name as zfs's command_table has it, for usage(). */
  name: string;
  args: string[];
  out(s: string): void;
  err(s: string): void;
}

/** usage(B_FALSE): the command's usage on stderr, exit 2. */
export function usage(cmd: Pick<Cmd, "err">, command: string | undefined): never {
  cmd.err(usageText(command));
  throw new Exit(2);
}

/** zfs_error: "<action>: <description>". */
export function zfsError(cmd: Pick<Cmd, "err">, action: string, description: string): void {
  cmd.err(`${action}: ${description}\n`);
}

export const NOENT = "dataset does not exist";
export const EXISTS = "dataset already exists";
export const BADTYPE = "operation not applicable to datasets of this type";

/** zfs_open: the dataset's name when it exists and has one of `types`; otherwise prints why and returns undefined. */
export function zfsOpen(
  zs: ZfsState,
  cmd: Pick<Cmd, "err">,
  path: string,
  types: number = T_DATASET,
): string | undefined {
  const action = `cannot open '${path}'`;
  const bad = nameError(path, types);
  if (bad !== undefined) {
    zfsError(cmd, action, bad);
    return undefined;
  }
  const ds = zs.datasets[path];
  if (ds === undefined) {
    zfsError(cmd, action, NOENT);
    return undefined;
  }
  if (!(types & typeBit(ds.type))) {
    zfsError(cmd, action, BADTYPE);
    return undefined;
  }
  return path;
}

/** Splits "-o a,b,c" style lists the way strsep(",") does: empty tokens stay. */
export function commaList(s: string): string[] {
  return s.split(",");
}
