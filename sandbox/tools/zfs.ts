// zfs(8) of OpenZFS 2.2 on FreeBSD 14 (cmd/zfs/zfs_main.c: main, command_table): the subcommands the library
// and its users need, with zfs's exact output, errors and exit codes, over the host's `state.zfs`.
import type { Tool } from "./context";
import { type Cmd, Exit, usage } from "./zfs/cli";
import { zfsCreate } from "./zfs/cmd-create";
import { zfsDestroy } from "./zfs/cmd-destroy";
import { zfsGet } from "./zfs/cmd-get";
import { zfsList } from "./zfs/cmd-list";
import { zfsMount, zfsUnmount } from "./zfs/cmd-mount";
import { zfsProgram } from "./zfs/cmd-program";
import { zfsPromote, zfsRename } from "./zfs/cmd-rename";
import { zfsInherit, zfsSet } from "./zfs/cmd-set";
import { zfsClone, zfsSnapshot } from "./zfs/cmd-snapshot";
import { type ZfsState, saveZfs, zfsState } from "./zfs/model";
import { COMMANDS, usageText } from "./zfs/usage";

type Run = (zs: ZfsState, cmd: Cmd) => number;

/** Subcommands; `write` ones run under the state lock and save. */
const SUBCOMMANDS: Record<string, { run: Run; write: boolean }> = {
  list: { run: zfsList, write: false },
  get: { run: zfsGet, write: false },
  program: { run: zfsProgram, write: false },
  set: { run: zfsSet, write: true },
  inherit: { run: zfsInherit, write: true },
  create: { run: zfsCreate, write: true },
  destroy: { run: zfsDestroy, write: true },
  snapshot: { run: zfsSnapshot, write: true },
  clone: { run: zfsClone, write: true },
  rename: { run: zfsRename, write: true },
  promote: { run: zfsPromote, write: true },
  mount: { run: zfsMount, write: true },
  unmount: { run: zfsUnmount, write: true },
};

// UNCONFIRMED: the version string of 14.2-RELEASE's OpenZFS (the format is zfs_version_print's).
const VERSION = "zfs-2.2.6-FreeBSD_g33174af15\nzfs-kmod-2.2.6-FreeBSD_g33174af15\n";
const ALIASES: Record<string, string> = { umount: "unmount", recv: "receive", snap: "snapshot" };

export const zfs: Tool = (ctx) => {
  const out: string[] = [];
  const err: string[] = [];
  const flush = (code: number): number => {
    if (out.length) ctx.out(out.join(""));
    if (err.length) ctx.err(err.join(""));
    return code;
  };
  const base = { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) };
  try {
    if (ctx.args.length === 0) {
      base.err("missing command\n");
      usage(base, undefined);
    }
    const given = ctx.args[0]!;
    const name = ALIASES[given] ?? given;
    if (name === "-?" || name === "--help" || (name === "help" && ctx.args.length === 1)) {
      base.out(usageText(undefined));
      return flush(0);
    }
    if (name === "-V" || name === "--version" || name === "version") {
      base.out(VERSION);
      return flush(0);
    }
    let sub = SUBCOMMANDS[name];
    let args = ctx.args.slice(1);
    let cmdName = name;
    if (sub === undefined && !COMMANDS.includes(name) && name.includes("=")) {
      // `zfs prop=value dataset` is zfs set.
      sub = SUBCOMMANDS.set!;
      args = ctx.args;
      cmdName = "set";
    }
    if (sub === undefined) {
      if (COMMANDS.includes(name)) {
        base.err(`sandbox: zfs ${name} is not simulated\n`);
        return flush(1);
      }
      base.err(`unrecognized command '${given}'\n`);
      usage(base, undefined);
    }
    const cmd: Cmd = { ctx, name: cmdName, args, ...base };
    const run = sub.run;
    const code = sub.write
      ? ctx.state.update((state) => {
          const zs = zfsState(state);
          try {
            return run(zs, cmd);
          } finally {
            saveZfs(state, zs);
          }
        })
      : run(zfsState(ctx.state.read()), cmd);
    return flush(code);
  } catch (e) {
    if (e instanceof Exit) return flush(e.code);
    throw e;
  }
};
