// How FreeBSD 14's ifconfig(8) prints one interface (sbin/ifconfig in freebsd-src): status_nl() in
// ifconfig_netlink.c prints the header, the description, options (print_ifcap), the link-level address
// (af_link.c) and the addresses sorted by family (af_inet.c, af_inet6.c); then af_other_status() runs the
// status hooks in the reverse of their registration order, which for these interfaces gives the bridge's
// lines (ifbridge.c), "groups:" (ifgroup.c), "media:"/"status:" (ifmedia.c) and "nd6 options" (af_nd6.c).
import { formatAddress, maskOf, parseAddress, broadcastOf } from "../../provider/network/ipv4";
import type { SimInterface } from "./net-state";

// IFFBITS in ifconfig_netlink.c; LOWER_UP is IFF_NETLINK_1, set while the link is up.
const IFF: Array<[number, string]> = [
  [0x1, "UP"], [0x2, "BROADCAST"], [0x4, "DEBUG"], [0x8, "LOOPBACK"], [0x10, "POINTOPOINT"],
  [0x20, "NEEDSEPOCH"], [0x40, "RUNNING"], [0x80, "NOARP"], [0x100, "PROMISC"], [0x200, "ALLMULTI"],
  [0x400, "DRV_OACTIVE"], [0x800, "SIMPLEX"], [0x1000, "LINK0"], [0x2000, "LINK1"], [0x4000, "LINK2"],
  [0x8000, "MULTICAST"], [0x1000000, "LOWER_UP"],
]; // prettier-ignore

/** printb()/print_bits(): "HEX<NAME,NAME>", or just the hex when no bit is set. */
export function bits(value: number, names: Array<[number, string]>): string {
  const set = names.filter(([bit]) => (value & bit) !== 0).map(([, name]) => name);
  return `${value.toString(16)}${set.length > 0 ? `<${set.join(",")}>` : ""}`;
}

/**
 * Capabilities (sys/net/if.h IFCAP_B_*) as the drivers report them. em0's set is the one a 14.x em(4)/igb
 * shows (UNCONFIRMED for the emulated NIC); lo0's and bridge(4)'s are what those drivers set.
 */
const OPTIONS: Record<SimInterface["kind"], string> = {
  ether:
    "4e504bb<RXCSUM,TXCSUM,VLAN_MTU,VLAN_HWTAGGING,JUMBO_MTU,VLAN_HWCSUM,LRO,VLAN_HWFILTER,VLAN_HWTSO,RXCSUM_IPV6,TXCSUM_IPV6,HWSTATS,MEXTPG>",
  loop: "680003<RXCSUM,TXCSUM,LINKSTATE,RXCSUM_IPV6,TXCSUM_IPV6>",
  bridge: "0",
  epair: "8<VLAN_MTU>",
};

/** ND6 flags (netinet6/nd6.h): new interfaces are IFDISABLED unless rc.conf enables IPv6 on them. */
const ND6: Record<SimInterface["kind"], string> = {
  ether: "29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>",
  loop: "21<PERFORMNUD,AUTO_LINKLOCAL>",
  bridge: "9<PERFORMNUD,IFDISABLED>",
  epair: "29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>",
};

/** ifmedia's words for the media these drivers report: em(4) autoselects 1000baseT; epair(4) is 10Gbase-T. */
const MEDIA: Partial<Record<SimInterface["kind"], { media: string; cost: number }>> = {
  ether: { media: "Ethernet autoselect (1000baseT <full-duplex>)", cost: 20000 },
  epair: { media: "Ethernet 10Gbase-T (10Gbase-T <full-duplex>)", cost: 2000 },
};

/** bridge_linkcheck() in if_bridge.c: a bridge's link is up while one member's link is. */
function linkUp(iface: SimInterface, lookup: (name: string) => SimInterface | undefined): boolean {
  if (iface.kind === "bridge") return iface.members.some((m) => lookup(m) !== undefined);
  return true;
}

export function flagsOf(iface: SimInterface, lookup: (name: string) => SimInterface | undefined): number {
  let f = 0;
  if (iface.up) f |= 0x1 | 0x40; // UP, and the driver's RUNNING once it is initialised
  f |= iface.kind === "loop" ? 0x8 | 0x8000 : 0x2 | 0x800 | 0x8000;
  if (iface.promisc > 0) f |= 0x100;
  if (iface.up && linkUp(iface, lookup)) f |= 0x1000000;
  return f;
}

/** The whole status of one interface, every line ending in a newline. */
export function formatInterface(iface: SimInterface, lookup: (name: string) => SimInterface | undefined): string {
  const lines = [`${iface.name}: flags=${bits(flagsOf(iface, lookup), IFF)} metric 0 mtu ${iface.mtu}`];
  if (iface.description !== undefined) lines.push(`\tdescription: ${iface.description}`);
  lines.push(`\toptions=${OPTIONS[iface.kind]}`);
  if (iface.ether !== undefined) lines.push(`\tether ${iface.ether}`);
  for (const a of iface.inet) {
    const n = parseAddress(a.address)!;
    let line = `\tinet ${a.address} netmask 0x${maskOf(a.prefix).toString(16).padStart(8, "0")}`;
    if (iface.kind !== "loop") line += ` broadcast ${formatAddress(broadcastOf({ address: n, prefix: a.prefix }))}`;
    lines.push(line);
  }
  for (const l of iface.inet6) lines.push(`\t${l}`);
  if (iface.kind === "bridge") {
    // No member runs spanning tree, so the bridge and root ids stay zero (bstp_reinit() in bridgestp.c).
    lines.push(
      "\tid 00:00:00:00:00:00 priority 32768 hellotime 2 fwddelay 15",
      "\tmaxage 20 holdcnt 6 proto rstp maxaddr 2000 timeout 1200",
      "\troot id 00:00:00:00:00:00 priority 32768 ifcost 0 port 0",
    );
    for (const name of iface.members) {
      const m = lookup(name);
      lines.push(`\tmember: ${name} flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>`);
      lines.push(`\t        ifmaxaddr 0 port ${m?.index ?? 0} priority 128 path cost ${MEDIA[m?.kind ?? "ether"]?.cost ?? 20000}`); // prettier-ignore
    }
  }
  if (iface.groups.length > 0) lines.push(`\tgroups: ${iface.groups.join(" ")}`);
  const media = MEDIA[iface.kind];
  if (media !== undefined) lines.push(`\tmedia: ${media.media}`, "\tstatus: active");
  lines.push(`\tnd6 options=${ND6[iface.kind]}`);
  return `${lines.join("\n")}\n`;
}
