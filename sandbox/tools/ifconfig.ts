// ifconfig(8) of FreeBSD 14 (sbin/ifconfig in freebsd-src) for what VNET networking uses: the listing
// (`ifconfig`, `-a`, `-l`, `-g GROUP`, `-u`, `-d`), `ifconfig NAME`, cloning (`create`, `destroy`; bridge and
// epair, loading if_bridge/if_epair as ifmaybeload() does), `name`, `addm`/`deletem` (ifbridge.c), addresses
// (`inet ADDR[/LEN] [alias|-alias|delete]`, `netmask`), `up`/`down`, `mtu`, `descr`/`-descr`, `ether`, and
// `vnet`/`-vnet`. Messages are the err()/errx() strings of the source, prefixed "ifconfig: ".
import type { HostState } from "../state";
import type { Tool } from "./context";
import { getopt, has, last } from "./getopt";
import { formatInterface } from "./ifconfig-format";
import { findModule, kldload as loadModule, kldState } from "./kld";
import {
  currentVnet,
  detachMember,
  findVisible,
  freeUnit,
  jailExists,
  macFor,
  moveToVnet,
  netState,
  unitTaken,
  visible,
  type NetState,
  type SimInterface,
} from "./net-state";

const USAGE =
  "usage: ifconfig [-j jail] [-f type:format] interface address_family\n" +
  "                [address [dest_address]] [parameters]\n" +
  "       ifconfig [-j jail] interface create\n" +
  "       ifconfig [-j jail] -a [-dklmuv] [-f type:format] [-G groupname]\n" +
  "                [-g groupname] [address_family]\n" +
  "       ifconfig -C\n" +
  "       ifconfig -g groupname\n" +
  "       ifconfig [-j jail] -l [-du] [-g groupname] [address_family]\n" +
  "       ifconfig [-j jail] [-dkmuv] [-f type:format]\n";

/** An err()/errx() exit: the message goes to stderr and ifconfig exits 1. */
class Fail extends Error {}

const CLONER = /^(bridge|epair)(\d*)$/;

export const ifconfig: Tool = (ctx) => {
  const parsed = getopt("ifconfig", ctx.args, "aCdf:g:G:j:klmnuv");
  if (parsed.error !== undefined) {
    ctx.err(parsed.error + USAGE);
    return 1;
  }
  const vnetOf = (state: HostState) => currentVnet(state, ctx.env?.("PF_SANDBOX_JAIL"));
  const all = has(parsed, "a");
  const namesOnly = has(parsed, "l");
  const group = last(parsed, "g");
  const [first, ...rest] = parsed.operands;

  if (namesOnly || all || first === undefined || first === "inet" || first === "ether") {
    const state = ctx.state.read();
    const net = netState(state);
    let list = visible(state, net, vnetOf(state));
    if (has(parsed, "u")) list = list.filter((i) => i.up);
    if (has(parsed, "d")) list = list.filter((i) => !i.up);
    if (group !== undefined) list = list.filter((i) => i.groups.includes(group));
    if (first === "inet") list = list.filter((i) => i.inet.length > 0);
    if (namesOnly) {
      ctx.out(`${list.map((i) => i.name).join(" ")}\n`);
      return 0;
    }
    // `ifconfig -g GROUP` alone prints the group's members, one a line; an unknown group prints nothing.
    if (group !== undefined && !all && first === undefined) {
      for (const i of list) ctx.out(`${i.name}\n`);
      return 0;
    }
    const lookup = (n: string) => findVisible(state, net, vnetOf(state), n);
    for (const i of list) ctx.out(formatInterface(i, lookup));
    return 0;
  }

  if (rest.length === 0) {
    const state = ctx.state.read();
    const net = netState(state);
    const vnet = vnetOf(state);
    const iface = findVisible(state, net, vnet, first);
    if (iface === undefined) {
      ctx.err(`ifconfig: interface ${first} does not exist\n`);
      return 1;
    }
    ctx.out(formatInterface(iface, (n) => findVisible(state, net, vnet, n)));
    return 0;
  }

  const printed: string[] = [];
  try {
    ctx.state.update((state) => {
      const net = netState(state);
      state.net = net;
      configure(state, net, vnetOf(state), first, rest, printed);
    });
  } catch (err) {
    if (!(err instanceof Fail)) throw err;
    ctx.err(`ifconfig: ${err.message}\n`);
    return 1;
  }
  for (const line of printed) ctx.out(`${line}\n`);
  return 0;
};

