// Property values as zfs_prop_get (lib/libzfs/libzfs_dataset.c) computes them: the kernel's property list of a
// dataset (local values, values inherited with their setpoint, statistics with no source) read through libzfs's
// formatting and its source rules (get_source: no source "-", "" default, own name local, other inherited).
import { type DatasetRec, clonesOf, parentOf, snapshotsOf, typeBit, type ZfsState } from "./model";
import { nicebytes, nicenum, zfsDate } from "./numbers";
import { type PropDesc, inheritableProp, readonlyProp, setonceProp, validForType } from "./props";
import {
  available,
  compressRatio,
  logicalUsed,
  used,
  usedByChildren,
  usedByRefreservation,
  usedBySnapshots,
  written,
} from "./space";

export type Source =
  | { kind: "none" }
  | { kind: "default" }
  | { kind: "local" }
  | { kind: "inherited"; from: string }
  | { kind: "received" }
  | { kind: "temporary" };

export interface Value {
  value: string;
  source: Source;
}

/** A raw entry of the kernel's property list: the value and its setpoint ("" default, null for statistics). */
interface Raw {
  value: number | string;
  setpoint: string | null;
}

/** The dataset whose properties a snapshot sees: its head. */
function headOf(name: string): string {
  const at = name.indexOf("@");
  return at < 0 ? name : name.slice(0, at);
}

/** A settable property's value and setpoint: local, else (if inheritable) the nearest ancestor's, else default. */
function lookupSetting(zs: ZfsState, name: string, p: PropDesc): Raw {
  const own = zs.datasets[name]!.local[p.name];
  if (own !== undefined) return { value: own, setpoint: name };
  let at: string | undefined = headOf(name) === name ? parentOf(name) : headOf(name);
  // A snapshot reads its head's local value as inherited; ancestors count only for inheritable properties.
  const snapshot = name.includes("@");
  while (at !== undefined) {
    const v = zs.datasets[at]?.local[p.name];
    if (v !== undefined && (inheritableProp(p) || (snapshot && at === headOf(name)))) return { value: v, setpoint: at };
    if (!inheritableProp(p)) break;
    at = parentOf(at);
  }
  return { value: p.def ?? "", setpoint: "" };
}

/** The statistics the kernel reports for a dataset (no source); undefined when it reports none for it. */
function stat(zs: ZfsState, name: string, ds: DatasetRec, p: string): number | string | undefined {
  const head = ds.type !== "snapshot";
  switch (p) {
    case "creation":
      return ds.creation;
    case "used":
      return used(zs, name);
    case "available":
      return available(zs, name);
    case "referenced":
      return ds.refer;
    case "compressratio":
      return head ? compressRatio(zs, name) : ds.ratio;
    case "refcompressratio":
      return ds.ratio;
    case "usedbysnapshots":
      return usedBySnapshots(zs, name);
    case "usedbydataset":
      return ds.unique;
    case "usedbychildren":
      return usedByChildren(zs, name);
    case "usedbyrefreservation":
      return usedByRefreservation(zs, name);
    case "written":
      return written(zs, name);
    case "logicalused":
      return logicalUsed(zs, name);
    case "logicalreferenced":
      return ds.lrefer;
    case "guid":
      return ds.guid;
    case "createtxg":
      return ds.createtxg;
    case "objsetid":
      return ds.objsetid;
    case "volblocksize":
      return ds.volblocksize;
    case "userrefs":
      return head ? undefined : 0;
    case "defer_destroy":
      return head ? undefined : "off";
    case "numclones":
      return head ? undefined : clonesOf(zs, name).length;
    case "unique":
      return ds.unique;
    case "inconsistent":
      return 0;
    case "redacted":
      return 0;
    case "snapshots_changed":
      return ds.snapshotsChanged;
    case "volsize":
      return head ? undefined : (zs.datasets[headOf(name)]?.local.volsize as number | undefined);
    default:
      return undefined;
  }
}

/** getprop_uint64/getprop_string: the raw entry, statistics first, then settings. */
function raw(zs: ZfsState, name: string, p: PropDesc): Raw {
  const ds = zs.datasets[name]!;
  const s = stat(zs, name, ds, p.name);
  if (s !== undefined) return { value: s, setpoint: null };
  if (p.attr === "readonly") return { value: p.def ?? "", setpoint: "" };
  return lookupSetting(zs, name, p);
}

function sourceOf(name: string, setpoint: string | null): Source {
  if (setpoint === null) return { kind: "none" };
  if (setpoint === "") return { kind: "default" };
  if (setpoint === name) return { kind: "local" };
  return { kind: "inherited", from: setpoint };
}

