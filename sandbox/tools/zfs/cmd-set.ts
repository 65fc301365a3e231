// zfs set and zfs inherit (cmd/zfs/zfs_main.c: zfs_do_set, set_callback, zfs_do_inherit; lib/libzfs/
// libzfs_dataset.c: zfs_prop_set_list_flags, zfs_add_synthetic_resv, zfs_fix_auto_resv, zfs_prop_inherit), with the
// kernel's space checks (dsl_dir_set_quota_check & co.) reported through zfs_setprop_error.
import { type Cmd, usage, zfsError } from "./cli";
import { getopt } from "./getopt";
import { forEach } from "./iter";
import { type ZfsState, descendantsOf, typeBit } from "./model";
import { canmountOf, mount, mountedTree, mountpointOf, relocate, unmount } from "./mount";
import { T_DATASET, inheritableProp, isUserProp, propByName, readonlyProp, validForType } from "./props";
import { available, used, zvolReservation } from "./space";
import { type Stored, validProplist } from "./validate";
import { propGet } from "./values";

const UINT64_MAX = 2 ** 64 - 1;
const ZAP_MAXVALUELEN = 8192;

function num(v: Stored | undefined): number {
  return typeof v === "number" ? v : 0;
}

/** The kernel's refusal of one property, as zfs_setprop_error describes it, or undefined. */
function kernelCheck(zs: ZfsState, name: string, prop: string, v: Stored): string | undefined {
  const ds = zs.datasets[name]!;
  const n = num(v);
  switch (prop) {
    case "quota":
      if (n !== 0 && n < Math.max(used(zs, name), num(ds.local.reservation)))
        return "size is less than current used or reserved space";
      break;
    case "refquota":
      if (n !== 0 && (n < ds.refer || n < num(ds.local.refreservation)))
        return "size is less than current used or reserved space";
      break;
    case "reservation": {
      const old = Math.max(used(zs, name), num(ds.local.reservation));
      if (n > old && n - old > available(zs, name)) return "size is greater than available space";
      break;
    }
    case "refreservation": {
      const old = Math.max(ds.unique, num(ds.local.refreservation));
      if (n > old && n - old > available(zs, name)) return "size is greater than available space";
      break;
    }
  }
  return undefined;
}

/** Applies a mountpoint or canmount change the way the changelist does: unmount, change, remount. */
function withRemount(zs: ZfsState, cmd: Cmd, name: string, prop: string, v: Stored, change: () => void): boolean {
  if (prop !== "mountpoint" && !(prop === "canmount" && v === "off")) {
    change();
    return true;
  }
  const before = prop === "mountpoint" ? mountedTree(zs, name) : mountedTree(zs, name).filter((m) => m.name === name);
  for (const m of before) unmount(zs, m.name);
  change();
  let ok = true;
  const targets = prop === "mountpoint" ? [name, ...descendantsOf(zs, name)] : [];
  for (const n of targets) {
    if (zs.datasets[n]!.type !== "filesystem") continue;
    const was = before.find((m) => m.name === n);
    if (was !== undefined) relocate(cmd.ctx.hostDir, was.mp, mountpointOf(zs, n));
    if (was !== undefined || (n === name && canmountOf(zs, n) === "on")) {
      if (mountpointOf(zs, n).startsWith("/") && !mount(zs, { hostDir: cmd.ctx.hostDir, err: (s) => cmd.err(s) }, n))
        ok = false;
    }
  }
  return ok;
}

/** zfs_prop_set_list_flags for one dataset: 0, or -1 after printing every error. */
function setOn(zs: ZfsState, cmd: Cmd, name: string, pairs: Array<[string, string]>): number {
  const action = `cannot set property for '${name}'`;
  const ds = zs.datasets[name]!;
  const jailed = propGet(zs, name, propByName("jailed")!, true)?.value === "on";
  const valid = validProplist(zs, pairs, {
    type: typeBit(ds.type),
    existing: { name, rec: ds },
    keyParamsOk: false,
    jailed,
  });
  if (!valid.ok) {
    zfsError(cmd, action, valid.why);
    return -1;
  }
  for (const w of valid.warnings) cmd.err(w);
  const native = valid.native;
  if (ds.type === "volume") {
    // A thick volume's refreservation follows its volsize (computed with the default 16K block size, as libzfs
    // looks the block size up in the wrong nvlist); refreservation=auto asks for the same.
    const thick = num(ds.local.refreservation) === zvolReservation(num(ds.local.volsize), 16384);
    if (native.has("volsize") && thick && !native.has("refreservation")) {
      native.set("refreservation", zvolReservation(num(native.get("volsize")), 16384));
    }
    if (native.get("refreservation") === UINT64_MAX) {
      native.set("refreservation", zvolReservation(num(native.get("volsize") ?? ds.local.volsize), 16384));
    }
  }
  let ret = 0;
  for (const [prop, v] of native) {
    const refused = kernelCheck(zs, name, prop, v);
    if (refused !== undefined) {
      zfsError(cmd, action, refused);
      ret = -1;
      continue;
    }
    const ok = withRemount(zs, cmd, name, prop, v, () => {
      if (prop === "volsize" && ds.type === "volume") ds.local.volsize = v;
      else ds.local[prop] = v;
    });
    if (!ok) {
      cmd.err("property may be set but unable to remount filesystem\n");
      ret = -1;
    }
  }
  for (const [prop, v] of valid.user) {
    if (v.length >= ZAP_MAXVALUELEN) {
      zfsError(cmd, action, "property value too long");
      ret = -1;
      continue;
    }
    ds.user[prop] = v;
  }
  return ret;
}

