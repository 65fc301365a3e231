// Generated text: the rules of our pf anchor (pf.conf(5)) and the rc.conf(5) values that persist a bridge.
// Pure functions over the unions of spec.ts, pinned by golden tests.
import { ANCHOR_HOOKS } from "./parse";
import { unreachable, type IfconfigWord, type PfRule } from "./spec";

/** Every anchor we load lives under this one, so pf.conf needs one set of hooks for all of them. */
export const ANCHOR_ROOT = "pulumi";

export function anchorPath(name: string): string {
  return `${ANCHOR_ROOT}/${name}`;
}

/** One rule in pf.conf(5) syntax. */
export function renderPfRule(rule: PfRule): string {
  switch (rule.kind) {
    case "nat":
      // `(if)` follows the interface's address when DHCP changes it (pf.conf(5), "dynamic addresses").
      return `nat on ${rule.interface} inet from ${rule.subnet} to any -> (${rule.interface})`;
    case "rdr":
      // `pass` lets the redirected connection through without a filter rule of its own (pf.conf(5)).
      return (
        `rdr pass on ${rule.interface} inet proto ${rule.protocol} from any to (${rule.interface}) ` +
        `port ${rule.hostPort} -> ${rule.address} port ${rule.port}`
      );
    default:
      return unreachable(rule);
  }
}

/**
 * The text loaded into the anchor with `pfctl -a pulumi/NAME -f -`. The header names the owner for anyone
 * reading the command log; pf keeps only the rules, so the anchor's path is what marks it ours on the host.
 */
export function renderAnchor(anchor: string, owner: string, rules: PfRule[]): string {
  const header = [
    `# pf anchor "${anchorPath(anchor)}", written by pulumi-freebsd for ${owner}.`,
    `# Loaded with pfctl -a; changes made by hand are replaced on the next update.`,
  ];
  // nat before rdr: the order pf.conf(5) asks for and pfctl -s nat shows.
  const ordered = [...rules.filter((r) => r.kind === "nat"), ...rules.filter((r) => r.kind === "rdr")];
  return `${[...header, ...ordered.map(renderPfRule)].join("\n")}\n`;
}

/** The lines pf.conf needs so pf evaluates every anchor under pulumi/ (pf.conf(5), ANCHORS). */
export function renderAnchorHooks(): string[] {
  return ANCHOR_HOOKS.map((h) => h.line);
}

/** Words as ifconfig(8) takes them, e.g. ["inet", "10.0.0.1/24", "addm", "em0", "up"]. */
export function ifconfigArgs(words: IfconfigWord[]): string[] {
  return words.flatMap((w): string[] => {
    switch (w.kind) {
      case "inet":
        return ["inet", w.cidr];
      case "addm":
        return ["addm", w.member];
      case "mtu":
        return ["mtu", String(w.mtu)];
      case "descr":
        return ["descr", w.text];
      case "up":
        return ["up"];
      default:
        return unreachable(w);
    }
  });
}

/** What a bridge needs persisted; the rc.conf(5) variables follow from it. */
export interface BridgeConfig {
  name: string;
  /** Host-side addresses, 10.0.0.1/24; the first is the interface's, the others aliases. */
  addresses: string[];
  members: string[];
  mtu?: number;
  /** The ownership marker, kept as the interface's description. */
  description: string;
}

/** The words that configure the bridge, in the order rc.d/netif applies them (ifconfig_NAME). */
export function bridgeWords(c: BridgeConfig): IfconfigWord[] {
  const words: IfconfigWord[] = [];
  if (c.addresses[0] !== undefined) words.push({ kind: "inet", cidr: c.addresses[0] });
  for (const member of c.members) words.push({ kind: "addm", member });
  if (c.mtu !== undefined) words.push({ kind: "mtu", mtu: c.mtu });
  words.push({ kind: "descr", text: c.description }, { kind: "up" });
  return words;
}

/**
 * rc.conf(5) values for the bridge: `cloned_interfaces` creates it at boot, `ifconfig_NAME` configures it and
 * `ifconfig_NAME_aliases` adds further addresses (network.subr's ifalias). A value is undefined when the
 * variable should not be set.
 */
export function bridgeRcConf(c: BridgeConfig): Record<string, string | undefined> {
  const aliases = c.addresses.slice(1).flatMap((cidr) => ["inet", cidr]);
  return {
    [`ifconfig_${c.name}`]: ifconfigArgs(bridgeWords(c)).join(" "),
    [`ifconfig_${c.name}_aliases`]: aliases.length === 0 ? undefined : aliases.join(" "),
  };
}

/**
 * The description that marks an interface ours: ifconfig(8) `descr`, shown as "description:" and kept in
 * rc.conf. rc.d/netif splits ifconfig_NAME on blanks and the shell would glob it, so the owner is reduced to
 * characters that are neither.
 */
export function ownerDescription(owner: string): string {
  return `pulumi:${owner.replace(/[^A-Za-z0-9._:/@+-]/g, "_")}`;
}