function configure(
  state: HostState,
  net: NetState,
  vnet: string,
  name: string,
  args: string[],
  printed: string[],
): void {
  let iface = findVisible(state, net, vnet, name);
  let words = args;
  let printName = false;
  if (iface === undefined) {
    if (words[0] === "create" || words[0] === "plumb") {
      iface = create(state, net, vnet, name);
      printName = iface.name !== name;
      words = words.slice(1);
    } else if (words[0] === "-vnet") {
      // -vnet reaches into the jail: the interface is not in this vnet (the special case in main()).
      reclaim(state, net, name, words[1]);
      return;
    } else {
      throw new Fail(`interface ${name} does not exist`);
    }
  }

  // Addresses are applied after every other word, as ifconfig() defers SIOCAIFADDR/SIOCDIFADDR.
  let address: { address: string; prefix?: number } | undefined;
  let mode: "set" | "alias" | "remove" = "set";
  let destroyed = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const arg = () => {
      const v = words[++i];
      if (v === undefined) throw new Fail(`'${word}' requires argument`);
      return v;
    };
    switch (word) {
      case "inet":
        break;
      case "create":
      case "plumb":
        // cmd_lookup() finds create only while cloning; here it is taken for an address (in_getaddr()).
        throw new Fail(`${word}: bad value`);
      case "destroy":
      case "unplumb":
        destroy(net, iface);
        destroyed = true;
        break;
      case "name": {
        const next = arg();
        rename(state, net, vnet, iface, next);
        printName = true;
        break;
      }
      case "up":
        iface.up = true;
        break;
      case "down":
        iface.up = false;
        break;
      case "mtu":
        setMtu(net, iface, arg());
        break;
      case "descr":
      case "description": {
        const text = arg();
        if (text === "") delete iface.description;
        else iface.description = text;
        break;
      }
      case "-descr":
      case "-description":
        delete iface.description;
        break;
      case "ether":
      case "lladdr":
      case "link": {
        const mac = arg();
        if (!/^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i.test(mac)) throw new Fail("malformed link-level address");
        iface.ether = mac.toLowerCase();
        break;
      }
      case "addm":
        addMember(state, net, vnet, iface, arg());
        break;
      case "deletem": {
        const m = arg();
        const member = findVisible(state, net, vnet, m);
        if (iface.kind !== "bridge" || member === undefined || !iface.members.includes(m)) {
          throw new Fail(`BRDGDEL ${m}: ${iface.kind === "bridge" ? "No such file or directory" : "Invalid argument"}`);
        }
        detachMember(net, iface, member);
        break;
      }
      case "vnet": {
        const jail = arg();
        if (!jailExists(state, jail)) throw new Fail(`jail "${jail}" not found`);
        moveToVnet(net, iface, jail);
        break;
      }
      case "-vnet":
        reclaim(state, net, iface.name, arg());
        break;
      case "alias":
      case "add":
        mode = "alias";
        break;
      case "-alias":
      case "delete":
        mode = "remove";
        break;
      case "netmask": {
        const m = arg();
        const prefix = netmaskPrefix(m);
        if (prefix === undefined) throw new Fail(`${m}: bad value`);
        address = { address: address?.address ?? "", prefix };
        break;
      }
      case "broadcast":
        arg();
        break;
      default: {
        const a = parseAddressWord(word);
        if (a === undefined) throw new Fail(`${word}: bad value`);
        address = { address: a.address, prefix: a.prefix ?? address?.prefix };
      }
    }
    if (destroyed) break;
  }
  if (address !== undefined && !destroyed) applyAddress(state, net, vnet, iface, address, mode);
  if (printName) printed.push(iface.name);
}

