// zfs mount and zfs unmount as state (cmd/zfs/zfs_main.c: share_mount, share_mount_one, unshare_unmount).
import { type Cmd, usage, zfsError, zfsOpen } from "./cli";
import { getopt } from "./getopt";
import { type ZfsState, descendantsOf } from "./model";
import { canmountOf, mount, mountpointOf, unmount } from "./mount";
import { T_FS, prop } from "./props";
import { propGet } from "./values";

/** share_mount_one for OP_MOUNT; `explicit` is a named dataset, which reports why it is skipped. */
function mountOne(zs: ZfsState, cmd: Cmd, name: string, explicit: boolean): number {
  const fail = (why: string): number => {
    if (!explicit) return 0;
    cmd.err(`cannot mount '${name}': ${why}\n`);
    return 1;
  };
  if (propGet(zs, name, prop("jailed"), true)?.value === "on") return fail("dataset is exported to a local zone");
  const mp = mountpointOf(zs, name);
  if (mp === "legacy") {
    const r = fail("legacy mountpoint");
    if (r) cmd.err("use mount(8) to mount this filesystem\n");
    return r;
  }
  if (mp === "none") return fail("no mountpoint set");
  const canmount = canmountOf(zs, name);
  if (canmount === "off") return fail("'canmount' property is set to 'off'");
  if (canmount === "noauto" && !explicit) return 0;
  if (zs.datasets[name]!.mounted) return fail("filesystem already mounted");
  return mount(zs, { hostDir: cmd.ctx.hostDir, err: (s) => cmd.err(s) }, name) ? 0 : 1;
}

export function zfsMount(zs: ZfsState, cmd: Cmd): number {
  let all = false;
  let recursive = false;
  const { opts, operands } = getopt(cmd.args, ":aRlvo:Of");
  for (const o of opts) {
    if (o.c === "a") all = true;
    else if (o.c === "R") recursive = true;
    else if (o.c === "o" && o.arg === "") {
      cmd.err("empty mount options (-o) specified\n");
      usage(cmd, "mount");
    } else if (o.c === ":") {
      cmd.err(`missing argument for '${"optopt" in o ? o.optopt : ""}' option\n`);
      usage(cmd, "mount");
    } else if (o.c === "?") {
      cmd.err(`invalid option '${"optopt" in o ? o.optopt : ""}'\n`);
      usage(cmd, "mount");
    }
  }
  if (all || recursive) {
    if (operands.length !== 0 && all) {
      cmd.err("too many arguments\n");
      usage(cmd, "mount");
    }
    if (operands.length === 0 && recursive) {
      cmd.err("no dataset provided\n");
      usage(cmd, "mount");
    }
    for (const o of operands) if (zfsOpen(zs, cmd, o, T_FS) === undefined) usage(cmd, "mount");
    const roots = operands.length > 0 ? operands : Object.keys(zs.pools).sort();
    let ret = 0;
    for (const r of roots) {
      for (const n of [r, ...descendantsOf(zs, r)]) {
        if (zs.datasets[n]!.type === "filesystem" && !zs.datasets[n]!.mounted) ret |= mountOne(zs, cmd, n, false);
      }
    }
    return ret;
  }
  if (operands.length === 0) {
    const mounted = Object.keys(zs.datasets)
      .filter((n) => zs.datasets[n]!.mounted)
      .sort();
    for (const n of mounted) cmd.out(`${n.padEnd(30)}  ${mountpointOf(zs, n)}\n`);
    return 0;
  }
  if (operands.length > 1) {
    cmd.err("too many arguments\n");
    usage(cmd, "mount");
  }
  const name = zfsOpen(zs, cmd, operands[0]!, T_FS);
  return name === undefined ? 1 : mountOne(zs, cmd, name, true);
}

export function zfsUnmount(zs: ZfsState, cmd: Cmd): number {
  let all = false;
  const { opts, operands } = getopt(cmd.args, "afu");
  for (const o of opts) {
    if (o.c === "a") all = true;
    else if (o.c === "?") {
      cmd.err(`invalid option '${"optopt" in o ? o.optopt : ""}'\n`);
      usage(cmd, "unmount");
    }
  }
  if (all) {
    // Every mounted filesystem but the running root, deepest first.
    const mounted = Object.keys(zs.datasets).filter((n) => zs.datasets[n]!.mounted && mountpointOf(zs, n) !== "/");
    for (const n of mounted.sort().reverse()) unmount(zs, n);
    return 0;
  }
  if (operands.length !== 1) {
    cmd.err(operands.length === 0 ? "missing filesystem argument\n" : "too many arguments\n");
    usage(cmd, "unmount");
  }
  const arg = operands[0]!;
  if (arg.startsWith("/")) {
    const at = Object.keys(zs.datasets).find(
      (n) => zs.datasets[n]!.mounted && mountpointOf(zs, n) === arg.replace(/(.)\/+$/, "$1"),
    );
    if (at === undefined) {
      cmd.err(`cannot unmount '${arg}': not a mountpoint\n`);
      return 1;
    }
    unmount(zs, at);
    return 0;
  }
  const name = zfsOpen(zs, cmd, arg, T_FS);
  if (name === undefined) return 1;
  const mp = mountpointOf(zs, name);
  if (mp === "legacy") {
    cmd.err(`cannot unmount '${name}': legacy mountpoint\nuse umount(8) to unmount this filesystem\n`);
    return 1;
  }
  if (!zs.datasets[name]!.mounted) {
    cmd.err(`cannot unmount '${name}': not currently mounted\n`);
    return 1;
  }
  if ((zs.busy ?? []).includes(name) && !opts.some((o) => o.c === "f")) {
    zfsError(cmd, `cannot unmount '${mp}'`, "pool or dataset is busy");
    return 1;
  }
  // zfs_unmountall: the filesystem and everything mounted below it.
  for (const n of [name, ...descendantsOf(zs, name)]) if (zs.datasets[n]!.mounted) unmount(zs, n);
  return 0;
}
