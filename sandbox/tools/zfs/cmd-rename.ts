// zfs rename and zfs promote (cmd/zfs/zfs_main.c: zfs_do_rename, zfs_do_promote; lib/libzfs/libzfs_dataset.c:
// zfs_rename, zfs_promote). A rename carries children, snapshots and clone origins along, and remounts what was
// mounted at its new mountpoint.
import { type Cmd, EXISTS, usage, zfsError, zfsOpen } from "./cli";
import { checkParents, createAncestors } from "./create";
import { type ZfsState, descendantsOf, now, poolOf, snapshotsOf, typeBit } from "./model";
import { mount, mountedTree, mountpointOf, relocate, unmount } from "./mount";
import { nameError } from "./names";
import { T_DATASET, T_FS, T_VOL } from "./props";
import { getopt } from "./getopt";

/** Moves one name to another in the state, with everything named below it and every origin pointing into it. */
function moveNames(zs: ZfsState, from: string, to: string): void {
  const renamed = Object.keys(zs.datasets).filter(
    (n) => n === from || n.startsWith(`${from}/`) || n.startsWith(`${from}@`),
  );
  const map = new Map(renamed.map((n) => [n, to + n.slice(from.length)]));
  const next: ZfsState["datasets"] = {};
  for (const [n, d] of Object.entries(zs.datasets)) next[map.get(n) ?? n] = d;
  for (const d of Object.values(next)) if (d.origin !== undefined && map.has(d.origin)) d.origin = map.get(d.origin)!;
  for (const p of Object.values(zs.pools))
    if (p.local.bootfs !== undefined && map.has(p.local.bootfs)) p.local.bootfs = map.get(p.local.bootfs)!;
  zs.datasets = next;
}

function renameSnapshot(zs: ZfsState, cmd: Cmd, src: string, target: string, recursive: boolean): number {
  const at = src.indexOf("@");
  let full = target;
  if (!target.includes("@") || target.startsWith("@")) full = src.slice(0, target.includes("@") ? at : at + 1) + target;
  else if (target.slice(0, target.indexOf("@")) !== src.slice(0, at)) {
    zfsError(cmd, `cannot rename to '${target}'`, "snapshots must be part of same dataset");
    return 1;
  }
  const bad = nameError(full, 2, true);
  if (bad !== undefined) {
    zfsError(cmd, `cannot rename to '${full}'`, bad);
    return 1;
  }
  const fromShort = src.slice(at + 1);
  const toShort = full.slice(full.indexOf("@") + 1);
  const head = src.slice(0, at);
  const heads = recursive ? [head, ...descendantsOf(zs, head)].filter((h) => zs.datasets[`${h}@${fromShort}`]) : [head];
  for (const h of heads) {
    if (zs.datasets[`${h}@${toShort}`] !== undefined) {
      zfsError(
        cmd,
        `cannot rename '${h}@${fromShort}'`,
        recursive ? "a child dataset already has a snapshot with the new name" : EXISTS,
      );
      return 1;
    }
  }
  for (const h of heads) {
    moveNames(zs, `${h}@${fromShort}`, `${h}@${toShort}`);
    zs.datasets[h]!.snapshotsChanged = now();
  }
  return 0;
}