function mountpoint(zs: ZfsState, name: string, p: PropDesc): Value {
  const r = lookupSetting(zs, name, p);
  const str = String(r.value);
  const source = sourceOf(name, r.setpoint);
  if (!str.startsWith("/")) return { value: str, source };
  // Inherited: append the path below the setpoint; a mountpoint of "/" loses its slash when something follows.
  const rel = name.slice((r.setpoint ?? "").length).replace(/^\//, "");
  const base = str === "/" && rel !== "" ? "" : str;
  return { value: rel === "" ? base : `${base}/${rel}`, source };
}

/** zfs_prop_get: the printed value and its source, or undefined where zfs prints "-" (or skips the line). */
export function propGet(zs: ZfsState, name: string, p: PropDesc, literal: boolean): Value | undefined {
  const ds = zs.datasets[name]!;
  const type = typeBit(ds.type);
  if (!validForType(p, type)) return undefined;
  // A snapshot has a property only if it also applies to its head's type (get_numeric_property).
  if (ds.type === "snapshot" && p.kind !== "string" && p.name !== "creation" && p.name !== "type") {
    const headType = zs.datasets[headOf(name)]?.type ?? "filesystem";
    if (!validForType(p, typeBit(headType), true)) return undefined;
  }
  const none: Source = { kind: "none" };
  switch (p.name) {
    case "creation":
      return { value: literal ? String(ds.creation) : zfsDate(ds.creation), source: none };
    case "mountpoint":
      return mountpoint(zs, name, p);
    case "origin":
      return ds.origin === undefined ? undefined : { value: ds.origin, source: none };
    case "clones": {
      const clones = clonesOf(zs, name);
      return clones.length === 0 ? undefined : { value: clones.join(","), source: none };
    }
    case "type":
      return { value: ds.type, source: none };
    case "name":
      return { value: name, source: none };
    case "mounted":
      return { value: ds.mounted ? "yes" : "no", source: none };
    case "quota":
    case "refquota":
    case "reservation":
    case "refreservation": {
      const r = raw(zs, name, p);
      const v = Number(r.value);
      // get_numeric_property: a value with no setpoint is the dataset's own.
      const source = sourceOf(name, r.setpoint ?? name);
      if (v === 0) return { value: literal ? "0" : "none", source };
      return { value: literal ? String(v) : nicebytes(v), source };
    }
    case "volsize": {
      const r = raw(zs, name, p);
      const v = Number(r.value);
      return { value: literal ? String(v) : nicenum(v), source: sourceOf(name, r.setpoint ?? name) };
    }
    case "filesystem_limit":
    case "snapshot_limit":
    case "filesystem_count":
    case "snapshot_count": {
      const r = raw(zs, name, p);
      // UINT64_MAX means none; as a JS number it reads 2^64.
      const v = Number(r.value);
      const source = sourceOf(name, r.setpoint ?? name);
      if (v >= 2 ** 64 - 1) return { value: "none", source };
      return { value: literal ? String(v) : nicenum(v), source };
    }
    case "compressratio":
    case "refcompressratio": {
      const v = Number(raw(zs, name, p).value);
      const s = `${Math.floor(v / 100)}.${String(v % 100).padStart(2, "0")}`;
      return { value: literal ? s : `${s}x`, source: none };
    }
    case "guid":
    case "createtxg":
    case "objsetid":
    case "pbkdf2iters":
    case "keyguid":
    case "ivsetguid": {
      const r = raw(zs, name, p);
      if (r.setpoint === "" && readonlyProp(p) && !setonceProp(p)) return undefined;
      return { value: String(r.value), source: sourceOf(name, r.setpoint) };
    }
    case "referenced":
    case "available":
    case "used":
    case "usedbysnapshots":
    case "usedbydataset":
    case "usedbyrefreservation":
    case "usedbychildren": {
      const v = Number(raw(zs, name, p).value);
      return { value: literal ? String(v) : nicebytes(v), source: none };
    }
    case "snapshots_changed": {
      const v = Number(raw(zs, name, p).value);
      if (!v) return undefined;
      return { value: literal ? String(v) : zfsDate(v, true), source: none };
    }
    case "version":
    case "utf8only":
    case "normalization":
    case "casesensitivity": {
      // ZFS_IOC_OBJSET_ZPLPROPS: fixed at creation, no source; a snapshot shows its head's.
      const zpl = zs.datasets[headOf(name)]?.zpl;
      return zpl === undefined ? undefined : { value: zpl[p.name]!, source: none };
    }
  }
  const r = raw(zs, name, p);
  // A truly read-only property the kernel did not report is absent, not defaulted.
  if (r.setpoint === "" && p.attr === "readonly") return undefined;
  if (p.kind === "number") {
    const v = Number(r.value);
    return { value: literal ? String(v) : nicenum(v), source: sourceOf(name, r.setpoint) };
  }
  if (p.kind === "string") {
    if (r.setpoint === "" && p.def === undefined) return undefined;
    return { value: String(r.value), source: sourceOf(name, r.setpoint) };
  }
  return { value: String(r.value), source: sourceOf(name, r.setpoint) };
}

/** A user property: local, or inherited from the nearest ancestor (a snapshot inherits from its head). */
export function userPropGet(zs: ZfsState, name: string, prop: string): Value | undefined {
  let at: string | undefined = name;
  while (at !== undefined) {
    const v = zs.datasets[at]?.user[prop];
    if (v !== undefined) return { value: v, source: at === name ? { kind: "local" } : { kind: "inherited", from: at } };
    at = parentOf(at);
  }
  return undefined;
}

/** Every user property a dataset has (own and inherited), in the order zfs lists them. */
export function userPropNames(zs: ZfsState, name: string): string[] {
  const names = new Set<string>();
  let at: string | undefined = name;
  while (at !== undefined) {
    for (const k of Object.keys(zs.datasets[at]?.user ?? {})) names.add(k);
    at = parentOf(at);
  }
  return [...names].sort();
}

export function sourceText(s: Source): string {
  switch (s.kind) {
    case "none":
      return "-";
    case "default":
      return "default";
    case "local":
      return "local";
    case "inherited":
      return `inherited from ${s.from}`;
    case "received":
      return "received";
    case "temporary":
      return "temporary";
  }
}

/** The last snapshot of a dataset, for callers that need "the newest". */
export function latestSnapshot(zs: ZfsState, name: string): string | undefined {
  return snapshotsOf(zs, name).at(-1);
}
