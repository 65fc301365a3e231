// The jails of a simulated host and the kernel's jail parameters (sys/kern/kern_jail.c in freebsd-src: the
// SYSCTL_JAIL_PARAM declarations, where CTLFLAG_RDTUN marks the ones that cannot change after creation).
import type { HostState } from "../../state";
import { systemFacts } from "../facts";

export interface SimJail {
  jid: number;
  name: string;
  /** Kernel parameters as jailparam_export() prints them: booleans "true"/"false", lists comma-joined. */
  params: Record<string, string>;
  cpusetid: number;
  /** Interfaces moved in by vnet.interface, handed back when the jail is removed. */
  interfaces: string[];
}

export interface JailsState {
  nextJid: number;
  nextCpuset: number;
  jails: SimJail[];
}

export function jailsState(state: HostState): JailsState {
  return (state.jails as JailsState | undefined) ?? { nextJid: 1, nextCpuset: 2, jails: [] };
}

/** By name, or by jid when `key` is a number (jls -j, jexec, jail -r accept both). */
export function findJail(state: HostState, key: string): SimJail | undefined {
  const jails = jailsState(state).jails;
  return /^\d+$/.test(key) ? jails.find((j) => String(j.jid) === key) : jails.find((j) => j.name === key);
}

type Kind = "int" | "string" | "bool" | "jailsys" | "list";
interface ParamDef {
  kind: Kind;
  /** CTLFLAG_RDTUN: settable at creation only. */
  rdtun?: boolean;
  readOnly?: boolean;
  initial: (state: HostState) => string;
}

const v = (s: string) => () => s;
const ALLOW_ON = new Set(["allow.set_hostname", "allow.reserved_ports"]);
const ALLOWS = [
  "set_hostname", "sysvipc", "raw_sockets", "chflags", "mount", "mount.devfs", "mount.fdescfs", "mount.linprocfs",
  "mount.linsysfs", "mount.nullfs", "mount.procfs", "mount.tmpfs", "mount.zfs", "quotas", "socket_af", "mlock",
  "reserved_ports", "read_msgbuf", "unprivileged_proc_debug", "suser", "vmm", "nfsd", "extattr", "adjtime",
  "settime", "routing",
]; // prettier-ignore

/** The parameters of a 14.2 GENERIC kernel (VIMAGE, INET, INET6, SysV IPC modules), with a new jail's values. */
export const KERNEL_PARAMS: Record<string, ParamDef> = {
  jid: { kind: "int", rdtun: true, initial: v("0") },
  parent: { kind: "int", readOnly: true, initial: v("0") },
  name: { kind: "string", initial: v("") },
  path: { kind: "string", rdtun: true, initial: v("/") },
  securelevel: { kind: "int", initial: v("-1") },
  osreldate: { kind: "int", rdtun: true, initial: (s) => String(systemFacts(s).osreldate) },
  osrelease: { kind: "string", rdtun: true, initial: (s) => systemFacts(s).osrelease },
  enforce_statfs: { kind: "int", initial: v("2") },
  devfs_ruleset: { kind: "int", initial: v("0") },
  persist: { kind: "bool", initial: v("false") },
  vnet: { kind: "jailsys", rdtun: true, initial: v("inherit") },
  dying: { kind: "bool", readOnly: true, initial: v("false") },
  "children.cur": { kind: "int", readOnly: true, initial: v("0") },
  "children.max": { kind: "int", initial: v("0") },
  host: { kind: "jailsys", initial: v("new") },
  "host.hostname": { kind: "string", initial: v("") },
  "host.domainname": { kind: "string", initial: v("") },
  "host.hostuuid": { kind: "string", initial: v("00000000-0000-0000-0000-000000000000") },
  "host.hostid": { kind: "int", initial: v("0") },
  "cpuset.id": { kind: "int", readOnly: true, initial: v("0") },
  ip4: { kind: "jailsys", rdtun: true, initial: v("disable") },
  "ip4.addr": { kind: "list", initial: v("") },
  "ip4.saddrsel": { kind: "bool", initial: v("true") },
  ip6: { kind: "jailsys", rdtun: true, initial: v("disable") },
  "ip6.addr": { kind: "list", initial: v("") },
  "ip6.saddrsel": { kind: "bool", initial: v("true") },
  sysvmsg: { kind: "jailsys", initial: v("disable") },
  sysvsem: { kind: "jailsys", initial: v("disable") },
  sysvshm: { kind: "jailsys", initial: v("disable") },
  ...Object.fromEntries(
    ALLOWS.map((a) => [`allow.${a}`, { kind: "bool", initial: v(ALLOW_ON.has(`allow.${a}`) ? "true" : "false") }]),
  ),
};