function create(state: HostState, net: NetState, vnet: string, name: string): SimInterface {
  const m = CLONER.exec(name);
  if (m === null) throw new Fail(`SIOCIFCREATE2 (${name}): Invalid argument`);
  const cloner = m[1]!;
  // ifmaybeload(): the cloner's module is loaded on first use.
  const k = structuredClone(kldState(state));
  if (findModule(k, `if_${cloner}`) === undefined) {
    loadModule(k, `if_${cloner}`);
    state.kld = k;
  }
  const unit = m[2] === "" ? freeUnit(net, cloner) : Number(m[2]);
  if (unitTaken(net, cloner, unit)) throw new Fail(`SIOCIFCREATE2 (${name}): File exists`);
  const base = {
    up: false,
    mtu: 1500,
    inet: [],
    inet6: [],
    groups: [cloner],
    members: [],
    promisc: 0,
    clone: { cloner, unit },
  };
  if (vnet !== "" && cloner !== "epair") throw new Fail(`SIOCIFCREATE2 (${name}): Invalid argument`);
  if (cloner === "bridge") {
    // ether_gen_addr(): FreeBSD's OUI 58:9c:fc and a hash of the host and the name.
    const bridge: SimInterface = {
      ...base,
      name: `bridge${unit}`,
      index: net.nextIndex++,
      kind: "bridge",
      ether: macFor(state, `bridge${unit}`, "58:9c:fc"),
    };
    net.interfaces.push(bridge);
    return bridge;
  }
  // if_epair.c: two interfaces, "a" then "b", locally administered MACs ending 0a and 0b.
  const a: SimInterface = {
    ...base,
    name: `epair${unit}a`,
    index: net.nextIndex++,
    kind: "epair",
    peer: `epair${unit}b`,
  };
  const b: SimInterface = { ...structuredClone(base), name: `epair${unit}b`, index: net.nextIndex++, kind: "epair", peer: a.name }; // prettier-ignore
  a.ether = macFor(state, `epair${unit}/${a.index}`, "02", "0a");
  b.ether = macFor(state, `epair${unit}/${a.index}`, "02", "0b");
  if (vnet !== "") {
    a.vnet = vnet;
    b.vnet = vnet;
  }
  net.interfaces.push(a, b);
  return a;
}

function destroy(net: NetState, iface: SimInterface): void {
  if (iface.clone === undefined || iface.kind === "loop") throw new Fail("SIOCIFDESTROY: Invalid argument");
  const gone = new Set([iface.name]);
  if (iface.peer !== undefined) gone.add(iface.peer);
  for (const b of net.interfaces) {
    if (b.kind !== "bridge") continue;
    for (const m of b.members.filter((x) => gone.has(x))) b.members = b.members.filter((x) => x !== m);
  }
  if (iface.kind === "bridge") {
    for (const m of iface.members) {
      const member = net.interfaces.find((i) => i.name === m);
      if (member !== undefined) member.promisc = Math.max(0, member.promisc - 1);
    }
  }
  net.interfaces = net.interfaces.filter((i) => !gone.has(i.name));
}

function rename(state: HostState, net: NetState, vnet: string, iface: SimInterface, next: string): void {
  if (next.length > 15) throw new Fail("ioctl SIOCSIFNAME (set name): Invalid argument");
  if (findVisible(state, net, vnet, next) !== undefined) throw new Fail("ioctl SIOCSIFNAME (set name): File exists");
  const old = iface.name;
  for (const i of net.interfaces) {
    if (i.peer === old) i.peer = next;
    i.members = i.members.map((m) => (m === old ? next : m));
  }
  iface.name = next;
}

function setMtu(net: NetState, iface: SimInterface, text: string): void {
  const mtu = Number(text);
  if (!/^\d+$/.test(text) || mtu < 68 || mtu > 65535) throw new Fail("ioctl SIOCSIFMTU (set mtu): Invalid argument");
  iface.mtu = mtu;
  // bridge_ioctl(SIOCSIFMTU) sets every member's MTU along with the bridge's.
  if (iface.kind === "bridge") {
    for (const m of iface.members) {
      const member = net.interfaces.find((i) => i.name === m);
      if (member !== undefined) member.mtu = mtu;
    }
  }
}

