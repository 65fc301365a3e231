// What network.Bridge, network.Nat and a vnet attachment accept: zod for each value, and the rules across
// values (overlapping subnets, duplicates, addresses outside a subnet) checked on the raw inputs so that every
// failure is reported at once, each named by its property.
import { z } from "zod";
import { checkWith, containsUnknown } from "../check";
import type { CheckFailure, CheckResult } from "../resource";
import { connectionSchema } from "../ssh/connection";
import {
  contains,
  formatAddress,
  formatCidr,
  isNetworkOrBroadcast,
  networkOf,
  overlaps,
  parseAddress,
  parseCidr,
  subnetOf,
  type Cidr,
} from "./ipv4";

// IFNAMSIZ is 16 with the NUL (net/if.h); letters first so no name reads as a number or an option.
export const IFNAME = /^[A-Za-z][A-Za-z0-9_.]{0,14}$/;
const IFNAME_REASON = "must be an interface name: a letter, then letters, digits, _ or ., at most 15 characters";
// rc.conf(5) creates cloned_interfaces by their cloner's name, so a bridge we persist is bridgeN.
const BRIDGE_NAME = /^bridge(0|[1-9]\d{0,3})$/;
// An anchor is one path component under pulumi/ (PF_ANCHOR_NAME_SIZE is 64 with the NUL); pfctl refuses names
// starting with "_" from the command line.
const ANCHOR_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

const ifname = z.string().regex(IFNAME, IFNAME_REASON);
const cidr = z.string().refine((s) => parseCidr(s) !== undefined, {
  message: "must be an IPv4 address with a prefix length, e.g. 10.0.0.1/24",
});
const address = z.string().refine((s) => parseAddress(s) !== undefined, {
  message: "must be an IPv4 address, e.g. 10.0.0.10",
});
const port = z.number().int().min(1, "must be a port from 1 to 65535").max(65535, "must be a port from 1 to 65535");

export const bridgeSchema = z.object({
  owner: z.string(),
  connection: connectionSchema,
  name: z.string().regex(BRIDGE_NAME, "must be bridge<N>, e.g. bridge0: rc.conf(5) clones interfaces by their cloner's name").optional(), // prettier-ignore
  addresses: z.array(cidr).default([]),
  members: z.array(ifname).default([]),
  mtu: z.number().int().min(68, "must be an MTU from 68 to 65535").max(65535, "must be an MTU from 68 to 65535").optional(), // prettier-ignore
  adopt: z.boolean().default(false),
});
export type BridgeInputs = z.output<typeof bridgeSchema>;

const portForward = z.object({
  protocol: z.enum(["tcp", "udp"]).default("tcp"),
  hostPort: port,
  address,
  port: port.optional(),
});

export const natSchema = z.object({
  owner: z.string(),
  connection: connectionSchema,
  anchor: z.string().regex(ANCHOR_NAME, "must be letters, digits, _, . or -, at most 63, not starting with _ or ."),
  egressInterface: ifname,
  subnets: z.array(cidr).min(1, "list at least one subnet to NAT, e.g. 10.0.0.0/24"),
  portForwards: z.array(portForward).default([]),
  adopt: z.boolean().default(false),
});
export type NatInputs = z.output<typeof natSchema>;
export type PortForward = NatInputs["portForwards"][number];

/** A jail's interface on a bridge: the plain value jail.Jail takes as `vnet`. */
export const vnetAttachmentSchema = z.object({
  bridge: z.string().regex(BRIDGE_NAME, "must be a bridge's name, e.g. bridge0"),
  address: cidr,
  gateway: address.optional(),
  mac: z.string().regex(MAC, "must be a MAC address, e.g. 58:9c:fc:00:00:01").optional(),
});
export type VnetAttachmentInputs = z.output<typeof vnetAttachmentSchema>;

/** Runs zod and the cross-field rules together; one failure per property and reason. */
function checkAll<S extends z.ZodType>(
  schema: S,
  news: Record<string, unknown>,
  rules: (news: Record<string, unknown>) => CheckFailure[],
): CheckResult<z.output<S>> {
  const result = checkWith(schema, news);
  const seen = new Set(result.failures.map((f) => f.property));
  // A value zod already rejected is not judged again by the cross-field rules.
  const extra = rules(news).filter((f) => !seen.has(f.property));
  return { inputs: result.inputs, failures: [...result.failures, ...extra] };
}

export function checkBridge(news: Record<string, unknown>): CheckResult<BridgeInputs> {
  return checkAll(bridgeSchema, news, bridgeFailures);
}

export function checkNat(news: Record<string, unknown>): CheckResult<NatInputs> {
  return checkAll(natSchema, news, natFailures);
}

/** The elements of a known array with their index; unknown or malformed elements are skipped. */
function knownItems<T>(value: unknown, read: (v: unknown) => T | undefined): Array<{ i: number; v: T }> {
  if (!Array.isArray(value) || value === null) return [];
  const out: Array<{ i: number; v: T }> = [];
  value.forEach((item, i) => {
    if (containsUnknown(item)) return;
    const v = read(item);
    if (v !== undefined) out.push({ i, v });
  });
  return out;
}

const asCidr = (v: unknown) => (typeof v === "string" ? parseCidr(v) : undefined);

