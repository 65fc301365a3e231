// Property lists and column widths shared by `zfs list` and `zfs get`: zprop_get_list and addlist
// (lib/libzfs/libzfs_util.c), zprop_expand_list, and zfs_expand_proplist (libzfs_dataset.c), which widens each
// column to the longest value of every dataset printed (fixed-width columns only under -p).
import type { ZfsState } from "./model";
import {
  type PropDesc,
  PROPS,
  isUserProp,
  isUserquotaProp,
  isWrittenProp,
  prop,
  propByName,
  propWidth,
  T_DATASET,
  validForType,
} from "./props";
import { propGet, userPropGet, userPropNames, type Value } from "./values";

export interface Column {
  /** A native property, or undefined for a user property. */
  prop?: PropDesc;
  user?: string;
  width: number;
  fixed: boolean;
  /** Added by expanding "all": skipped (not printed as "-") where it does not apply. */
  all: boolean;
}

export type ListResult = { ok: true; columns: Column[] | undefined } | { ok: false; why: string };

function nativeColumn(p: PropDesc, all = false): Column {
  return { prop: p, width: propWidth(p), fixed: !p.flex, all };
}

/** zprop_get_list: undefined columns mean "all", expanded per dataset later. */
export function propList(fields: string): ListResult {
  if (fields === "all") return { ok: true, columns: undefined };
  if (fields === "") return { ok: false, why: "no properties specified" };
  const columns: Column[] = [];
  for (const field of fields.split(",")) {
    const names =
      field === "space"
        ? ["name", "avail", "used", "usedbysnapshots", "usedbydataset", "usedbyrefreservation", "usedbychildren"]
        : [field];
    for (const n of names) {
      let p = propByName(n);
      if (p !== undefined && !validForType(p, T_DATASET)) p = undefined;
      if (p !== undefined) columns.push(nativeColumn(p));
      else if (isUserProp(n) || isUserquotaProp(n) || isWrittenProp(n))
        columns.push({ user: n, width: n.length, fixed: false, all: false });
      else return { ok: false, why: `invalid property '${n}'` };
    }
  }
  return { ok: true, columns };
}

/** zprop_expand_list for "all": name first, then every visible property in table order. */
export function expandAll(): Column[] {
  return [nativeColumn(prop("name"), true), ...PROPS.filter((p) => p.visible).map((p) => nativeColumn(p, true))];
}

/** A column's value for a dataset: undefined where zfs cannot get it. */
export function columnValue(zs: ZfsState, name: string, col: Column, literal: boolean): Value | undefined {
  if (col.prop !== undefined) return propGet(zs, name, col.prop, literal);
  if (isUserquotaProp(col.user!) || isWrittenProp(col.user!)) return undefined; // not simulated
  return userPropGet(zs, name, col.user!);
}

/** zfs_expand_proplist over every dataset to print: adds user properties to "all", widens flexible columns. */
export function expandColumns(zs: ZfsState, names: string[], columns: Column[], literal: boolean): void {
  const isAll = columns[0]?.all === true;
  for (const name of names) {
    if (isAll) {
      for (const u of userPropNames(zs, name)) {
        if (!columns.some((c) => c.user === u)) columns.push({ user: u, width: u.length, fixed: false, all: true });
      }
    }
    for (const col of columns) {
      if (col.fixed && !literal) continue;
      const v = columnValue(zs, name, col, literal);
      if (v !== undefined && v.value.length > col.width) col.width = v.value.length;
    }
  }
}

export function columnName(col: Column): string {
  return col.prop?.name ?? col.user!;
}
