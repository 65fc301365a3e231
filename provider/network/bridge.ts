// network:Bridge — an if_bridge(4) interface with host-side addresses and uplink members, persisted in rc.conf(5)
// (cloned_interfaces, ifconfig_NAME, ifconfig_NAME_aliases) so that it comes back after a reboot.
// Id: host/bridgeN. The interface's description (ifconfig descr) marks it ours; only our rc.conf variables
// are written, through sysrc(8), which edits them in place and leaves every other line alone.
import { PartialCreateError, type DiffResult, type ResourceKind } from "../resource";
import { hostFor, type Host } from "../ssh/host";
import { shellChain } from "../ssh/quote";
import {
  ifconfigAddAlias,
  ifconfigCreate,
  ifconfigDeleteMember,
  ifconfigDestroy,
  ifconfigRemoveAlias,
  ifconfigSet,
  sysrcAddWord,
  sysrcDelete,
  sysrcRemoveWord,
  sysrcSet,
} from "./commands";
import { objectId, otherHost } from "./host";
import { readNetwork, sharedNetwork, type HostNetwork } from "./inventory";
import { formatCidr, overlaps, parseCidr, subnetOf } from "./ipv4";
import { bridgeRcConf, ownerDescription, type BridgeConfig } from "./render";
import { checkBridge, type BridgeInputs } from "./schema";
import type { IfconfigWord, ShownInterface } from "./spec";

export interface BridgeRcConf {
  /** The bridge is listed in cloned_interfaces. */
  cloned: boolean;
  /** ifconfig_NAME and ifconfig_NAME_aliases as rc.conf has them; null when unset. */
  ifconfig: string | null;
  aliases: string | null;
}

export interface BridgeOutputs extends Omit<BridgeInputs, "name"> {
  schemaVersion: number;
  name: string;
  /** The subnets of `addresses` (10.0.0.0/24), for a Nat or a vnet allocator to use. */
  subnets: string[];
  /** The MTU the interface has (the first member's unless `mtu` is set). */
  actualMtu: number;
  /** The interface's description as read: our ownership marker while the bridge is ours. */
  description: string | null;
  rcConf: BridgeRcConf;
}

const CLONED = "cloned_interfaces";

function config(inputs: BridgeInputs, name: string): BridgeConfig {
  return {
    name,
    addresses: inputs.addresses,
    members: inputs.members,
    mtu: inputs.mtu,
    description: ownerDescription(inputs.owner),
  };
}

function rcConfOf(network: HostNetwork, name: string): BridgeRcConf {
  const cloned = (network.rcConf.get(CLONED) ?? "").split(/\s+/).includes(name);
  return {
    cloned,
    ifconfig: network.rcConf.get(`ifconfig_${name}`) ?? null,
    aliases: network.rcConf.get(`ifconfig_${name}_aliases`) ?? null,
  };
}

function subnets(addresses: string[]): string[] {
  return addresses.map((a) => formatCidr(subnetOf(parseCidr(a)!)));
}

/** What the host has, seen through what we manage: our addresses and members that are still there. */
function observe(network: HostNetwork, name: string, managed: BridgeInputs): Omit<BridgeOutputs, "schemaVersion"> {
  const iface = network.interfaces.get(name);
  const addresses = managed.addresses.filter((a) => iface?.inet.includes(a) ?? false);
  return {
    ...managed,
    name,
    addresses,
    members: managed.members.filter((m) => iface?.members.includes(m) ?? false),
    subnets: subnets(addresses),
    actualMtu: iface?.mtu ?? 0,
    description: iface?.description ?? null,
    rcConf: rcConfOf(network, name),
  };
}

/** Refuses a bridge, or rc.conf lines, that exist without our marker, unless the user adopts them. */
function ownershipProblem(network: HostNetwork, name: string, inputs: BridgeInputs, host: Host): string | undefined {
  if (inputs.adopt) return undefined;
  const marker = ownerDescription(inputs.owner);
  const iface = network.interfaces.get(name);
  if (iface !== undefined && iface.description !== marker) {
    return `${name} already exists on ${host.name} and was not made by this resource (its description is ${JSON.stringify(iface.description ?? "")}); set adopt: true to manage it`; // prettier-ignore
  }
  const line = network.rcConf.get(`ifconfig_${name}`);
  if (line !== undefined && !line.split(/\s+/).includes(marker)) {
    return `rc.conf already sets ifconfig_${name}="${line}" on ${host.name}; set adopt: true to replace it with this bridge's settings`; // prettier-ignore
  }
  return undefined;
}