/** jail(8)'s own parameters (usr.sbin/jail/config.c, intparams[]): never passed to the kernel. */
export const INTERNAL_PARAMS = new Set([
  "allow.dying", "command", "depend", "exec.clean", "exec.consolelog", "exec.fib", "exec.jail_user",
  "exec.poststart", "exec.poststop", "exec.prepare", "exec.prestart", "exec.prestop", "exec.release",
  "exec.created", "exec.start", "exec.stop", "exec.system_jail_user", "exec.system_user", "exec.timeout",
  "interface", "ip_hostname", "mount", "mount.devfs", "mount.fdescfs", "mount.procfs", "mount.fstab",
  "stop.timeout", "vnet.interface",
]); // prettier-ignore

/** The kernel parameter a jail.conf name sets, with its boolean value flipped by a "no" prefix. */
export function kernelParam(name: string): { name: string; negated: boolean } | undefined {
  if (KERNEL_PARAMS[name] !== undefined) return { name, negated: false };
  const dot = name.lastIndexOf(".");
  const last = name.slice(dot + 1);
  if (last.startsWith("no")) {
    const plain = name.slice(0, dot + 1) + last.slice(2);
    const kind = KERNEL_PARAMS[plain]?.kind;
    if (kind === "bool" || kind === "jailsys") return { name: plain, negated: true };
  }
  return undefined;
}

/**
 * jailparam_import(): a value as the kernel keeps it, or an error message. Booleans take true/false (a bare
 * name is true), jailsys params new/inherit/disable, ip lists are comma-joined addresses without prefixes.
 */
export function importValue(name: string, values: string[], negated: boolean): string | { error: string } {
  const def = KERNEL_PARAMS[name]!;
  const last = values.at(-1);
  switch (def.kind) {
    case "bool": {
      let on = last === undefined || /^true$/i.test(last) || (/^-?\d+$/.test(last) && Number(last) !== 0);
      if (last !== undefined && !/^(true|false|-?\d+)$/i.test(last))
        return { error: `${name}: invalid boolean value "${last}"` };
      if (negated) on = !on;
      return on ? "true" : "false";
    }
    case "int":
      if (last === undefined || !/^-?\d+$/.test(last))
        return { error: `${name}: invalid integer value "${last ?? ""}"` };
      return String(Number(last));
    case "jailsys":
      // A bare name is "new" (`vnet;`), a negated one "inherit" (libjail, JP_JAILSYS).
      if (last === undefined) return negated ? "inherit" : "new";
      if (!["new", "inherit", "disable"].includes(last)) {
        return { error: `${name}: unknown value "${last}"` };
      }
      return last;
    case "list":
      // "em0|10.0.0.10/24" → 10.0.0.10: the interface and prefix are jail(8)'s, the kernel keeps addresses.
      return values.map((a) => a.replace(/^[^|]*\|/, "").replace(/[/ ].*$/, "")).join(",");
    default:
      return last ?? "";
  }
}

/** A new jail's parameter values, before the ones it was created with. */
export function initialParams(state: HostState): Record<string, string> {
  return Object.fromEntries(Object.entries(KERNEL_PARAMS).map(([name, def]) => [name, def.initial(state)]));
}
