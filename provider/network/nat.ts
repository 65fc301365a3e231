// network:Nat — NAT of subnets out of an egress interface, and port forwards, as the rules of a pf anchor we
// own: pulumi/<anchor>, loaded with `pfctl -a … -f -` (rules on stdin, replaced in one transaction).
// Id: host/pulumi/<anchor>. pf needs pf.conf to call the anchors (nat-anchor/rdr-anchor/anchor "pulumi/*");
// without those hooks the rules would load and never match, so create refuses and says which lines to add.
// gateway_enable and pf_enable are set when they are not already; delete unsets only what this resource set,
// and only when no other anchor under pulumi/ still needs them.
import { PartialCreateError, type DiffResult, type ResourceKind } from "../resource";
import { hostFor, type Host } from "../ssh/host";
import { shellChain } from "../ssh/quote";
import {
  pfctlDisable,
  pfctlFlushAnchor,
  pfctlLoadAnchor,
  pfctlRunning,
  pfctlShowAnchors,
  pfctlShowNat,
  serviceStart,
  sysctlGet,
  sysctlSet,
  sysrcDelete,
  sysrcSet,
} from "./commands";
import { judgePfConf, pfConfProbe } from "./hooks";
import { objectId, otherHost } from "./host";
import { anchorMissing, parsePfctlAnchors, parsePfctlNat } from "./parse";
import { runProbes } from "./probe";
import { ANCHOR_ROOT, anchorPath, renderAnchor } from "./render";
import { checkNat, type NatInputs } from "./schema";
import type { PfRule } from "./spec";

export interface NatOutputs extends NatInputs {
  schemaVersion: number;
  /** pulumi/<anchor>: where the rules live (`pfctl -a pulumi/web -s nat` shows them). */
  anchorPath: string;
  /** This resource turned pf on (pf_enable and the running pf): delete turns it off when it is the last. */
  enabledPf: boolean;
  /** This resource turned forwarding on (gateway_enable and net.inet.ip.forwarding). */
  enabledGateway: boolean;
  /** Rules found in the anchor that this resource does not write (added by hand): the next update drops them. */
  otherRules: string[];
}

const FORWARDING = "net.inet.ip.forwarding";
const YES = /^(yes|true|on|1)$/i;

/** The rules an input set asks for, port forwards completed with their default port. */
export function natRules(i: Pick<NatInputs, "egressInterface" | "subnets" | "portForwards">): PfRule[] {
  return [
    ...i.subnets.map((subnet): PfRule => ({ kind: "nat", interface: i.egressInterface, subnet })),
    ...i.portForwards.map(
      (f): PfRule => ({
        kind: "rdr",
        interface: i.egressInterface,
        protocol: f.protocol,
        hostPort: f.hostPort,
        address: f.address,
        port: f.port ?? f.hostPort,
      }),
    ),
  ];
}

/** Inputs with defaults filled in, as outputs keep them, so diff compares like with like. */
function normalised(i: NatInputs): NatInputs {
  return { ...i, portForwards: i.portForwards.map((f) => ({ ...f, port: f.port ?? f.hostPort })) };
}

async function load(host: Host, inputs: NatInputs): Promise<void> {
  await host.exec(pfctlLoadAnchor(anchorPath(inputs.anchor)), {
    stdin: renderAnchor(inputs.anchor, inputs.owner, natRules(inputs)),
  });
}