function addMember(state: HostState, net: NetState, vnet: string, bridge: SimInterface, name: string): void {
  const member = findVisible(state, net, vnet, name);
  if (bridge.kind !== "bridge") throw new Fail(`BRDGADD ${name}: Invalid argument`);
  if (member === undefined) throw new Fail(`BRDGADD ${name}: No such file or directory`);
  if (member === bridge || member.kind === "loop") throw new Fail(`BRDGADD ${name}: Invalid argument`);
  if (net.interfaces.some((b) => b.kind === "bridge" && b.members.includes(name))) {
    throw new Fail(`BRDGADD ${name}: Device busy`);
  }
  // bridge_ioctl_add(): the first member sets the bridge's MTU; later ones are set to it.
  if (bridge.members.length === 0) bridge.mtu = member.mtu;
  else member.mtu = bridge.mtu;
  bridge.members.push(name);
  member.promisc += 1;
}

/** `ifconfig NAME -vnet JAIL`: takes the interface back from the jail's vnet. */
function reclaim(state: HostState, net: NetState, name: string, jail: string | undefined): void {
  if (jail === undefined) throw new Fail("'-vnet' requires argument");
  if (!jailExists(state, jail)) throw new Fail(`jail "${jail}" not found`);
  const iface = net.interfaces.find((i) => i.name === name && i.vnet === jail);
  if (iface === undefined) throw new Fail("SIOCSIFRVNET: No such file or directory");
  delete iface.vnet;
  // The interface comes back with its addresses gone (if_vmove() detaches them).
  iface.inet = [];
  iface.up = false;
}

function netmaskPrefix(text: string): number | undefined {
  const n = text.startsWith("0x") ? Number.parseInt(text.slice(2), 16) : dotted(text);
  if (n === undefined || Number.isNaN(n)) return undefined;
  for (let p = 0; p <= 32; p++) if ((p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0) === n >>> 0) return p;
  return undefined;
}

function dotted(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + p, 0);
}

function parseAddressWord(word: string): { address: string; prefix?: number } | undefined {
  const m = /^([^/]+)(?:\/(\d{1,2}))?$/.exec(word);
  if (m === null || dotted(m[1]!) === undefined) return undefined;
  if (m[2] !== undefined && Number(m[2]) > 32) return undefined;
  return { address: m[1]!, prefix: m[2] === undefined ? undefined : Number(m[2]) };
}

/** The classful mask in_getaddr() falls back on when no prefix or netmask is given. */
function classful(address: string): number {
  const first = dotted(address)! >>> 24;
  return first < 128 ? 8 : first < 192 ? 16 : 24;
}

function sameSubnet(a: string, pa: number, b: string, pb: number): boolean {
  const p = Math.min(pa, pb);
  const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
  return (dotted(a)! & mask) >>> 0 === (dotted(b)! & mask) >>> 0;
}

function applyAddress(
  state: HostState,
  net: NetState,
  vnet: string,
  iface: SimInterface,
  a: { address: string; prefix?: number },
  mode: "set" | "alias" | "remove",
): void {
  if (mode === "remove") {
    const at = iface.inet.findIndex((x) => x.address === a.address);
    if (at < 0) throw new Fail("ioctl (SIOCDIFADDR): Can't assign requested address");
    iface.inet.splice(at, 1);
    return;
  }
  const prefix = a.prefix ?? classful(a.address);
  // Without `alias`, the new address replaces the first one (setifaddr(): clearaddr).
  if (mode === "set" && iface.inet.length > 0) iface.inet.shift();
  const existing = iface.inet.find((x) => x.address === a.address);
  if (existing !== undefined) {
    existing.prefix = prefix;
    return;
  }
  // A second prefix route for the same subnet is refused unless the alias is a host address (/32).
  for (const other of visible(state, net, vnet)) {
    for (const x of other.inet) {
      if (prefix !== 32 && x.prefix !== 32 && sameSubnet(x.address, x.prefix, a.address, prefix)) {
        throw new Fail("ioctl (SIOCAIFADDR): File exists");
      }
    }
  }
  iface.inet.push({ address: a.address, prefix });
  // Setting an address brings the interface up (in_ifinit() via SIOCAIFADDR marks it IFF_UP).
  iface.up = true;
}
