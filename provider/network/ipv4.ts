// IPv4 addresses and prefixes as numbers: the arithmetic behind subnet checks, the address allocator and the
// parsers. Pure; no host involved.

/** An address with its prefix length, as ifconfig(8) takes it: 10.0.0.1/24. */
export interface Cidr {
  /** The address as an unsigned 32-bit number. */
  address: number;
  prefix: number;
}

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** 10.0.0.1 → its number, or undefined when the text is not a dotted quad (no leading zeros, as inet_pton). */
export function parseAddress(text: string): number | undefined {
  const m = OCTETS.exec(text);
  if (m === null) return undefined;
  let n = 0;
  for (const part of m.slice(1)) {
    if (part.length > 1 && part.startsWith("0")) return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatAddress(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** 10.0.0.1/24 → {address, prefix}; undefined unless both parts are there and valid. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (m === null) return undefined;
  const address = parseAddress(m[1]!);
  const prefix = Number(m[2]);
  if (address === undefined || prefix > 32) return undefined;
  return { address, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatAddress(c.address)}/${c.prefix}`;
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The prefix length of a contiguous netmask (0xffffff00 → 24), or undefined for a non-contiguous one. */
export function prefixOfMask(mask: number): number | undefined {
  for (let p = 0; p <= 32; p++) if (maskOf(p) === mask >>> 0) return p;
  return undefined;
}

export function networkOf(c: Cidr): number {
  return (c.address & maskOf(c.prefix)) >>> 0;
}

export function broadcastOf(c: Cidr): number {
  return (networkOf(c) | (~maskOf(c.prefix) >>> 0)) >>> 0;
}

/** The subnet an address sits in, as a CIDR with the host bits cleared: 10.0.0.1/24 → 10.0.0.0/24. */
export function subnetOf(c: Cidr): Cidr {
  return { address: networkOf(c), prefix: c.prefix };
}

export function contains(subnet: Cidr, address: number): boolean {
  return (address & maskOf(subnet.prefix)) >>> 0 === networkOf(subnet);
}

/** Two prefixes overlap when one contains the other's network. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, networkOf(b)) || contains(b, networkOf(a));
}

/** True when the address is the network or broadcast address of its prefix (both unusable below /31). */
export function isNetworkOrBroadcast(c: Cidr): boolean {
  if (c.prefix >= 31) return false;
  return c.address === networkOf(c) || c.address === broadcastOf(c);
}
