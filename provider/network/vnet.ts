// A jail's place on a bridge (the `vnet` value jail.Jail takes), and the allocator that hands out its address.
//
// Why the allocator derives addresses from names rather than keeping them in state: a derived address is known
// while the program runs, so previews show it and a Nat's port forward can name it before anything exists;
// it needs no resource of its own and no read of the host; and it is the same on every `up` and on every machine
// that runs the program. Each name hashes to a place in the subnet; when that place is taken (the bridge's own
// address, a pinned address, or a name asked for earlier in the program) the allocator walks on to the next free
// one. A name's address therefore changes only if a name that collided with it and came first goes away, and
// then every user of the address (the jail, a port forward) follows it through its Output in the same update.
// Pin an address to rule even that out.
import {
  broadcastOf,
  formatAddress,
  formatCidr,
  isNetworkOrBroadcast,
  networkOf,
  parseAddress,
  parseCidr,
} from "./ipv4";

/** The plain value a jail takes: its epair's b side gets `address` and routes through `gateway`. */
export interface VnetAttachment {
  /** The bridge the host side of the epair joins, e.g. bridge0. */
  bridge: string;
  /** The jail's address with the bridge's prefix length, e.g. 10.0.0.87/24. */
  address: string;
  /** The default route inside the jail: usually the bridge's own address. */
  gateway?: string;
  /** A fixed MAC for the jail's side, e.g. 58:9c:fc:00:00:01. */
  mac?: string;
}

/** FNV-1a, 32 bits: small, stable across Node versions and platforms, and spreads short names well. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export class AddressAllocator {
  private readonly network: number;
  private readonly hosts: number;
  private readonly prefix: number;
  /** Taken addresses, and who took them (for messages). */
  private readonly taken = new Map<number, string>();
  private readonly byName = new Map<string, string>();

  /**
   * @param bridgeAddress the bridge's own address with its prefix, e.g. 10.0.0.1/24: it fixes the subnet and
   *   is never handed out.
   * @param reserved further addresses (without prefix) that are not to be handed out, e.g. other hosts.
   */
  constructor(bridgeAddress: string, reserved: string[] = []) {
    const cidr = parseCidr(bridgeAddress);
    if (cidr === undefined)
      throw new Error(`"${bridgeAddress}" is not an IPv4 address with a prefix, e.g. 10.0.0.1/24`);
    if (cidr.prefix > 30) throw new Error(`${bridgeAddress}: a /${cidr.prefix} has no room for jails`);
    this.prefix = cidr.prefix;
    this.network = networkOf(cidr);
    this.hosts = broadcastOf(cidr) - this.network - 1;
    this.taken.set(cidr.address, "the bridge");
    for (const r of reserved) {
      const a = parseAddress(r);
      if (a === undefined) throw new Error(`reserved address "${r}" is not an IPv4 address`);
      this.taken.set(a, "a reserved address");
    }
  }

  /** The subnet's prefix length, e.g. 24. */
  get prefixLength(): number {
    return this.prefix;
  }

  /** The address for `name`: the same for the same name, different from every other handed out here. */
  allocate(name: string): string {
    const already = this.byName.get(name);
    if (already !== undefined) return already;
    const start = fnv1a(name) % this.hosts;
    for (let step = 0; step < this.hosts; step++) {
      const candidate = this.network + 1 + ((start + step) % this.hosts);
      if (!this.taken.has(candidate)) return this.record(name, candidate);
    }
    throw new Error(
      `no free address left in ${formatCidr({ address: this.network, prefix: this.prefix })} for ${name}`,
    );
  }

  /** Registers an address chosen by hand, so nothing else gets it; throws if it is taken or outside the subnet. */
  pin(name: string, cidr: string): string {
    const c = parseCidr(cidr);
    const subnet = formatCidr({ address: this.network, prefix: this.prefix });
    if (c === undefined) throw new Error(`${name}: "${cidr}" is not an IPv4 address with a prefix, e.g. 10.0.0.10/24`);
    if (c.prefix !== this.prefix || networkOf(c) !== this.network || isNetworkOrBroadcast(c)) {
      throw new Error(`${name}: ${cidr} is outside ${subnet}, the bridge's subnet`);
    }
    const owner = this.taken.get(c.address);
    if (owner !== undefined && owner !== name)
      throw new Error(`${name}: ${formatAddress(c.address)} is already ${owner}`);
    const previous = this.byName.get(name);
    if (previous !== undefined && previous !== formatCidr(c)) throw new Error(`${name} already has ${previous}`);
    return this.record(name, c.address);
  }

  private record(name: string, address: number): string {
    const text = formatCidr({ address, prefix: this.prefix });
    this.taken.set(address, `the address of ${name}`);
    this.byName.set(name, text);
    return text;
  }
}
