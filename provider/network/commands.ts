// Pure builders: typed arguments → argv arrays for ifconfig(8), sysrc(8), pfctl(8), sysctl(8) and service(8).
// The transport quotes every word; nothing here concatenates input into a command line.
import { ifconfigArgs } from "./render";
import type { IfconfigWord } from "./spec";

/** The plain listing: every interface with its addresses, members and description (ifconfig(8), -a implied). */
export function ifconfigList(): string[] {
  return ["ifconfig"];
}

/** `ifconfig bridge0 create` makes that unit; `ifconfig bridge create` picks the first free one and prints it. */
export function ifconfigCreate(name: string | undefined): string[] {
  return ["ifconfig", name ?? "bridge", "create"];
}

export function ifconfigDestroy(name: string): string[] {
  return ["ifconfig", name, "destroy"];
}

/** Several settings in one invocation, applied left to right. */
export function ifconfigSet(name: string, words: IfconfigWord[]): string[] {
  return ["ifconfig", name, ...ifconfigArgs(words)];
}

/** Adds an address without touching the others (`alias`; without it ifconfig replaces the first address). */
export function ifconfigAddAlias(name: string, cidr: string): string[] {
  return ["ifconfig", name, "inet", cidr, "alias"];
}

export function ifconfigRemoveAlias(name: string, address: string): string[] {
  return ["ifconfig", name, "inet", address, "-alias"];
}

export function ifconfigDeleteMember(bridge: string, member: string): string[] {
  return ["ifconfig", bridge, "deletem", member];
}

export function ifconfigDescription(name: string, text: string): string[] {
  return ["ifconfig", name, "descr", text];
}

/** Every variable the rc.conf files set, "name: value" a line. */
export function sysrcAll(): string[] {
  return ["sysrc", "-a"];
}

/** Sets variables in rc.conf, editing our own lines in place and leaving every other line as it is. */
export function sysrcSet(values: Record<string, string>): string[] {
  return ["sysrc", ...Object.entries(values).map(([k, v]) => `${k}=${v}`)];
}

/** Adds a word to a list variable unless it is there (`+=`, sysrc(8)). */
export function sysrcAddWord(name: string, word: string): string[] {
  return ["sysrc", `${name}+=${word}`];
}

export function sysrcRemoveWord(name: string, word: string): string[] {
  return ["sysrc", `${name}-=${word}`];
}

/** Removes variables from the rc.conf files; the defaults apply again (sysrc -x). */
export function sysrcDelete(names: string[]): string[] {
  return ["sysrc", "-x", ...names];
}

/** Replaces every rule of an anchor with the rules read from standard input, in one transaction. */
export function pfctlLoadAnchor(anchor: string): string[] {
  return ["pfctl", "-a", anchor, "-f", "-"];
}

/** The anchor's nat and rdr rules, ports as numbers (-P) rather than /etc/services names. */
export function pfctlShowNat(anchor: string): string[] {
  return ["pfctl", "-a", anchor, "-P", "-s", "nat"];
}

export function pfctlFlushAnchor(anchor: string): string[] {
  return ["pfctl", "-a", anchor, "-F", "all"];
}

export function pfctlShowAnchors(anchor: string): string[] {
  return ["pfctl", "-a", anchor, "-s", "Anchors"];
}

/** "Enabled" or "Disabled"; exits 0 only while pf runs. */
export function pfctlRunning(): string[] {
  return ["pfctl", "-s", "Running"];
}

/** Parses a ruleset file without loading it (-n) and prints every rule normalised (-v). Works without pf.ko. */
export function pfctlCheckFile(file: string): string[] {
  return ["pfctl", "-n", "-v", "-f", file];
}

export function pfctlDisable(): string[] {
  return ["pfctl", "-d"];
}

export function serviceStart(name: string): string[] {
  return ["service", name, "start"];
}

export function sysctlSet(oid: string, value: string): string[] {
  return ["sysctl", `${oid}=${value}`];
}

export function sysctlGet(oid: string): string[] {
  return ["sysctl", "-n", oid];
}
