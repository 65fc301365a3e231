// jls(8) of FreeBSD 14 (usr.sbin/jls/jls.c in freebsd-src, the libxo version): the default table
// ("%6d  %-15.15s %-29.29s %.74s"), -N, -v (four header lines, then jid/hostname/path, name/state, cpuset id
// and one line per address), -n/-q/-s/-h and named parameters, -j, and --libxo json with the fields print_jail()
// emits. A missing -j jail: `jls: jail "X" not found`, exit 1 (libjail's jail_errmsg).
// The JSON spacing (`"key":value` for fields, `"key": [` for lists, instances joined by ", ") copies libxo's
// non-pretty style as far as it is known; it is UNCONFIRMED against a real host.
import type { HostState } from "../../state";
import type { Tool } from "../context";
import { getopt, has, last } from "../getopt";
import { findJail, jailsState, KERNEL_PARAMS, type SimJail } from "./state";

type JsonValue = string | number | boolean | string[];
type Fields = Array<[string, JsonValue]>;

/** libxo's JSON document for jls: {"__version": "2", "jail-information": {"jail": [ … ]}} */
export function libxoJson(instances: Fields[]): string {
  const value = (v: JsonValue) =>
    Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(", ")}]` : JSON.stringify(v);
  const field = ([k, v]: [string, JsonValue]) => `${JSON.stringify(k)}${Array.isArray(v) ? ": " : ":"}${value(v)}`;
  const body = instances.map((f) => `{${f.map(field).join(",")}}`).join(", ");
  return `{"__version": "2", "jail-information": {"jail": [${body}]}}\n`;
}

/** --libxo json / --libxo=json / --libxo:J, as xo_parse_args() removes them before getopt. */
function libxoStyle(args: string[]): { json: boolean; rest: string[] } {
  const rest: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--libxo") json = /json|^J/.test(args[++i] ?? "");
    else if (a.startsWith("--libxo=")) json = a.slice(8).split(",").includes("json");
    else if (a.startsWith("--libxo:")) json = a.slice(8).includes("J");
    else rest.push(a);
  }
  return { json, rest };
}

const pad = (s: string, n: number) => s.slice(0, n).padEnd(n);
const addrs = (j: SimJail, family: "ip4" | "ip6") => (j.params[`${family}.addr`] ?? "").split(",").filter(Boolean);

/** jailparam_all() sorted as sort_param() does: top-level names first, then by name. */
function allParams(): string[] {
  return Object.keys(KERNEL_PARAMS).sort((a, b) => {
    const da = a.includes(".");
    const db = b.includes(".");
    if (da !== db) return da ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

function paramValue(j: SimJail, name: string): string {
  return name === "jid" ? String(j.jid) : name === "name" ? j.name : (j.params[name] ?? "");
}

export const jls: Tool = (ctx) => {
  const { json, rest } = libxoStyle(ctx.args);
  const parsed = getopt("jls", rest, "adj:hNnqsv");
  if (parsed.error !== undefined) {
    ctx.err(`${parsed.error}jls: usage: jls [-dhNnqv] [-j jail] [param ...]\n`);
    return 1;
  }
  // Later flags win as in jls.c: -v clears -h/-n/-s, -n clears -v, -h clears -s/-v.
  let verbose = false;
  let nameval = false;
  let header = false;
  let quoted = false;
  let skip = false;
  for (const { flag } of parsed.opts) {
    if (flag === "v") [verbose, header, nameval, skip] = [true, false, false, false];
    if (flag === "n") [nameval, verbose] = [true, false];
    if (flag === "h") [header, skip, verbose] = [true, false, false];
    if (flag === "q") quoted = true;
    if (flag === "s") [nameval, quoted, skip, header, verbose] = [true, true, true, false, false];
  }
  const state: HostState = ctx.state.read();
  const key = last(parsed, "j");
  let jails = jailsState(state).jails;
  if (key !== undefined) {
    const found = findJail(state, key);
    if (found === undefined) {
      ctx.err(`jls: jail "${key}" not found\n`);
      return 1;
    }
    jails = [found];
  }
  const byName = has(parsed, "N");
  let names = parsed.operands;
  if (names.length > 0) verbose = false;
  else if (header || nameval) names = allParams();

  if (names.length === 0 && verbose) {
    if (json) {
      ctx.out(libxoJson(jails.map((j) => [
        ["jid", j.jid], ["hostname", j.params["host.hostname"] ?? ""], ["path", j.params.path ?? ""], ["name", j.name],
        ["state", "ACTIVE"], ["cpusetid", j.cpusetid], ["ipv4_addrs", addrs(j, "ip4")], ["ipv6_addrs", addrs(j, "ip6")],
      ]))); // prettier-ignore
      return 0;
    }
    let out = "   JID  Hostname                      Path\n        Name                          State\n";
    out += "        CPUSetID\n        IP Address(es)\n";
    for (const j of jails) {
      out += `${String(j.jid).padStart(6)}  ${pad(j.params["host.hostname"] ?? "", 29)} ${(j.params.path ?? "").slice(0, 74)}\n`;
      out += `        ${pad(j.name, 29)} ACTIVE\n        ${j.cpusetid}\n`;
      for (const a of [...addrs(j, "ip4"), ...addrs(j, "ip6")]) out += `        ${a}\n`;
    }
    ctx.out(out);
    return 0;
  }
  if (names.length === 0) {
    const first = (j: SimJail) => addrs(j, "ip4")[0] ?? "";
    if (json) {
      ctx.out(libxoJson(jails.map((j) => [
        byName ? ["name", j.name] : ["jid", j.jid], ["ipv4", first(j)], ["hostname", j.params["host.hostname"] ?? ""],
        ["path", j.params.path ?? ""],
      ]))); // prettier-ignore
      return 0;
    }
    let out = byName
      ? ` ${"JID".padEnd(15)} ${"IP Address".padEnd(15)} ${"Hostname".padEnd(29)} Path\n`
      : "   JID  IP Address      Hostname                      Path\n";
    for (const j of jails) {
      const lead = byName ? ` ${j.name.padEnd(15)} ` : `${String(j.jid).padStart(6)}  `;
      out += `${lead}${pad(first(j), 15)} ${pad(j.params["host.hostname"] ?? "", 29)} ${(j.params.path ?? "").slice(0, 74)}\n`;
    }
    ctx.out(out);
    return 0;
  }

  for (const n of names) {
    if (n !== "jid" && n !== "name" && n !== "lastjid" && KERNEL_PARAMS[n] === undefined) {
      ctx.err(`jls: unknown parameter: ${n}\n`);
      return 1;
    }
  }
  if (json) {
    ctx.out(libxoJson(jails.map((j) => names.map((n): [string, JsonValue] => {
      const kind = KERNEL_PARAMS[n]?.kind;
      if (kind === "list") return [n, paramValue(j, n).split(",").filter(Boolean)];
      if (kind === "bool" && nameval) return [n, paramValue(j, n) === "true"];
      return [n, paramValue(j, n)];
    })))); // prettier-ignore
    return 0;
  }
  let out = header ? `${names.join(" ")}\n` : "";
  for (const j of jails) {
    const words: string[] = [];
    for (const n of names) {
      const def = KERNEL_PARAMS[n];
      // -s skips read-only parameters, and those whose jailsys parent is not "new" (ip4.addr under ip4=inherit).
      if (
        skip &&
        (def?.readOnly ||
          (n.includes(".") &&
            ["ip4", "ip6", "host"].includes(n.split(".")[0]!) &&
            j.params[n.split(".")[0]!] !== "new"))
      )
        continue;
      const value = paramValue(j, n);
      if (nameval && def?.kind === "bool") {
        const dot = n.lastIndexOf(".");
        words.push(value === "true" ? n : `${n.slice(0, dot + 1)}no${n.slice(dot + 1)}`);
        continue;
      }
      words.push(`${nameval ? `${n}=` : ""}${quote(value, quoted, nameval, def?.kind === "list")}`);
    }
    out += `${words.join(" ")}\n`;
  }
  ctx.out(out);
  return 0;
};

/** quoted_print()/special_print(): an empty list is "-" (or "" with -q), quotes around blanks with -q. */
function quote(value: string, quoted: boolean, nameval: boolean, list: boolean): string {
  if (value === "" && list) return quoted ? '""' : nameval ? "" : "-";
  if (value === "") return '""';
  const qc = value.includes("'") ? '"' : value.includes('"') ? "'" : /[ \t]/.test(value) ? '"' : "";
  return quoted && qc !== "" ? `${qc}${value}${qc}` : value;
}
