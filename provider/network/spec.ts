// The plain values the network kinds render, parse and compare: pf rules and ifconfig(8) words, as
// discriminated unions so every consumer handles every case.

/** A translation rule of our pf anchor, as pf.conf(5) describes nat and rdr rules. */
export type PfRule =
  /** Outbound NAT of a subnet to the egress interface's address(es), followed as they change: `-> (em0)`. */
  | { kind: "nat"; interface: string; subnet: string }
  /** A port forward: traffic to the egress interface's address on hostPort goes to address:port. */
  | { kind: "rdr"; interface: string; protocol: "tcp" | "udp"; hostPort: number; address: string; port: number };

/** A rule as `pfctl -s nat` printed it: one of ours, or a line we did not write. */
export type ShownRule = PfRule | { kind: "other"; text: string };

/** One setting on an `ifconfig NAME …` line (ifconfig(8)); the same words persist it in rc.conf(5). */
export type IfconfigWord =
  | { kind: "inet"; cidr: string }
  | { kind: "addm"; member: string }
  | { kind: "mtu"; mtu: number }
  | { kind: "descr"; text: string }
  | { kind: "up" };

/** An interface as the plain `ifconfig` listing shows it. */
export interface ShownInterface {
  name: string;
  flags: string[];
  mtu: number;
  description?: string;
  ether?: string;
  /** IPv4 addresses as CIDRs: 10.0.0.1/24. */
  inet: string[];
  /** Bridge members, in the order ifconfig lists them. */
  members: string[];
  groups: string[];
}

export function unreachable(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
