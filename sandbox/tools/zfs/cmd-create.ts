// zfs create (cmd/zfs/zfs_main.c: zfs_do_create, default_volblocksize, zfs_mount_and_share), including its two
// traps: -p on an existing dataset exits 0 without looking at -o, and a failed mount exits 1 after creating.
import { type Cmd, usage, zfsError } from "./cli";
import { addDataset, createAncestors, createCheck } from "./create";
import { getopt } from "./getopt";
import { type ZfsState, poolOf, typeBit } from "./model";
import { canmountOf, mount, mountpointOf } from "./mount";
import { nameError } from "./names";
import { nicestrtonum } from "./numbers";
import { T_FS, T_VOL } from "./props";
import { zvolReservation } from "./space";
import { type Valid, validProplist } from "./validate";

const DEFAULT_VOLBLOCKSIZE = 16384;

/** parseprop: "prop=value" into the list, refusing a missing '=' and a repeated name. */
export function parseProp(cmd: Cmd, pairs: Array<[string, string]>, arg: string): boolean {
  const eq = arg.indexOf("=");
  if (eq < 0) {
    cmd.err("missing '=' for property=value argument\n");
    return false;
  }
  const key = arg.slice(0, eq);
  if (pairs.some(([k]) => k === key)) {
    cmd.err(`property '${key}' specified multiple times\n`);
    return false;
  }
  pairs.push([key, arg.slice(eq + 1)]);
  return true;
}

/** zfs_crypto_create's refusals; encryption itself is not simulated. */
export function cryptoCheck(valid: Valid): string | undefined {
  const enc = valid.native.get("encryption");
  const keyProps =
    (valid.native.has("keylocation") && valid.native.get("keylocation") !== "none") ||
    valid.native.has("keyformat") ||
    valid.native.has("pbkdf2iters");
  if (enc === undefined || enc === "off")
    return keyProps ? "Encryption must be turned on to set encryption properties." : undefined;
  if (!valid.native.has("keyformat") && !valid.native.has("keylocation"))
    return "Keyformat required for new encryption root.";
  return "sandbox: encrypted datasets are not simulated";
}

