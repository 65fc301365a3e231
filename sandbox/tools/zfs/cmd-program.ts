// zfs program (cmd/zfs/zfs_main.c: zfs_do_channel_program). The sandbox has no Lua interpreter, so after the
// command's own checks every script fails the way zfs does when the loaded module lacks the channel program
// ioctl (ZFS_ERR_IOC_CMD_UNAVAIL through zfs_standard_error): callers fall back to zfs get/list.
import { readFileSync } from "node:fs";
import { type Cmd, usage } from "./cli";
import { getopt } from "./getopt";
import type { ZfsState } from "./model";

const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EISDIR: "Is a directory",
};

export function zfsProgram(zs: ZfsState, cmd: Cmd): number {
  const { opts, operands } = getopt(cmd.args, "nt:m:j");
  for (const o of opts) {
    if ((o.c === "t" || o.c === "m") && !/^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.test(o.arg!)) {
      cmd.err(`invalid argument '${o.arg}': expected integer\n`);
      usage(cmd, "program");
    }
    if (o.c === "?" || o.c === ":") {
      cmd.err(`invalid option '${"optopt" in o ? o.optopt : ""}'\n`);
      usage(cmd, "program");
    }
  }
  if (operands.length < 2) {
    cmd.err("invalid number of arguments\n");
    usage(cmd, "program");
  }
  const [pool, file] = operands as [string, string];
  if (file === "-") cmd.ctx.stdin();
  else {
    try {
      readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "";
      cmd.err(`cannot open '${file}': ${STRERROR[code] ?? code}\n`);
      return 1;
    }
  }
  if (zs.pools[pool] === undefined) {
    cmd.err(`cannot open '${pool}': no such pool\ncannot open pool '${pool}'\n`);
    return 1;
  }
  cmd.err(
    "Channel program execution failed: the loaded zfs module does not support this operation. " +
      "A reboot may be required to enable this operation.\n",
  );
  return 1;
}
