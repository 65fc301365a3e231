// zfs_valid_proplist and zprop_parse_value (lib/libzfs/libzfs_dataset.c, libzfs_util.c): checks prop=value pairs
// for a dataset type and turns them into stored values, failing with libzfs's exact description.
import type { DatasetRec, ZfsState } from "./model";
import { nicebytes, nicestrtonum } from "./numbers";
import {
  type PropDesc,
  T_SNAP,
  T_VOL,
  indexCanonical,
  isUserProp,
  isUserquotaProp,
  isWrittenProp,
  propByName,
  readonlyProp,
  setonceProp,
  validForType,
} from "./props";
import { propGet } from "./values";

export type Stored = number | string;

export interface Valid {
  ok: true;
  /** Native properties by canonical name, in the order given. */
  native: Map<string, Stored>;
  user: Map<string, string>;
  /** Warnings libzfs prints on stderr while validating (special_small_blocks). */
  warnings: string[];
}

export interface Invalid {
  ok: false;
  why: string;
}

const MAXBLOCKSIZE = 16 * 1024 * 1024; // the pool's maxblocksize with large_blocks enabled
const ZFS_MAXPROPLEN = 1024; // MAXPATHLEN on FreeBSD
const ZAP_MAXNAMELEN = 256;
const UINT64_MAX = 2 ** 64 - 1;
const KEY_PARAMS = new Set(["keyformat", "keylocation", "pbkdf2iters"]);

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0 && Number.isInteger(Math.log2(n));
}

/** zprop_parse_value for one native property. */
function parseValue(p: PropDesc, given: string, value: string, type: number): { value: Stored } | Invalid {
  if (p.kind === "string") {
    if (value.length >= ZFS_MAXPROPLEN) return { ok: false, why: `'${given}' is too long` };
    return { value };
  }
  if (p.kind === "index") {
    const canon = indexCanonical(p, value);
    if (canon === undefined) return { ok: false, why: `'${p.name}' must be one of '${p.values}'` };
    return { value: canon };
  }
  let n: number;
  let isnone = false;
  if (value === "none") {
    isnone = true;
    n = 0;
  } else if (value === "auto") {
    if (p.name !== "refreservation") return { ok: false, why: `'auto' is invalid value for '${given}'` };
    if ((type & T_VOL) === 0) return { ok: false, why: `'${given}=auto' only allowed on volumes` };
    return { value: UINT64_MAX };
  } else {
    const parsed = nicestrtonum(value);
    if (!parsed.ok) return parsed;
    n = Number(parsed.value);
  }
  if (n === 0 && !isnone && (p.name === "quota" || p.name === "refquota")) {
    return { ok: false, why: "use 'none' to disable quota/refquota" };
  }
  if (isnone && (p.name === "filesystem_limit" || p.name === "snapshot_limit")) n = UINT64_MAX;
  return { value: n };
}

export interface ValidateOptions {
  /** The dataset type bit the properties are for. */
  type: number;
  /** The dataset being changed (zfs set), or undefined when creating. */
  existing?: { name: string; rec: DatasetRec };
  /** create and clone accept encryption key parameters. */
  keyParamsOk: boolean;
  /** The parent's (or own) jailed value: mountpoint and shares cannot be set on jailed datasets from the host. */
  jailed: boolean;
}