export const natKind: ResourceKind<NatInputs, NatOutputs> = {
  schemaVersion: 1,

  async check(_olds, news) {
    return checkNat(news);
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces: string[] = [];
    if (news.anchor !== olds.anchor) replaces.push("anchor");
    if (otherHost(olds.connection, news.connection)) replaces.push("connection");
    const want = JSON.stringify(natRules(news));
    const have = JSON.stringify(natRules(olds));
    return { changes: replaces.length > 0 || want !== have || olds.otherRules.length > 0, replaces };
  },

  async create(inputs) {
    const host = hostFor(inputs.connection);
    const anchor = anchorPath(inputs.anchor);
    const id = objectId(inputs.connection, anchor);
    const probes = await runProbes(host, [
      pfConfProbe(),
      { id: "pf_enable", argv: ["sysrc", "-n", "pf_enable"] },
      { id: "gateway_enable", argv: ["sysrc", "-n", "gateway_enable"] },
      { id: "forwarding", argv: sysctlGet(FORWARDING) },
      { id: "running", argv: pfctlRunning(), stderr: true },
      { id: "anchor", argv: pfctlShowNat(anchor), stderr: true },
    ]);
    const hooks = judgePfConf(probes.get("pfconf")!.out, probes.get("pfconf")!.exit);
    if (!hooks.ok) {
      throw new Error(
        `pf on ${host.name} would never use the rules of ${anchor}: ${hooks.detail}. Add to /etc/pf.conf ` +
          `${hooks.where}:\n  ${hooks.missing.join("\n  ")}\nthen run: service pf reload ` +
          `(pulumi-freebsd doctor shows the same)`,
      );
    }
    const existing = parsePfctlNat(probes.get("anchor")!.out.split("\n").filter((l) => !l.startsWith("pfctl: ")).join("\n")); // prettier-ignore
    if (existing.length > 0 && !inputs.adopt) {
      throw new Error(`the pf anchor ${anchor} on ${host.name} already has rules; set adopt: true to replace them`);
    }

    const enabledPf = !YES.test(probes.get("pf_enable")!.out.trim());
    const running = probes.get("running")!.exit === 0;
    const enabledGateway = !YES.test(probes.get("gateway_enable")!.out.trim());
    const forwarding = probes.get("forwarding")!.out.trim() === "1";
    const outs: NatOutputs = {
      ...normalised(inputs),
      schemaVersion: natKind.schemaVersion,
      anchorPath: anchor,
      enabledPf,
      enabledGateway,
      otherRules: [],
    };
    // Every change after this point is recorded even if a later one fails, so delete can take it back.
    try {
      const steps: string[][] = [];
      if (enabledPf) steps.push(sysrcSet({ pf_enable: "YES" }));
      // rc.d/pf loads pf.ko and /etc/pf.conf (with the hooks) and enables pf.
      if (!running) steps.push(serviceStart("pf"));
      if (enabledGateway) steps.push(sysrcSet({ gateway_enable: "YES" }));
      if (!forwarding) steps.push(sysctlSet(FORWARDING, "1"));
      if (steps.length > 0) await host.script(shellChain(steps));
      await load(host, inputs);
    } catch (err) {
      throw new PartialCreateError(`${anchor} on ${host.name}: ${(err as Error).message}`, id, { ...outs });
    }
    return { id, outs };
  },

  async read(id, props) {
    const host = hostFor(props.connection);
    const result = await host.exec(pfctlShowNat(props.anchorPath), { retry: "safe", okExitCodes: [0, 1] });
    if (result.exitCode !== 0 && !anchorMissing(result.stderr)) {
      throw new Error(`${host.name}: pfctl failed: ${result.stderr.trim()}`);
    }
    // An anchor that is gone (flushed by hand, or a reboot before pf.conf loads it) reads as empty: the rules
    // are drift that the next update loads again, and what this resource enabled is still remembered.
    const rules = parsePfctlNat(result.stdout);
    const ours = rules.filter((r): r is PfRule => r.kind !== "other" && r.interface === props.egressInterface);
    const otherRules = rules.filter((r) => r.kind === "other" || r.interface !== props.egressInterface);
    return {
      id,
      props: {
        ...props,
        subnets: ours.filter((r) => r.kind === "nat").map((r) => r.subnet),
        portForwards: ours.flatMap((r) =>
          r.kind === "rdr" ? [{ protocol: r.protocol, hostPort: r.hostPort, address: r.address, port: r.port }] : [],
        ),
        otherRules: otherRules.map((r) => (r.kind === "other" ? r.text : JSON.stringify(r))),
      },
    };
  },

  async update(_id, olds, news) {
    const host = hostFor(news.connection);
    await load(host, news);
    return {
      ...normalised(news),
      schemaVersion: natKind.schemaVersion,
      anchorPath: olds.anchorPath,
      enabledPf: olds.enabledPf,
      enabledGateway: olds.enabledGateway,
      otherRules: [],
    };
  },

  async delete(_id, props) {
    const host = hostFor(props.connection);
    // Flushing an anchor that is gone, or when pf.ko is not loaded, has nothing to do.
    const flushed = await host.exec(pfctlFlushAnchor(props.anchorPath), { okExitCodes: [0, 1] });
    if (flushed.exitCode !== 0 && !anchorMissing(flushed.stderr)) {
      throw new Error(`${host.name}: pfctl -F all failed: ${flushed.stderr.trim()}`);
    }
    if (!props.enabledPf && !props.enabledGateway) return;
    const probes = await runProbes(host, [
      { id: "anchors", argv: pfctlShowAnchors(ANCHOR_ROOT), stderr: true },
      { id: "running", argv: pfctlRunning(), stderr: true },
    ]);
    const anchors = probes.get("anchors")!;
    const others = anchors.exit === 0 ? parsePfctlAnchors(anchors.out) : [];
    if (others.some((a) => a !== props.anchorPath)) return; // another Nat still needs pf and forwarding
    const steps: string[][] = [];
    if (props.enabledGateway) steps.push(sysrcDelete(["gateway_enable"]), sysctlSet(FORWARDING, "0"));
    if (props.enabledPf) {
      if (probes.get("running")!.exit === 0) steps.push(pfctlDisable());
      steps.push(sysrcDelete(["pf_enable"]));
    }
    await host.script(shellChain(steps));
  },
};
