// How a change of jail.conf reaches a running jail. The kernel lets `jail -m` change the parameters it
// declares CTLFLAG_RW (sys/kern/kern_jail.c: "CTLFLAG_RDTUN ... can be set at jail creation time but cannot
// be changed in an existing jail" marks jid, path, osrelease, osreldate, vnet, ip4 and ip6). Of the RW ones,
// these change the running jail completely; the rest need a restart:
//  - ip4.addr/ip6.addr: jail(8) adds and removes the interface aliases only at start and stop;
//  - devfs_ruleset: it is applied when jail(8) mounts the jail's devfs, at start;
//  - every jail(8) parameter (mount*, exec.start, exec.prestart, vnet.interface, …): used at start.
// exec.prestop, exec.stop, exec.poststop and stop.timeout matter only at the next stop: rewriting the file is
// enough. A parameter this code does not know restarts the jail, the safe choice.
import { effectiveParams, parseJailConf, resolveJail } from "./parse";

export type ChangeKind = "live" | "next-stop" | "restart";

const LIVE = new Set([
  "host.hostname", "host.domainname", "host.hostuuid", "host.hostid", "securelevel", "enforce_statfs",
  "children.max", "persist", "ip4.saddrsel", "ip6.saddrsel",
]); // prettier-ignore
const NEXT_STOP = new Set(["exec.prestop", "exec.stop", "exec.poststop", "stop.timeout"]);

export function changeKind(param: string): ChangeKind {
  if (param.startsWith("allow.") || LIVE.has(param)) return "live";
  if (NEXT_STOP.has(param)) return "next-stop";
  return "restart";
}

/** A new jail's value of a live parameter, for `jail -m` when the file no longer sets it (jail(8)). */
export function liveDefault(param: string): string {
  if (param === "allow.set_hostname" || param === "allow.reserved_ports") return "true";
  if (param.startsWith("allow.")) return "false";
  const defaults: Record<string, string> = {
    enforce_statfs: "2",
    securelevel: "-1",
    "children.max": "0",
    persist: "true",
    "ip4.saddrsel": "true",
    "ip6.saddrsel": "true",
    "host.domainname": "",
    "host.hostid": "0",
  };
  return defaults[param] ?? "";
}

/** The parameters of jail `name` in a config file's text, as comparable values; undefined if unreadable. */
export function paramsOf(text: string | undefined, name: string): Map<string, string[]> | undefined {
  if (text === undefined) return undefined;
  try {
    const resolved = resolveJail(parseJailConf(text), name);
    return resolved === undefined ? undefined : effectiveParams(resolved);
  } catch {
    return undefined;
  }
}

export interface ChangePlan {
  /** Parameters whose value differs, by how they reach the jail. */
  live: string[];
  nextStop: string[];
  restart: string[];
  /** `jail -m` arguments for the live ones. */
  modify: Record<string, string>;
}

/** What differs between the config on the host and the desired one; an unreadable current file restarts. */
export function planChanges(current: string | undefined, desired: string, name: string): ChangePlan {
  const plan: ChangePlan = { live: [], nextStop: [], restart: [], modify: {} };
  const want = paramsOf(desired, name);
  const have = paramsOf(current, name);
  if (want === undefined) throw new Error(`the rendered config of jail ${name} does not read back`);
  if (have === undefined) {
    plan.restart.push("(config)");
    return plan;
  }
  const names = new Set([...want.keys(), ...have.keys()]);
  for (const param of [...names].sort()) {
    const a = have.get(param);
    const b = want.get(param);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const kind = changeKind(param);
    if (kind === "live") {
      plan.live.push(param);
      plan.modify[param] = b === undefined ? liveDefault(param) : b.at(-1)!;
    } else if (kind === "next-stop") plan.nextStop.push(param);
    else plan.restart.push(param);
  }
  return plan;
}