export function zfsRename(zs: ZfsState, cmd: Cmd): number {
  let parents = false;
  let recursive = false;
  let nounmount = false;
  const { opts, operands } = getopt(cmd.args, "pruf");
  for (const o of opts) {
    if (o.c === "p") parents = true;
    else if (o.c === "r") recursive = true;
    else if (o.c === "u") nounmount = true;
    else if (o.c === "f") continue;
    else {
      cmd.err(`invalid option '${"optopt" in o ? o.optopt : o.c}'\n`);
      usage(cmd, "rename");
    }
  }
  if (operands.length < 1) {
    cmd.err("missing source dataset argument\n");
    usage(cmd, "rename");
  }
  if (operands.length < 2) {
    cmd.err("missing target dataset argument\n");
    usage(cmd, "rename");
  }
  if (operands.length > 2) {
    cmd.err("too many arguments\n");
    usage(cmd, "rename");
  }
  if (recursive && parents) {
    cmd.err("-p and -r options are mutually exclusive\n");
    usage(cmd, "rename");
  }
  if (nounmount && parents) {
    cmd.err("-u and -p options are mutually exclusive\n");
    usage(cmd, "rename");
  }
  const [src, target] = operands as [string, string];
  if (recursive && !src.includes("@")) {
    cmd.err("source dataset for recursive rename must be a snapshot\n");
    usage(cmd, "rename");
  }
  const types = nounmount ? T_FS : parents ? T_FS | T_VOL : T_DATASET;
  const name = zfsOpen(zs, cmd, src, types);
  if (name === undefined) return 1;
  const type = typeBit(zs.datasets[name]!.type);
  if (parents && nameError(target, type) === undefined && !createAncestors(zs, cmd, target)) return 1;
  if (name === target) return 0;
  if (zs.datasets[name]!.type === "snapshot") return renameSnapshot(zs, cmd, name, target, recursive);

  const bad = nameError(target, type, true);
  if (bad !== undefined) {
    zfsError(cmd, `cannot rename to '${target}'`, bad);
    return 1;
  }
  const parent = checkParents(zs, target, false);
  if ("why" in parent) {
    zfsError(cmd, `cannot create '${target}'`, parent.why);
    return 1;
  }
  if (poolOf(target) !== poolOf(name)) {
    zfsError(cmd, `cannot rename to '${target}'`, "datasets must be within same pool");
    return 1;
  }
  if (target.startsWith(`${name}/`)) {
    zfsError(cmd, `cannot rename to '${target}'`, "New dataset name cannot be a descendant of current dataset name");
    return 1;
  }
  if (zs.datasets[target] !== undefined) {
    zfsError(cmd, `cannot rename '${name}'`, EXISTS);
    return 1;
  }
  // The changelist: unmount what is mounted below, rename, then mount again where the names now point.
  const mounted = mountpointOf(zs, name).startsWith("/") && !nounmount ? mountedTree(zs, name) : [];
  for (const m of mounted) unmount(zs, m.name);
  moveNames(zs, name, target);
  let rv = 0;
  for (const m of mounted) {
    const now = target + m.name.slice(name.length);
    relocate(cmd.ctx.hostDir, m.mp, mountpointOf(zs, now));
    if (!mount(zs, { hostDir: cmd.ctx.hostDir, err: (s) => cmd.err(s) }, now)) rv = 1;
  }
  return rv;
}

export function zfsPromote(zs: ZfsState, cmd: Cmd): number {
  const args = cmd.args;
  if (args.length > 0 && args[0]!.startsWith("-")) {
    cmd.err(`invalid option '${args[0]![1] ?? ""}'\n`);
    usage(cmd, "promote");
  }
  if (args.length < 1) {
    cmd.err("missing clone filesystem argument\n");
    usage(cmd, "promote");
  }
  if (args.length > 1) {
    cmd.err("too many arguments\n");
    usage(cmd, "promote");
  }
  const name = zfsOpen(zs, cmd, args[0]!, T_FS | T_VOL);
  if (name === undefined) return 1;
  const action = `cannot promote '${name}'`;
  const clone = zs.datasets[name]!;
  if (clone.origin === undefined) {
    zfsError(cmd, action, "not a cloned filesystem");
    return 1;
  }
  const origin = clone.origin;
  const oldHead = origin.slice(0, origin.indexOf("@"));
  const originTxg = zs.datasets[origin]!.createtxg;
  // The origin and every earlier snapshot of the old head move to the clone.
  const moving = snapshotsOf(zs, oldHead).filter((s) => zs.datasets[s]!.createtxg <= originTxg);
  for (const s of moving) {
    const short = s.slice(oldHead.length + 1);
    if (zs.datasets[`${name}@${short}`] !== undefined) {
      zfsError(cmd, action, `conflicting snapshot '${short}' from parent '${oldHead}'`);
      return 1;
    }
  }
  const head = zs.datasets[oldHead]!;
  const newOrigin = `${name}${origin.slice(oldHead.length)}`;
  for (const s of moving) moveNames(zs, s, `${name}${s.slice(oldHead.length)}`);
  const promoted = zs.datasets[name]!;
  if (head.origin !== undefined) promoted.origin = head.origin;
  else delete promoted.origin;
  head.origin = newOrigin;
  // The blocks the two share now belong to the promoted dataset.
  promoted.unique = promoted.refer;
  head.unique = 0;
  head.snapshotsChanged = promoted.snapshotsChanged = now();
  return 0;
}