/** Host facts that would make the commands fail: missing members, members of another bridge, clashing subnets. */
function hostProblems(network: HostNetwork, name: string, inputs: BridgeInputs): string[] {
  const problems: string[] = [];
  const names = [...network.interfaces.keys()];
  for (const m of inputs.members) {
    const iface = network.interfaces.get(m);
    if (iface === undefined) problems.push(`member ${m} does not exist (interfaces: ${names.join(" ")})`);
    const holder = [...network.interfaces.values()].find((i) => i.name !== name && i.members.includes(m));
    if (holder !== undefined) problems.push(`member ${m} is already a member of ${holder.name}`);
  }
  for (const a of inputs.addresses) {
    const mine = parseCidr(a)!;
    for (const other of network.interfaces.values()) {
      if (other.name === name) continue;
      const clash = other.inet.find((x) => overlaps(parseCidr(x)!, mine));
      if (clash !== undefined) problems.push(`${a} overlaps ${clash} on ${other.name}`);
    }
  }
  return problems;
}

/**
 * The commands that take the interface from `current` to `desired`. `managed` is what we configured before:
 * only those members and addresses are removed when no longer wanted.
 */
export function planInterface(
  current: ShownInterface | undefined,
  desired: BridgeConfig,
  managed: { addresses: string[]; members: string[] },
): string[][] {
  const name = desired.name;
  const commands: string[][] = [];
  if (current === undefined) commands.push(ifconfigCreate(name));
  const members = current?.members ?? [];
  const inet = current?.inet ?? [];
  for (const m of managed.members) {
    if (!desired.members.includes(m) && members.includes(m)) commands.push(ifconfigDeleteMember(name, m));
  }
  const wantedAddresses = new Set(desired.addresses);
  for (const a of inet) {
    // An address we set that is no longer wanted, or one of ours present with another prefix length.
    const address = a.split("/")[0]!;
    const stale = managed.addresses.some((m) => m.split("/")[0] === address) || desired.addresses.some((d) => d.split("/")[0] === address); // prettier-ignore
    if (stale && !wantedAddresses.has(a)) commands.push(ifconfigRemoveAlias(name, address));
  }
  const words: IfconfigWord[] = [];
  for (const m of desired.members) if (!members.includes(m)) words.push({ kind: "addm", member: m });
  if (desired.mtu !== undefined && current?.mtu !== desired.mtu) words.push({ kind: "mtu", mtu: desired.mtu });
  if (current?.description !== desired.description) words.push({ kind: "descr", text: desired.description });
  if (!(current?.flags.includes("UP") ?? false)) words.push({ kind: "up" });
  if (words.length > 0) commands.push(ifconfigSet(name, words));
  for (const a of desired.addresses) if (!inet.includes(a)) commands.push(ifconfigAddAlias(name, a));
  return commands;
}

/** The sysrc commands that make rc.conf create and configure the bridge at boot, touching only its variables. */
export function planRcConf(current: BridgeRcConf, desired: BridgeConfig): string[][] {
  const commands: string[][] = [];
  if (!current.cloned) commands.push(sysrcAddWord(CLONED, desired.name));
  const values = bridgeRcConf(desired);
  const set: Record<string, string> = {};
  const unset: string[] = [];
  const have: Record<string, string | null> = {
    [`ifconfig_${desired.name}`]: current.ifconfig,
    [`ifconfig_${desired.name}_aliases`]: current.aliases,
  };
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined && have[k] !== null) unset.push(k);
    else if (v !== undefined && have[k] !== v) set[k] = v;
  }
  if (Object.keys(set).length > 0) commands.push(sysrcSet(set));
  if (unset.length > 0) commands.push(sysrcDelete(unset));
  return commands;
}

/** Runs commands in one round trip, stopping at the first failure (each quoted by shellJoin). */
async function runAll(host: Host, commands: string[][]): Promise<void> {
  if (commands.length === 0) return;
  await host.script(shellChain(commands));
}

async function converge(host: Host, name: string, inputs: BridgeInputs, managed: BridgeInputs) {
  const network = await readNetwork(host);
  const desired = config(inputs, name);
  const commands = [
    ...planInterface(network.interfaces.get(name), desired, managed),
    ...planRcConf(rcConfOf(network, name), desired),
  ];
  await runAll(host, commands);
  return observe(await readNetwork(host), name, inputs);
}

