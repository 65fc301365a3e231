// zfs destroy (cmd/zfs/zfs_main.c: zfs_do_destroy, destroy_check_dependent, destroy_callback, gather_snapshots;
// lib/libzfs/libzfs_iter.c: zfs_iter_dependents, whose post-order walk is the order errors and -v lines follow:
// child filesystems (each after its own dependents), then snapshots (each after its clones), then the target).
import { type Cmd, usage, zfsError, zfsOpen } from "./cli";
import { type ZfsState, childrenOf, clonesOf, now, snapshotsOf } from "./model";
import { forgetSnapshot } from "./contents";
import { mountpointOf, removeFiles } from "./mount";
import { nicebytes } from "./numbers";
import { T_FS, T_VOL } from "./props";
import { getopt } from "./getopt";

/**
 * zfs_iter_dependents: everything that depends on `name`, in post-order, without `name` itself. Like libzfs it
 * does not deduplicate: a clone reached as a child and again through its origin snapshot is listed twice; only a
 * dataset already on the walk's stack is skipped (allowrecursion).
 */
export function dependents(zs: ZfsState, name: string, stack: string[] = []): string[] {
  const ds = zs.datasets[name]!;
  const out: string[] = [];
  if (ds.type === "snapshot") {
    for (const c of clonesOf(zs, name)) if (!stack.includes(c)) out.push(...dependents(zs, c, stack), c);
  } else {
    const inner = [...stack, name];
    for (const c of childrenOf(zs, name)) if (!inner.includes(c)) out.push(...dependents(zs, c, inner), c);
    for (const s of snapshotsOf(zs, name)) out.push(...dependents(zs, s, inner), s);
  }
  return out;
}

function isDescendant(target: string, name: string): boolean {
  return name.startsWith(`${target}/`) || name.startsWith(`${target}@`);
}

interface Flags {
  verbose: boolean;
  parsable: boolean;
  dryrun: boolean;
  force: boolean;
  recurse: boolean;
  clones: boolean;
}

/** destroy_check_dependent over all dependents: prints the first error's header and each name; true if any. */
function checkDependents(zs: ZfsState, cmd: Cmd, target: string, f: Flags): boolean {
  const ttype = zs.datasets[target]!.type;
  let first = true;
  for (const dep of dependents(zs, target)) {
    if (isDescendant(target, dep)) {
      if (f.recurse) continue;
      if (first) {
        cmd.err(`cannot destroy '${target}': ${ttype} has children\nuse '-r' to destroy the following datasets:\n`);
        first = false;
      }
    } else {
      if (!f.recurse && ttype !== "snapshot") continue;
      if (first) {
        cmd.err(
          `cannot destroy '${target}': ${ttype} has dependent clones\nuse '-R' to destroy the following datasets:\n`,
        );
        first = false;
      }
    }
    cmd.err(`${dep}\n`);
  }
  return !first;
}

function announce(cmd: Cmd, f: Flags, name: string): void {
  if (!f.verbose) return;
  cmd.out(f.parsable ? `destroy\t${name}\n` : f.dryrun ? `would destroy ${name}\n` : `will destroy ${name}\n`);
}

/** lzc_destroy of one dataset after unmounting it; false after printing why not. */
function destroyOne(zs: ZfsState, cmd: Cmd, f: Flags, name: string): boolean {
  const ds = zs.datasets[name];
  if (ds === undefined) return true;
  const busy = (zs.busy ?? []).includes(name);
  if (ds.type === "filesystem" && ds.mounted) {
    if (busy && !f.force) {
      zfsError(cmd, `cannot unmount '${mountpointOf(zs, name)}'`, "pool or dataset is busy");
      return false;
    }
    removeFiles(cmd.ctx.hostDir, mountpointOf(zs, name));
  } else if (busy) {
    zfsError(cmd, `cannot destroy '${name}'`, "dataset is busy");
    return false;
  }
  delete zs.datasets[name];
  if (ds.type === "snapshot") {
    forgetSnapshot(cmd.ctx.hostDir, ds.guid);
    const head = zs.datasets[name.slice(0, name.indexOf("@"))];
    if (head) head.snapshotsChanged = now();
  }
  return true;
}