export function zfsCreate(zs: ZfsState, cmd: Cmd): number {
  let type = T_FS;
  let volsize: bigint | undefined;
  let bflag = false;
  let noreserve = false;
  let parents = false;
  let dryrun = false;
  let nomount = false;
  let verbose = false;
  let parseable = false;
  const pairs: Array<[string, string]> = [];
  const { opts, operands } = getopt(cmd.args, ":PV:b:nso:puv");
  for (const o of opts) {
    switch (o.c) {
      case "V": {
        type = T_VOL;
        const n = nicestrtonum(o.arg!);
        if (!n.ok) {
          cmd.err(`bad volume size '${o.arg}': ${n.why}\n`);
          return 1;
        }
        if (!parseProp(cmd, pairs, `volsize=${n.value}`)) return 1;
        volsize = n.value;
        break;
      }
      case "P":
        verbose = parseable = true;
        break;
      case "p":
        parents = true;
        break;
      case "b": {
        bflag = true;
        const n = nicestrtonum(o.arg!);
        if (!n.ok) {
          cmd.err(`bad volume block size '${o.arg}': ${n.why}\n`);
          return 1;
        }
        if (!parseProp(cmd, pairs, `volblocksize=${n.value}`)) return 1;
        break;
      }
      case "n":
        dryrun = true;
        break;
      case "o":
        if (!parseProp(cmd, pairs, o.arg!)) return 1;
        break;
      case "s":
        noreserve = true;
        break;
      case "u":
        nomount = true;
        break;
      case "v":
        verbose = true;
        break;
      case ":":
        cmd.err("missing size argument\n");
        usage(cmd, "create");
        break;
      default:
        cmd.err(`invalid option '${"optopt" in o ? o.optopt : o.c}'\n`);
        usage(cmd, "create");
    }
  }
  if ((bflag || noreserve) && type !== T_VOL) {
    cmd.err("'-s' and '-b' can only be used when creating a volume\n");
    usage(cmd, "create");
  }
  if (nomount && type !== T_FS) {
    cmd.err("'-u' can only be used when creating a filesystem\n");
    usage(cmd, "create");
  }
  if (operands.length === 0) {
    cmd.err(`missing ${type === T_VOL ? "volume" : "filesystem"} argument\n`);
    usage(cmd, "create");
  }
  if (operands.length > 1) {
    cmd.err("too many arguments\n");
    usage(cmd, "create");
  }
  const path = operands[0]!;
  const jailedParent = false;

  // Dry runs and volumes validate their properties before anything else.
  if (dryrun || type === T_VOL) {
    const pool = poolOf(path);
    if (zs.pools[pool] === undefined) {
      zfsError(cmd, `cannot open '${pool}'`, "no such pool");
      return 1;
    }
    const v = validProplist(zs, pairs, { type, keyParamsOk: true, jailed: jailedParent });
    if (!v.ok) {
      zfsError(cmd, dryrun ? `cannot verify '${path}'` : `cannot create '${path}'`, v.why);
      return 1;
    }
  }
  if (type === T_VOL) {
    const bs = Number(pairs.find(([k]) => k === "volblocksize")?.[1] ?? DEFAULT_VOLBLOCKSIZE);
    if (bs < DEFAULT_VOLBLOCKSIZE) {
      cmd.err(
        `Warning: volblocksize (${bs}) is less than the default minimum block size (${DEFAULT_VOLBLOCKSIZE}).\n` +
          `To reduce wasted space a volblocksize of ${DEFAULT_VOLBLOCKSIZE} is recommended.\n`,
      );
    }
    // volsize rounds up to a multiple of the block size.
    let size = Number(volsize);
    if (size % bs !== 0) size = Math.ceil(size / bs) * bs;
    const at = pairs.findIndex(([k]) => k === "volsize");
    pairs[at] = ["volsize", String(size)];
    if (!noreserve && !pairs.some(([k]) => k === "refreservation"))
      pairs.push(["refreservation", String(zvolReservation(size, bs))]);
  }
  if (parents && nameError(path, type) === undefined) {
    // The trap: an existing dataset of this type makes `create -p` succeed without looking at -o.
    const existing = zs.datasets[path];
    if (existing !== undefined && typeBit(existing.type) & type) return 0;
    if (verbose)
      cmd.out(
        parseable
          ? `create_ancestors\t${path}\n`
          : dryrun
            ? `would create ancestors of ${path}\n`
            : `create ancestors of ${path}\n`,
      );
    if (!dryrun && !createAncestors(zs, cmd, path)) return 1;
  }
  if (verbose) {
    cmd.out(parseable ? `create\t${path}\n` : dryrun ? `would create ${path}\n` : `create ${path}\n`);
    for (const [k, v] of pairs) cmd.out(parseable ? `property\t${k}\t${v}\n` : `\t${k}=${v}\n`);
  }
  if (dryrun) return 0;

  const action = `cannot create '${path}'`;
  const why = createCheck(zs, path, type);
  if (why !== undefined) {
    zfsError(cmd, action, why);
    return 1;
  }
  const valid = validProplist(zs, pairs, { type, keyParamsOk: true, jailed: jailedParent });
  if (!valid.ok) {
    zfsError(cmd, action, valid.why);
    return 1;
  }
  for (const w of valid.warnings) cmd.err(w);
  const crypto = cryptoCheck(valid);
  if (crypto !== undefined) {
    zfsError(cmd, action, crypto);
    return 1;
  }
  addDataset(zs, path, type === T_VOL ? "volume" : "filesystem", { native: valid.native, user: valid.user });
  if (nomount || type === T_VOL) return 0;
  // zfs_mount_and_share: only canmount=on mounts; a mountpoint of none or legacy is not an error.
  if (canmountOf(zs, path) !== "on" || !mountpointOf(zs, path).startsWith("/")) return 0;
  if (!mount(zs, { hostDir: cmd.ctx.hostDir, err: (s) => cmd.err(s) }, path)) {
    cmd.err("filesystem successfully created, but not mounted\n");
    return 1;
  }
  return 0;
}
