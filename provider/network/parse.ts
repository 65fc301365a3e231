// Parsers for what FreeBSD 14 prints: the ifconfig(8) listing, `sysrc -a`, `pfctl -s nat` and `pfctl -nvf`.
// Pure functions from text to typed values; a line they cannot read is quoted in a NetworkParseError.
import { formatCidr, parseAddress, prefixOfMask } from "./ipv4";
import type { ShownInterface, ShownRule } from "./spec";

export class NetworkParseError extends Error {
  constructor(what: string, line: string) {
    super(`cannot read ${what} line: ${JSON.stringify(line)}`);
    this.name = "NetworkParseError";
  }
}

// status_nl() in sbin/ifconfig/ifconfig_netlink.c: "NAME: flags=HEX<BITS> metric N mtu N".
const HEADER = /^(\S+): flags=([0-9a-f]+)(?:<([^>]*)>)? metric \d+ mtu (\d+)$/;
// in_status() in sbin/ifconfig/af_inet.c: "inet A netmask 0xHEX [broadcast B]" (and "--> DST" on p2p links).
const INET = /^\tinet (\S+)(?: --> \S+)? netmask 0x([0-9a-f]{8})(?: broadcast \S+)?(?: vhid \d+)?$/;
// bridge_status() in sbin/ifconfig/ifbridge.c: "member: NAME flags=HEX<BITS>".
const MEMBER = /^\tmember: (\S+) flags=/;

/** The plain `ifconfig` listing (every interface), in the order the kernel lists them. */
export function parseIfconfig(text: string): ShownInterface[] {
  const out: ShownInterface[] = [];
  let current: ShownInterface | undefined;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (!line.startsWith("\t")) {
      const m = HEADER.exec(line);
      if (m === null) throw new NetworkParseError("ifconfig", line);
      current = {
        name: m[1]!,
        flags: m[3] === undefined || m[3] === "" ? [] : m[3].split(","),
        mtu: Number(m[4]),
        inet: [],
        members: [],
        groups: [],
      };
      out.push(current);
      continue;
    }
    if (current === undefined) throw new NetworkParseError("ifconfig", line);
    if (line.startsWith("\tdescription: ")) {
      current.description = line.slice("\tdescription: ".length);
    } else if (line.startsWith("\tether ")) {
      current.ether = line.slice("\tether ".length).trim();
    } else if (line.startsWith("\tinet ")) {
      const m = INET.exec(line);
      const address = m === null ? undefined : parseAddress(m[1]!);
      const prefix = m === null ? undefined : prefixOfMask(Number.parseInt(m[2]!, 16));
      if (address === undefined || prefix === undefined) throw new NetworkParseError("ifconfig inet", line);
      current.inet.push(formatCidr({ address, prefix }));
    } else if (line.startsWith("\tmember: ")) {
      const m = MEMBER.exec(line);
      if (m === null) throw new NetworkParseError("ifconfig member", line);
      current.members.push(m[1]!);
    } else if (line.startsWith("\tgroups: ")) {
      current.groups = line.slice("\tgroups: ".length).trim().split(/\s+/);
    }
    // options, inet6, media, status, nd6, the bridge's spanning-tree lines: not needed.
  }
  return out;
}

/**
 * `sysrc -a`: every variable the rc.conf files set, "name: value" one per line (usr.sbin/sysrc/sysrc). The
 * value is everything after the first ": ".
 */
export function parseSysrcAll(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*): (.*)$/s.exec(line) ?? /^([A-Za-z_][A-Za-z0-9_]*):$/.exec(line);
    if (m === null) throw new NetworkParseError("sysrc -a", line);
    vars.set(m[1]!, m[2] ?? "");
  }
  return vars;
}

// print_rule() in sbin/pfctl/pfctl_parser.c, as `pfctl -P` prints ports numerically. Our nat rule's pool is a
// dynamic interface address, which parse.y makes round-robin; the suffix is optional here so that a pfctl
// printing the pool type differently does not turn our own rule into drift.
const NAT = /^nat on (\S+) inet from (\d+\.\d+\.\d+\.\d+\/\d+) to any -> \(\1\)(?: round-robin)?$/;
const RDR =
  /^rdr pass on (\S+) inet proto (tcp|udp) from any to \(\1\) port = (\d+) -> (\d+\.\d+\.\d+\.\d+) port (\d+)$/;

/**
 * `pfctl -a ANCHOR -P -s nat`: the anchor's translation rules, nat before rdr as pfctl_show_nat() walks them.
 * Rules in the shapes we load become typed rules; anything else (edited by hand) is kept as text.
 */
export function parsePfctlNat(text: string): ShownRule[] {
  const rules: ShownRule[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (line === "") continue;
    let m = NAT.exec(line);
    if (m !== null) {
      rules.push({ kind: "nat", interface: m[1]!, subnet: m[2]! });
      continue;
    }
    m = RDR.exec(line);
    if (m !== null) {
      rules.push({
        kind: "rdr",
        interface: m[1]!,
        protocol: m[2] as "tcp" | "udp",
        hostPort: Number(m[3]),
        address: m[4]!,
        port: Number(m[5]),
      });
      continue;
    }
    rules.push({ kind: "other", text: line });
  }
  return rules;
}

/** Why `pfctl -a ANCHOR -s nat` printed nothing: its stderr and exit status say whether the anchor exists. */
export function anchorMissing(stderr: string): boolean {
  // No pf.ko: "pfctl: /dev/pf: No such file or directory". No such anchor: the kernel answers DIOCGETRULES
  // with EINVAL (pf_ioctl.c), which pfctl_show_nat() reports as "pfctl: DIOCGETRULES: Invalid argument".
  return /\/dev\/pf: No such file or directory|DIOCGETRULES: Invalid argument/.test(stderr);
}

/** `pfctl -a PATH -s Anchors`: the child anchors, "  pulumi/web" one per line (pfctl_show_anchors()). */
export function parsePfctlAnchors(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      if (!/^ {2}\S+$/.test(l)) throw new NetworkParseError("pfctl -s Anchors", l);
      return l.trim();
    });
}

/** The anchor hooks our rules need in the main ruleset (pf.conf(5), ANCHORS), as pfctl -nv prints them. */
export const ANCHOR_HOOKS = [
  { type: "nat-anchor", line: 'nat-anchor "pulumi/*"' },
  { type: "rdr-anchor", line: 'rdr-anchor "pulumi/*"' },
  { type: "anchor", line: 'anchor "pulumi/*"' },
] as const;

/**
 * Which hooks `pfctl -nvf /etc/pf.conf` shows. pfctl prints each parsed rule normalised, whatever the file's
 * spelling (quotes, macros, blank lines), e.g. `nat-anchor "pulumi/*" all`.
 */
export function hooksInRuleset(text: string): Set<(typeof ANCHOR_HOOKS)[number]["type"]> {
  const found = new Set<(typeof ANCHOR_HOOKS)[number]["type"]>();
  for (const line of text.split("\n")) {
    const m = /^(nat-anchor|rdr-anchor|anchor) "pulumi\/\*"(?: (?:in|out))?(?: on \S+)? all$/.exec(line.trim());
    if (m !== null) found.add(m[1] as (typeof ANCHOR_HOOKS)[number]["type"]);
  }
  return found;
}
