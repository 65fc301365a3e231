// The sysctl MIB of a simulated host: the leaves our tools and the provider read, with their types and
// numbers. Fixed numbers come from sys/sys/sysctl.h (CTL_KERN 1, CTL_NET 4, CTL_HW 6; KERN_OSTYPE 1 …) and
// netinet/in.h; OID_AUTO leaves get numbers from 0x100 up, in an order that is UNCONFIRMED (the kernel
// assigns them at registration), which only matters for the order of `sysctl -a`.
import type { HostState } from "../state";
import { systemFacts } from "./facts";

/** sysctl's format letters: A string, I int, IU unsigned int, LU unsigned long. */
export type OidFormat = "A" | "I" | "IU" | "LU";

export interface Leaf {
  name: string;
  oid: number[];
  format: OidFormat;
  writable: boolean;
  /** Boot-time tunables say "Tunable values are set in /boot/loader.conf" when written. */
  tunable?: boolean;
  get(state: HostState): string;
  /** Stores a value already checked against the format. */
  set?(state: HostState, value: string): void;
}

const AUTO = 0x100;

function fixed(name: string, oid: number[], format: OidFormat, value: (s: HostState) => string): Leaf {
  return { name, oid, format, writable: false, get: value };
}

/** A writable number kept in the host's state under `sysctl`, e.g. net.inet.ip.forwarding. */
function knob(name: string, oid: number[], initial: string): Leaf {
  return {
    name,
    oid,
    format: "I",
    writable: true,
    get: (s) => sysctlValues(s)[name] ?? initial,
    set: (s, v) => {
      s.sysctl = { ...sysctlValues(s), [name]: v };
    },
  };
}

export function sysctlValues(state: HostState): Record<string, string> {
  return (state.sysctl as Record<string, string> | undefined) ?? {};
}

const facts = (s: HostState) => systemFacts(s);

const leaves: Leaf[] = [
  fixed("kern.ostype", [1, 1], "A", (s) => facts(s).ostype),
  fixed("kern.osrelease", [1, 2], "A", (s) => facts(s).osrelease),
  fixed("kern.osrevision", [1, 3], "I", () => "199506"),
  fixed("kern.version", [1, 4], "A", (s) => facts(s).version),
  {
    name: "kern.hostname",
    oid: [1, 10],
    format: "A",
    writable: true,
    get: (s) => facts(s).hostname,
    set: (s, v) => {
      s.hostname = v;
    },
  },
  fixed("kern.osreldate", [1, 24], "I", (s) => String(facts(s).osreldate)),
  fixed("kern.ident", [1, AUTO + 1], "A", (s) => facts(s).ident),
  fixed("kern.build_id", [1, AUTO + 2], "A", (s) => facts(s).buildId),
  // GENERIC has INET, INET6 and (since 12.0) VIMAGE: kern.features lists compiled-in options as 1.
  fixed("kern.features.inet", [1, AUTO + 3, AUTO + 1], "I", () => "1"),
  fixed("kern.features.inet6", [1, AUTO + 3, AUTO + 2], "I", () => "1"),
  fixed("kern.features.vimage", [1, AUTO + 3, AUTO + 3], "I", () => "1"),
  knob("net.inet.ip.forwarding", [4, 2, 0, 1], "0"),
  knob("net.inet.ip.sourceroute", [4, 2, 0, 8], "0"),
  knob("net.inet.ip.accept_sourceroute", [4, 2, 0, 13], "0"),
  knob("net.inet.icmp.bmcastecho", [4, 2, 1, AUTO + 1], "0"),
  knob("net.inet.icmp.drop_redirect", [4, 2, 1, AUTO + 2], "0"),
  knob("net.inet.icmp.log_redirect", [4, 2, 1, AUTO + 3], "0"),
  knob("net.inet6.ip6.forwarding", [4, 28, 41, 1], "0"),
  knob("net.link.ether.inet.proxyall", [4, 18, AUTO + 1, AUTO + 1], "0"),
  fixed("hw.machine", [6, 1], "A", (s) => facts(s).machine),
  // UNCONFIRMED hardware: a 4-CPU, 8 GiB virtual machine.
  fixed("hw.model", [6, 2], "A", () => "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz"),
  fixed("hw.ncpu", [6, 3], "I", () => "4"),
  fixed("hw.physmem", [6, 5], "LU", () => "8563134464"),
  fixed("hw.usermem", [6, 6], "LU", () => "7826464768"),
  fixed("hw.pagesize", [6, 7], "I", () => "4096"),
  fixed("hw.machine_arch", [6, 11], "A", (s) => facts(s).machineArch),
  fixed("security.jail.jailed", [AUTO + 1, AUTO + 1, AUTO + 1], "I", () => "0"),
  // kern_racct.c: SYSCTL_BOOL(_kern_racct, OID_AUTO, enable, CTLFLAG_RDTUN, …); GENERIC defaults it to 0.
  // The simulated rctl(8) keeps the same switch (state.rctl.enabled).
  {
    ...fixed("kern.racct.enable", [1, AUTO + 4, AUTO + 1], "IU", (s) =>
      (s.rctl as { enabled?: boolean } | undefined)?.enabled ? "1" : "0",
    ),
    tunable: true,
  },
];

export const LEAVES: readonly Leaf[] = leaves.sort((a, b) => compareOids(a.oid, b.oid));

function compareOids(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function findLeaf(name: string): Leaf | undefined {
  return LEAVES.find((l) => l.name === name);
}

/** The leaves under a node (`kern`, `net.inet`), in MIB order; empty when `name` is no node. */
export function leavesUnder(name: string): Leaf[] {
  return LEAVES.filter((l) => l.name.startsWith(`${name}.`));
}
