// zfs snapshot and zfs clone (cmd/zfs/zfs_main.c: zfs_do_snapshot, zfs_do_clone; lib/libzfs/libzfs_dataset.c:
// zfs_snapshot_nvl, zfs_clone). Snapshots of one command are atomic: all are made or none.
import { type Cmd, EXISTS, usage, zfsError, zfsOpen } from "./cli";
import { parseProp } from "./cmd-create";
import { addDataset, checkParents, createAncestors, mountIfMountable } from "./create";
import { type ZfsState, childrenOf, nextTxg, now, randomGuid, typeBit } from "./model";
import { captureSnapshot, restoreSnapshot } from "./contents";
import { canmountOf } from "./mount";
import { nameError } from "./names";
import { T_FS, T_SNAP, T_VOL } from "./props";
import { getopt } from "./getopt";
import { validProplist } from "./validate";

export function zfsSnapshot(zs: ZfsState, cmd: Cmd): number {
  let recursive = false;
  const pairs: Array<[string, string]> = [];
  const { opts, operands } = getopt(cmd.args, "ro:");
  for (const o of opts) {
    if (o.c === "o") {
      if (!parseProp(cmd, pairs, o.arg!)) return 1;
    } else if (o.c === "r") recursive = true;
    else {
      cmd.err(`invalid option '${"optopt" in o ? o.optopt : o.c}'\n`);
      usage(cmd, "snapshot");
    }
  }
  if (operands.length < 1) {
    cmd.err("missing snapshot argument\n");
    usage(cmd, "snapshot");
  }
  const multiple = recursive || operands.length > 1;
  const snaps: string[] = [];
  for (const arg of operands) {
    const at = arg.indexOf("@");
    if (at < 0) usage(cmd, "snapshot");
    const fs = zfsOpen(zs, cmd, arg.slice(0, at), T_FS | T_VOL);
    if (fs === undefined) usage(cmd, "snapshot");
    const short = arg.slice(at + 1);
    const add = (n: string): void => {
      snaps.push(`${n}@${short}`);
      if (recursive) childrenOf(zs, n).forEach(add);
    };
    add(fs);
  }
  const failed = (): number => {
    if (multiple) cmd.err("no snapshots were created\n");
    return 1;
  };
  for (const s of snaps) {
    const bad = nameError(s, T_SNAP, true);
    if (bad !== undefined) {
      zfsError(cmd, `cannot create snapshot '${s}'`, bad);
      return failed();
    }
  }
  const valid = validProplist(zs, pairs, { type: T_SNAP, keyParamsOk: false, jailed: false });
  if (!valid.ok) {
    zfsError(cmd, "cannot create snapshots ", valid.why);
    return failed();
  }
  const heads = snaps.map((s) => s.slice(0, s.indexOf("@")));
  if (new Set(heads).size !== heads.length) {
    zfsError(cmd, "cannot create snapshots ", "multiple snapshots of same fs not allowed");
    return failed();
  }
  const existing = snaps.filter((s) => zs.datasets[s] !== undefined);
  if (existing.length > 0) {
    for (const s of existing) zfsError(cmd, `cannot create snapshot '${s}'`, EXISTS);
    return failed();
  }
  const txg = nextTxg(zs);
  for (const s of snaps) {
    const head = zs.datasets[s.slice(0, s.indexOf("@"))]!;
    zs.datasets[s] = {
      type: "snapshot",
      guid: randomGuid(),
      createtxg: txg,
      creation: now(),
      objsetid: zs.nextObjsetId++,
      local: {},
      user: Object.fromEntries(valid.user),
      refer: head.refer,
      unique: 0,
      lrefer: head.lrefer,
      ratio: head.ratio,
    };
    head.snapshotsChanged = now();
    captureSnapshot(zs, cmd.ctx.hostDir, s.slice(0, s.indexOf("@")), zs.datasets[s]!.guid);
  }
  return 0;
}

export function zfsClone(zs: ZfsState, cmd: Cmd): number {
  let parents = false;
  const pairs: Array<[string, string]> = [];
  const { opts, operands } = getopt(cmd.args, "o:p");
  for (const o of opts) {
    if (o.c === "o") {
      if (!parseProp(cmd, pairs, o.arg!)) return 1;
    } else if (o.c === "p") parents = true;
    else {
      cmd.err(`invalid option '${"optopt" in o ? o.optopt : o.c}'\n`);
      usage(cmd, "clone");
    }
  }
  if (operands.length < 1) {
    cmd.err("missing source dataset argument\n");
    usage(cmd, "clone");
  }
  if (operands.length < 2) {
    cmd.err("missing target dataset argument\n");
    usage(cmd, "clone");
  }
  if (operands.length > 2) {
    cmd.err("too many arguments\n");
    usage(cmd, "clone");
  }
  const [src, target] = operands as [string, string];
  const snap = zfsOpen(zs, cmd, src, T_SNAP);
  if (snap === undefined) return 1;
  if (parents && nameError(target, T_FS | T_VOL) === undefined) {
    const existing = zs.datasets[target];
    if (existing !== undefined && typeBit(existing.type) & (T_FS | T_VOL)) return 0;
    if (!createAncestors(zs, cmd, target)) return 1;
  }
  const action = `cannot create '${target}'`;
  const bad = nameError(target, T_FS, true);
  if (bad !== undefined) {
    zfsError(cmd, action, bad);
    return 1;
  }
  const parent = checkParents(zs, target, false);
  if ("why" in parent) {
    zfsError(cmd, action, parent.why);
    return 1;
  }
  const head = zs.datasets[src.slice(0, src.indexOf("@"))]!;
  const valid = validProplist(zs, pairs, {
    type: head.type === "volume" ? T_VOL : T_FS,
    existing: { name: snap, rec: zs.datasets[snap]! },
    keyParamsOk: true,
    jailed: false,
  });
  if (!valid.ok) {
    zfsError(cmd, action, valid.why);
    return 1;
  }
  if (zs.datasets[target] !== undefined) {
    zfsError(cmd, action, EXISTS);
    return 1;
  }
  const rec = addDataset(zs, target, head.type === "volume" ? "volume" : "filesystem", {
    native: valid.native,
    user: valid.user,
    origin: snap,
  });
  if (head.type === "volume") {
    rec.local.volsize = head.local.volsize!;
    rec.volblocksize = head.volblocksize ?? 16384;
    return 0;
  }
  if (canmountOf(zs, target) !== "on") return 0;
  if (!mountIfMountable(zs, cmd, target)) {
    cmd.err("filesystem successfully created, but not mounted\n");
    return 1;
  }
  restoreSnapshot(zs, cmd.ctx.hostDir, snap, target);
  return 0;
}