export function bridgeFailures(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const addresses = knownItems(news.addresses, asCidr);
  for (const { i, v } of addresses) {
    if (isNetworkOrBroadcast(v)) {
      failures.push({
        property: `addresses[${i}]`,
        reason: `${formatCidr(v)} is the network or broadcast address of ${formatCidr(subnetOf(v))}; give the bridge a host address such as ${formatAddress(networkOf(v) + 1)}/${v.prefix}`,
      });
    }
  }
  addresses.forEach(({ i, v }, k) => {
    for (const earlier of addresses.slice(0, k)) {
      if (earlier.v.address === v.address) {
        failures.push({ property: `addresses[${i}]`, reason: `${formatAddress(v.address)} is already addresses[${earlier.i}]` }); // prettier-ignore
        return;
      }
      if (overlaps(earlier.v, v)) {
        failures.push({
          property: `addresses[${i}]`,
          reason: `${formatCidr(subnetOf(v))} overlaps ${formatCidr(subnetOf(earlier.v))} of addresses[${earlier.i}]; each address of a bridge needs a subnet of its own`,
        });
        return;
      }
    }
  });
  const members = knownItems(news.members, (v) => (typeof v === "string" ? v : undefined));
  members.forEach(({ i, v }, k) => {
    const first = members.slice(0, k).find((m) => m.v === v);
    if (first !== undefined)
      failures.push({ property: `members[${i}]`, reason: `${v} is already members[${first.i}]` });
    else if (typeof news.name === "string" && v === news.name) {
      failures.push({ property: `members[${i}]`, reason: "a bridge cannot be a member of itself" });
    }
  });
  return failures;
}

export function natFailures(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const subnets = knownItems(news.subnets, asCidr);
  subnets.forEach(({ i, v }, k) => {
    if (v.address !== networkOf(v)) {
      failures.push({
        property: `subnets[${i}]`,
        reason: `${formatCidr(v)} is not a network address; did you mean ${formatCidr(subnetOf(v))}?`,
      });
      return;
    }
    const other = subnets.slice(0, k).find((s) => overlaps(s.v, v));
    if (other !== undefined) {
      failures.push({
        property: `subnets[${i}]`,
        reason: `${formatCidr(v)} overlaps ${formatCidr(subnetOf(other.v))} of subnets[${other.i}]`,
      });
    }
  });
  const allSubnetsKnown = Array.isArray(news.subnets) && !containsUnknown(news.subnets);
  const forwards = knownItems(news.portForwards, (v) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>) : undefined)); // prettier-ignore
  const taken = new Map<string, number>();
  for (const { i, v } of forwards) {
    const target = typeof v.address === "string" ? parseAddress(v.address) : undefined;
    if (target !== undefined && allSubnetsKnown && subnets.length > 0 && !subnets.some((s) => contains(s.v, target))) {
      failures.push({
        property: `portForwards[${i}].address`,
        reason: `${v.address} is outside the subnets this Nat serves (${subnets.map((s) => formatCidr(s.v)).join(", ")})`,
      });
    }
    if (typeof v.hostPort === "number") {
      const key = `${v.protocol ?? "tcp"}/${v.hostPort}`;
      const first = taken.get(key);
      if (first !== undefined) {
        failures.push({ property: `portForwards[${i}].hostPort`, reason: `${key} is already forwarded by portForwards[${first}]` }); // prettier-ignore
      } else taken.set(key, i);
    }
  }
  return failures;
}

/**
 * A vnet attachment's own rules, and with the bridge's addresses (when known) the rules against the bridge:
 * the address lies in one of its subnets and is none of its own. `path` prefixes each property, e.g. "vnet".
 */
export function vnetFailures(value: unknown, path: string, bridgeAddresses?: string[]): CheckFailure[] {
  if (value === null || typeof value !== "object" || containsUnknown(value)) return [];
  const failures: CheckFailure[] = [];
  const parsed = vnetAttachmentSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      failures.push({ property: [path, ...issue.path.map(String)].join("."), reason: issue.message });
    }
    return failures;
  }
  const v = parsed.data;
  const own = parseCidr(v.address)!;
  if (isNetworkOrBroadcast(own)) {
    failures.push({ property: `${path}.address`, reason: `${v.address} is the network or broadcast address of ${formatCidr(subnetOf(own))}` }); // prettier-ignore
  }
  if (v.gateway !== undefined) {
    const gw = parseAddress(v.gateway)!;
    if (gw === own.address) failures.push({ property: `${path}.gateway`, reason: "is the attachment's own address" });
    else if (!contains(own, gw)) {
      failures.push({ property: `${path}.gateway`, reason: `${v.gateway} is outside ${formatCidr(subnetOf(own))}, the subnet of [${path}.address]` }); // prettier-ignore
    }
  }
  const bridge = (bridgeAddresses ?? []).map(parseCidr).filter((c): c is Cidr => c !== undefined);
  if (bridge.length > 0) {
    if (!bridge.some((b) => contains(b, own.address) && b.prefix === own.prefix)) {
      failures.push({
        property: `${path}.address`,
        reason: `${v.address} is outside the subnets of ${v.bridge} (${bridge.map((b) => formatCidr(subnetOf(b))).join(", ")})`,
      });
    } else if (bridge.some((b) => b.address === own.address)) {
      failures.push({ property: `${path}.address`, reason: `${formatAddress(own.address)} is ${v.bridge}'s own address` }); // prettier-ignore
    }
  }
  return failures;
}