function snapshotDestroy(zs: ZfsState, cmd: Cmd, f: Flags, arg: string): number {
  const at = arg.indexOf("@");
  const fsname = arg.slice(0, at);
  if (zfsOpen(zs, cmd, fsname, T_FS | T_VOL) === undefined) return 1;
  const spec = arg.slice(at + 1);
  const chosen: string[] = [];
  let error = false;
  const gather = (fs: string): void => {
    const snaps = snapshotsOf(zs, fs);
    const short = snaps.map((s) => s.slice(fs.length + 1));
    for (const part of spec.split(",")) {
      const pct = part.indexOf("%");
      let picked: string[];
      if (pct < 0) picked = short.includes(part) ? [part] : [];
      else {
        const from = part.slice(0, pct) === "" ? 0 : short.indexOf(part.slice(0, pct));
        const to = part.slice(pct + 1) === "" ? short.length - 1 : short.indexOf(part.slice(pct + 1));
        picked = from < 0 || to < 0 ? [] : short.slice(from, to + 1);
      }
      for (const s of picked) {
        const full = `${fs}@${s}`;
        if (chosen.includes(full)) continue;
        if (!f.clones && checkDependents(zs, cmd, full, f)) error = true;
        chosen.push(full);
      }
    }
    if (f.verbose) for (const s of snaps.filter((x) => chosen.includes(x))) announce(cmd, f, s);
    if (f.recurse) for (const c of childrenOf(zs, fs)) gather(c);
  };
  gather(fsname);
  if (error) return 1;
  if (chosen.length === 0) {
    cmd.err("could not find any snapshots to destroy; check snapshot names.\n");
    return 1;
  }
  if (f.verbose)
    cmd.out(
      f.parsable ? "reclaim\t0\n" : f.dryrun ? `would reclaim ${nicebytes(0)}\n` : `will reclaim ${nicebytes(0)}\n`,
    );
  if (f.dryrun) return 0;
  if (f.clones) {
    for (const snap of chosen) {
      for (const dep of dependents(zs, snap)) {
        announce(cmd, f, dep);
        if (!destroyOne(zs, cmd, f, dep)) return 1;
      }
    }
  }
  for (const snap of chosen) destroyOne(zs, cmd, f, snap);
  return 0;
}

export function zfsDestroy(zs: ZfsState, cmd: Cmd): number {
  const f: Flags = { verbose: false, parsable: false, dryrun: false, force: false, recurse: false, clones: false };
  const { opts, operands } = getopt(cmd.args, "vpndfrR");
  for (const o of opts) {
    switch (o.c) {
      case "v":
        f.verbose = true;
        break;
      case "p":
        f.verbose = f.parsable = true;
        break;
      case "n":
        f.dryrun = true;
        break;
      case "d":
        break; // deferred destroy: no holds are simulated, so it destroys at once
      case "f":
        f.force = true;
        break;
      case "r":
        f.recurse = true;
        break;
      case "R":
        f.recurse = f.clones = true;
        break;
      default:
        cmd.err(`invalid option '${"optopt" in o ? o.optopt : o.c}'\n`);
        usage(cmd, "destroy");
    }
  }
  if (operands.length === 0) {
    cmd.err("missing dataset argument\n");
    usage(cmd, "destroy");
  }
  if (operands.length > 1) {
    cmd.err("too many arguments\n");
    usage(cmd, "destroy");
  }
  const arg = operands[0]!;
  if (arg.includes("@")) return snapshotDestroy(zs, cmd, f, arg);
  if (arg.includes("#")) {
    cmd.err(`bookmark '${arg}' does not exist.\n`);
    return 1;
  }
  const target = zfsOpen(zs, cmd, arg);
  if (target === undefined) return 1;
  const isPool = !target.includes("/") && zs.datasets[target]!.type === "filesystem";
  if (!f.recurse && isPool) {
    cmd.err(
      `cannot destroy '${target}': operation does not apply to pools\n` +
        `use 'zfs destroy -r ${target}' to destroy all datasets in the pool\n` +
        `use 'zpool destroy ${target}' to destroy the pool itself\n`,
    );
    return 1;
  }
  if (!f.clones && checkDependents(zs, cmd, target, f)) return 1;
  let rv = 0;
  for (const name of [...dependents(zs, target), target]) {
    announce(cmd, f, name);
    if (!name.includes("/") && !name.includes("@")) continue; // the pool's root stays
    if (f.dryrun) continue;
    if (!destroyOne(zs, cmd, f, name)) {
      rv = 1;
      if (!f.recurse) return 1;
    }
  }
  return rv;
}