export function zfsSet(zs: ZfsState, cmd: Cmd): number {
  const { opts, operands } = getopt(cmd.args, "u");
  for (const o of opts) {
    if (o.c !== "u") {
      cmd.err(`invalid option '${"optopt" in o ? o.optopt : o.c}'\n`);
      usage(cmd, "set");
    }
  }
  if (operands.length < 1) {
    cmd.err("missing arguments\n");
    usage(cmd, "set");
  }
  if (operands.length < 2) {
    cmd.err(operands[0]!.includes("=") ? "missing dataset name(s)\n" : "missing property=value argument(s)\n");
    usage(cmd, "set");
  }
  let dsStart = -1;
  operands.forEach((a, i) => {
    if (a.includes("=")) {
      if (dsStart > 0) {
        cmd.err("invalid argument order\n");
        usage(cmd, "set");
      }
    } else if (dsStart < 0) dsStart = i;
  });
  if (dsStart < 0) {
    cmd.err("missing dataset name(s)\n");
    usage(cmd, "set");
  }
  const pairs: Array<[string, string]> = [];
  for (const a of operands.slice(0, dsStart)) {
    const eq = a.indexOf("=");
    const key = a.slice(0, eq);
    if (pairs.some(([k]) => k === key)) {
      cmd.err(`property '${key}' specified multiple times\n`);
      return 255; // parseprop failure: zfs_do_set returns -1
    }
    pairs.push([key, a.slice(eq + 1)]);
  }
  const { names, failed } = forEach(zs, cmd, operands.slice(dsStart), {
    recurse: false,
    types: T_DATASET,
    argsCanBePaths: false,
  });
  let ret = failed ? 1 : 0;
  for (const name of names) ret |= setOn(zs, cmd, name, pairs);
  // zfs_for_each ORs -1 into the result: main() returns it, exit status 255.
  return ret < 0 ? 255 : ret;
}

export function zfsInherit(zs: ZfsState, cmd: Cmd): number {
  let recurse = false;
  let received = false;
  const { opts, operands } = getopt(cmd.args, "rS");
  for (const o of opts) {
    if (o.c === "r") recurse = true;
    else if (o.c === "S") received = true;
    else {
      cmd.err(`invalid option '${"optopt" in o ? o.optopt : o.c}'\n`);
      usage(cmd, "inherit");
    }
  }
  if (operands.length < 1) {
    cmd.err("missing property argument\n");
    usage(cmd, "inherit");
  }
  if (operands.length < 2) {
    cmd.err("missing dataset argument\n");
    usage(cmd, "inherit");
  }
  const [propname, ...datasets] = operands as [string, ...string[]];
  const p = propByName(propname);
  if (p !== undefined) {
    if (readonlyProp(p)) {
      cmd.err(`${propname} property is read-only\n`);
      return 1;
    }
    if (!inheritableProp(p) && !received) {
      cmd.err(`'${propname}' property cannot be inherited\n`);
      if (["quota", "reservation", "refquota", "refreservation"].includes(p.name)) {
        cmd.err(`use 'zfs set ${propname}=none' to clear\n`);
        cmd.err(`use 'zfs inherit -S ${propname}' to revert to received value\n`);
      }
      return 1;
    }
    if (received && (p.name === "volsize" || p.name === "version")) {
      cmd.err(`'${propname}' property cannot be reverted to a received value\n`);
      return 1;
    }
  } else if (!isUserProp(propname)) {
    cmd.err(`invalid property '${propname}'\n`);
    usage(cmd, "inherit");
  }
  const { names, failed } = forEach(zs, cmd, datasets, { recurse, types: T_DATASET, argsCanBePaths: false });
  let ret = failed ? 1 : 0;
  for (const name of names) {
    const ds = zs.datasets[name]!;
    if (p === undefined) {
      delete ds.user[propname];
      continue;
    }
    if (!validForType(p, typeBit(ds.type))) {
      if (recurse) continue;
      zfsError(cmd, `cannot inherit ${propname} for '${name}'`, "property doesn't apply to datasets of this type");
      ret = 1;
      continue;
    }
    const ok = withRemount(zs, cmd, name, p.name, "", () => {
      delete ds.local[p.name];
    });
    if (!ok) ret = 1;
  }
  return ret;
}