export const bridgeKind: ResourceKind<BridgeInputs, BridgeOutputs> = {
  schemaVersion: 1,

  async check(_olds, news) {
    return checkBridge(news);
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces: string[] = [];
    if (news.name !== undefined && news.name !== olds.name) replaces.push("name");
    if (otherHost(olds.connection, news.connection)) replaces.push("connection");
    const desired = config(news, olds.name);
    const rc = bridgeRcConf(desired);
    const changes =
      replaces.length > 0 ||
      JSON.stringify(news.addresses) !== JSON.stringify(olds.addresses) ||
      [...news.members].sort().join(" ") !== [...olds.members].sort().join(" ") ||
      (news.mtu !== undefined && news.mtu !== olds.actualMtu) ||
      olds.description !== desired.description ||
      !olds.rcConf.cloned ||
      olds.rcConf.ifconfig !== rc[`ifconfig_${olds.name}`] ||
      (olds.rcConf.aliases ?? undefined) !== rc[`ifconfig_${olds.name}_aliases`];
    // A member can be on one bridge only: the old bridge must let go before its replacement takes it.
    return { changes, replaces, deleteBeforeReplace: true };
  },

  async create(inputs) {
    const host = hostFor(inputs.connection);
    const network = await readNetwork(host);
    if (inputs.name !== undefined) {
      const problem = ownershipProblem(network, inputs.name, inputs, host);
      if (problem !== undefined) throw new Error(problem);
    }
    const problems = hostProblems(network, inputs.name ?? "", inputs);
    if (problems.length > 0) throw new Error(`cannot make the bridge on ${host.name}: ${problems.join("; ")}`);

    let name = inputs.name;
    if (name === undefined) {
      // `ifconfig bridge create` prints the unit the kernel picked.
      const made = await host.exec(ifconfigCreate(undefined));
      name = made.stdout.trim();
      if (!/^bridge\d+$/.test(name)) throw new Error(`ifconfig bridge create printed ${JSON.stringify(made.stdout)}`);
    }
    const id = objectId(inputs.connection, name);
    const none: BridgeInputs = { ...inputs, addresses: [], members: [] };
    try {
      const outs = await converge(host, name, inputs, inputs.adopt ? none : inputs);
      return { id, outs: { ...outs, schemaVersion: bridgeKind.schemaVersion } };
    } catch (err) {
      // The interface may exist by now: record it, so the next update finishes the job and destroy finds it.
      const partial = { ...inputs, name, subnets: subnets(inputs.addresses), actualMtu: 0, description: null };
      throw new PartialCreateError(
        `${name} on ${host.name} was created but not fully configured: ${(err as Error).message}`,
        id,
        {
          ...partial,
          rcConf: { cloned: false, ifconfig: null, aliases: null },
          schemaVersion: bridgeKind.schemaVersion,
        },
      );
    }
  },

  async read(id, props) {
    const host = hostFor(props.connection);
    const network = await sharedNetwork(host);
    const rc = rcConfOf(network, props.name);
    if (!network.interfaces.has(props.name) && rc.ifconfig === null && !rc.cloned) return undefined;
    return { id, props: { ...observe(network, props.name, props), schemaVersion: props.schemaVersion } };
  },

  async update(_id, olds, news) {
    const host = hostFor(news.connection);
    const outs = await converge(host, olds.name, news, olds);
    return { ...outs, schemaVersion: bridgeKind.schemaVersion };
  },

  async delete(_id, props) {
    const host = hostFor(props.connection);
    const network = await readNetwork(host);
    const marker = ownerDescription(props.owner);
    const iface = network.interfaces.get(props.name);
    const rc = rcConfOf(network, props.name);
    const commands: string[][] = [];
    const ifaceOurs = iface !== undefined && iface.description === marker;
    const rcOurs = rc.ifconfig !== null && rc.ifconfig.split(/\s+/).includes(marker);
    // Someone else's interface or rc.conf line by the same name is left alone.
    if (ifaceOurs) commands.push(ifconfigDestroy(props.name));
    if (rcOurs) {
      commands.push(sysrcDelete([`ifconfig_${props.name}`, ...(rc.aliases === null ? [] : [`ifconfig_${props.name}_aliases`])])); // prettier-ignore
    }
    if ((ifaceOurs || rcOurs) && rc.cloned) {
      // The last word out takes the variable with it, so rc.conf is left as it was before the bridge.
      const words = (network.rcConf.get(CLONED) ?? "").split(/\s+/).filter((w) => w !== "");
      commands.push(words.length === 1 ? sysrcDelete([CLONED]) : sysrcRemoveWord(CLONED, props.name));
    }
    await runAll(host, commands);
  },
};