export function validProplist(zs: ZfsState, pairs: Array<[string, string]>, opts: ValidateOptions): Valid | Invalid {
  const native = new Map<string, Stored>();
  const user = new Map<string, string>();
  const warnings: string[] = [];
  let chosenNormal: string | undefined;
  let chosenUtf: string | undefined;
  for (const [given, value] of pairs) {
    const p = propByName(given);
    if (p === undefined && isUserProp(given)) {
      if (given.length >= ZAP_MAXNAMELEN) return { ok: false, why: `property name '${given}' is too long` };
      user.set(given, value);
      continue;
    }
    if (opts.type === T_SNAP) return { ok: false, why: "this property can not be modified for snapshots" };
    if (p === undefined && isUserquotaProp(given))
      return { ok: false, why: `'${given}' has an invalid user/group name` };
    if (p === undefined && isWrittenProp(given)) return { ok: false, why: `'${given}' is readonly` };
    if (p === undefined) return { ok: false, why: `invalid property '${given}'` };
    if (!validForType(p, opts.type)) return { ok: false, why: `'${given}' does not apply to datasets of this type` };
    if (
      readonlyProp(p) &&
      !(setonceProp(p) && opts.existing === undefined) &&
      !(KEY_PARAMS.has(p.name) && opts.keyParamsOk)
    ) {
      return { ok: false, why: `'${given}' is readonly` };
    }
    const parsed = parseValue(p, given, value, opts.type);
    if ("ok" in parsed) return parsed;
    const v = parsed.value;
    switch (p.name) {
      case "version": {
        const cur = opts.existing && propGet(zs, opts.existing.name, p, true);
        if (cur && Number(v) < Number(cur.value))
          return { ok: false, why: `Can not downgrade; already at version ${cur.value}` };
        break;
      }
      case "volblocksize":
      case "recordsize":
        if (Number(v) < 512 || Number(v) > MAXBLOCKSIZE || !isPow2(Number(v))) {
          return { ok: false, why: `'${given}' must be power of 2 from 512B to ${nicebytes(MAXBLOCKSIZE)}` };
        }
        break;
      case "special_small_blocks":
        // No special vdev in the pool: libzfs warns and goes on.
        warnings.push(`${given}: property requires a special device in the pool\n`);
        if (Number(v) !== 0 && (Number(v) < 512 || Number(v) > MAXBLOCKSIZE || !isPow2(Number(v)))) {
          return {
            ok: false,
            why: `invalid '${given}=${v}' property: must be zero or a power of 2 from 512B to ${nicebytes(MAXBLOCKSIZE)}`,
          };
        }
        break;
      case "mlslabel":
        return { ok: false, why: "mlslabels are unsupported" }; // FreeBSD builds lack HAVE_MLSLABEL
      case "mountpoint":
        if (v !== "none" && v !== "legacy") {
          if (!String(v).startsWith("/"))
            return { ok: false, why: `'${given}' must be an absolute path, 'none', or 'legacy'` };
          if (
            String(v)
              .split("/")
              .some((c) => c.length >= 256)
          )
            return { ok: false, why: `component of '${given}' is too long` };
        }
        if (opts.jailed) return { ok: false, why: `'${given}' cannot be set on dataset in a non-global zone` };
        break;
      case "sharenfs":
      case "sharesmb":
        if (opts.jailed) return { ok: false, why: `'${given}' cannot be set on dataset in a non-global zone` };
        break;
      case "keylocation": {
        const s = String(v);
        if (
          !(
            s === "none" ||
            s === "prompt" ||
            s.startsWith("file:///") ||
            s.startsWith("https://") ||
            s.startsWith("http://")
          )
        ) {
          return { ok: false, why: "invalid keylocation" };
        }
        if (opts.existing && s !== "none")
          return { ok: false, why: "keylocation must be 'none' for unencrypted datasets" };
        break;
      }
      case "pbkdf2iters":
        if (Number(v) < 100000) return { ok: false, why: "minimum pbkdf2 iterations is 100000" };
        break;
      case "utf8only":
        chosenUtf = String(v);
        break;
      case "normalization":
        chosenNormal = String(v);
        break;
    }
    if (opts.type === T_VOL && opts.existing && p.name === "volsize") {
      const bs = opts.existing.rec.volblocksize ?? 16384;
      if (Number(v) % bs !== 0)
        return { ok: false, why: `'${given}' must be a multiple of volume block size (${nicebytes(bs)})` };
      if (Number(v) === 0) return { ok: false, why: `'${given}' cannot be zero` };
    }
    native.set(p.name, v);
  }
  // Normalization needs utf8only; turning utf8only off turns normalization off.
  if (chosenNormal !== undefined && chosenNormal !== "none" && chosenUtf === undefined) native.set("utf8only", "on");
  else if (chosenNormal !== undefined && chosenNormal !== "none" && chosenUtf === "off") {
    return { ok: false, why: "'utf8only' must be set 'on' if normalization chosen" };
  } else if (chosenNormal === undefined && chosenUtf === "off") native.set("normalization", "none");
  return { ok: true, native, user, warnings };
}
