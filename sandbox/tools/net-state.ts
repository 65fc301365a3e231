// The network interfaces and default routes of a simulated host, kept in the host state under `net`, shared by
// ifconfig(8), route(8) and jail(8) (which moves vnet.interface into a jail with `ifconfig IF vnet JAIL`).
//
// A fresh host has em0, its uplink, on a documentation address (RFC 5737) with a default route, and lo0; the
// kernel numbers interfaces as it attaches them, em0 first at boot. An interface moved into a vnet jail is
// seen only from inside that jail; a jail that is gone (no longer in the jails state) hands its interfaces
// back, as the kernel does when a vnet is destroyed.
import { createHash } from "node:crypto";
import type { HostState } from "../state";
import { systemFacts } from "./facts";

export interface SimAddress {
  address: string;
  prefix: number;
}

export interface SimInterface {
  name: string;
  /** if_index, as the kernel hands them out: never reused while the host runs (UNCONFIRMED detail). */
  index: number;
  kind: "ether" | "loop" | "bridge" | "epair";
  /** The cloner and unit that made it: the unit stays taken when the interface is renamed. */
  clone?: { cloner: string; unit: number };
  up: boolean;
  mtu: number;
  ether?: string;
  description?: string;
  inet: SimAddress[];
  /** Fixed inet6 lines (lo0's); IPv6 is not simulated otherwise. */
  inet6: string[];
  groups: string[];
  /** Bridge members, in the order they were added. */
  members: string[];
  /** Promiscuous mode references (bridge membership takes one). */
  promisc: number;
  /** The other end of an epair. */
  peer?: string;
  /** The vnet jail the interface was moved to. */
  vnet?: string;
}

export interface NetState {
  interfaces: SimInterface[];
  nextIndex: number;
  /** Default routes by vnet: "" is the host, otherwise a jail's name. */
  defaults: Record<string, string>;
  /** Each vnet jail's own lo0 (down until the jail brings it up). */
  loopbacks: Record<string, SimInterface>;
}

/** The simulated uplink: RFC 5737 TEST-NET-1, so it never collides with a real network. */
export const UPLINK = { name: "em0", address: "192.0.2.10", prefix: 24, gateway: "192.0.2.1" };

function loopback(index: number, inet: boolean): SimInterface {
  return {
    name: "lo0",
    index,
    kind: "loop",
    clone: { cloner: "lo", unit: 0 },
    up: inet,
    mtu: 16384,
    inet: inet ? [{ address: "127.0.0.1", prefix: 8 }] : [],
    inet6: inet ? ["inet6 ::1 prefixlen 128", `inet6 fe80::1%lo0 prefixlen 64 scopeid 0x${index.toString(16)}`] : [],
    groups: ["lo"],
    members: [],
    promisc: 0,
  };
}

export function initialNet(state: HostState): NetState {
  const em0: SimInterface = {
    name: UPLINK.name,
    index: 1,
    kind: "ether",
    up: true,
    mtu: 1500,
    ether: macFor(state, "em0", "52:54:00"),
    inet: [{ address: UPLINK.address, prefix: UPLINK.prefix }],
    inet6: [],
    groups: [],
    members: [],
    promisc: 0,
  };
  return { interfaces: [em0, loopback(2, true)], nextIndex: 3, defaults: { "": UPLINK.gateway }, loopbacks: {} };
}

export function netState(state: HostState): NetState {
  return (state.net as NetState | undefined) ?? initialNet(state);
}

/** A stable MAC per host and interface: `prefix` and three bytes of a hash of the hostname and a seed. */
export function macFor(state: HostState, seed: string, prefix: string, last?: string): string {
  const h = createHash("sha256")
    .update(`${systemFacts(state).hostname}/${seed}`)
    .digest();
  const bytes = [...h.subarray(0, prefix === "02" ? 4 : 3)].map((b) => b.toString(16).padStart(2, "0"));
  return [prefix, ...bytes, ...(last === undefined ? [] : [last])].join(":");
}

/** True when `jail` names a jail of the host (the jail tools keep them under `jails`). */
export function jailExists(state: HostState, jail: string): boolean {
  const jails = (state.jails as { jails?: Array<{ name?: string; jid?: number }> } | undefined)?.jails ?? [];
  return jails.some((j) => j.name === jail || String(j.jid) === jail);
}

/** The vnet an interface is in now: its jail's, while that jail exists; the host's ("") otherwise. */
export function vnetOf(state: HostState, iface: SimInterface): string {
  return iface.vnet !== undefined && jailExists(state, iface.vnet) ? iface.vnet : "";
}

/** The interfaces seen from a vnet ("" for the host), in index order; a jail's lo0 first. */
export function visible(state: HostState, net: NetState, vnet: string): SimInterface[] {
  const own = net.interfaces.filter((i) => vnetOf(state, i) === vnet);
  if (vnet === "") return own;
  const lo = net.loopbacks[vnet];
  return lo === undefined ? own : [lo, ...own];
}

export function findVisible(state: HostState, net: NetState, vnet: string, name: string): SimInterface | undefined {
  return visible(state, net, vnet).find((i) => i.name === name);
}

/** The vnet a simulated tool runs in: the jail named by PF_SANDBOX_JAIL when it has a vnet of its own. */
export function currentVnet(state: HostState, jail: string | undefined): string {
  if (jail === undefined || jail === "") return "";
  const net = netState(state);
  return net.loopbacks[jail] !== undefined && jailExists(state, jail) ? jail : "";
}

/** Moves an interface into a jail's vnet, giving the vnet its own lo0 the first time. */
export function moveToVnet(net: NetState, iface: SimInterface, jail: string): void {
  iface.vnet = jail;
  net.loopbacks[jail] ??= loopback(1, false);
  // Leaving the host's stack detaches it from any bridge there.
  for (const b of net.interfaces) {
    if (b.kind === "bridge" && b.members.includes(iface.name)) detachMember(net, b, iface);
  }
}

export function detachMember(_net: NetState, bridge: SimInterface, member: SimInterface): void {
  bridge.members = bridge.members.filter((m) => m !== member.name);
  member.promisc = Math.max(0, member.promisc - 1);
}

/** The lowest unit of `cloner` not taken by an interface that still exists (alloc_unr(9) in the cloner). */
export function freeUnit(net: NetState, cloner: string): number {
  const taken = new Set(net.interfaces.filter((i) => i.clone?.cloner === cloner).map((i) => i.clone!.unit));
  let unit = 0;
  while (taken.has(unit)) unit++;
  return unit;
}

export function unitTaken(net: NetState, cloner: string, unit: number): boolean {
  return net.interfaces.some((i) => i.clone?.cloner === cloner && i.clone.unit === unit);
}
