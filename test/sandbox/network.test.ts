// The network kinds through real SSH to a sandbox host: CRUD of Bridge and Nat, drift by hand, ownership,
// the pf.conf hooks, shared reads, and rc.conf lines we did not write left exactly as they were.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { bridgeKind, type BridgeOutputs } from "../../provider/network/bridge";
import { pfAnchorHooksPresent } from "../../provider/network/hooks";
import { natKind, type NatOutputs } from "../../provider/network/nat";
import type { BridgeInputs, NatInputs } from "../../provider/network/schema";
import { closeAllHosts, hostFor, transportCounters } from "../../provider/ssh";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { readHostFile, writeHostFile } from "../../sandbox/tools/hostfs";
import { ssh } from "../support/sandbox";

const HOOKS =
  'ext_if = "em0"\nset skip on lo0\nnat-anchor "pulumi/*"\nrdr-anchor "pulumi/*"\nanchor "pulumi/*"\npass out all\n';

describe("network kinds against a sandbox host", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;
  let rcBefore: string;

  function sh(command: string): string {
    const r = ssh(box, command);
    assert.equal(r.code, 0, `${command}: ${r.stderr}`);
    return r.stdout;
  }
  const rcConf = () => readHostFile(box.dir, "/etc/rc.conf") ?? "";

  async function bridgeInputs(news: Record<string, unknown>, owner = "t/dev/Bridge/lan"): Promise<BridgeInputs> {
    const { inputs, failures } = await bridgeKind.check({}, { connection: box.connection, owner, ...news });
    assert.deepEqual(failures, []);
    return inputs;
  }
  async function natInputs(news: Record<string, unknown>, owner = "t/dev/Nat/lan"): Promise<NatInputs> {
    const { inputs, failures } = await natKind.check({}, { connection: box.connection, owner, ...news });
    assert.deepEqual(failures, []);
    return inputs;
  }

  before(async () => {
    sandbox = await startSandbox({ hosts: 1 });
    box = sandbox.hosts[0]!;
    // A line of the operator's own that every test must leave alone.
    sh("sysrc ntpd_enable=YES");
    rcBefore = rcConf();
  });
  after(async () => {
    closeAllHosts();
    await sandbox?.stop();
  });

  describe("network:Bridge", () => {
    let outs: BridgeOutputs;
    let inputs: BridgeInputs;

    before(() => {
      // An uplink to bridge: the a side of an epair made by hand.
      assert.equal(sh("ifconfig epair create"), "epair0a\n");
    });

    it("creates the bridge with its address, member and marker, and persists it in rc.conf", async () => {
      inputs = await bridgeInputs({ name: "bridge0", addresses: ["10.0.0.1/24"], members: ["epair0a"] });
      const { id, outs: o } = await bridgeKind.create(inputs);
      outs = o;
      assert.equal(id, `127.0.0.1:${box.connection.port}/bridge0`);
      assert.deepEqual(
        { name: o.name, addresses: o.addresses, members: o.members, subnets: o.subnets, mtu: o.actualMtu },
        { name: "bridge0", addresses: ["10.0.0.1/24"], members: ["epair0a"], subnets: ["10.0.0.0/24"], mtu: 1500 },
      );
      const shown = sh("ifconfig bridge0");
      assert.match(
        shown,
        /^bridge0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500$/m,
      );
      assert.match(shown, /^\tdescription: pulumi:t\/dev\/Bridge\/lan$/m);
      assert.match(shown, /^\tinet 10\.0\.0\.1 netmask 0xffffff00 broadcast 10\.0\.0\.255$/m);
      assert.match(shown, /^\tmember: epair0a flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>$/m);
      assert.equal(sh("sysrc -n cloned_interfaces"), "bridge0\n");
      assert.equal(sh("sysrc -n ifconfig_bridge0"), "inet 10.0.0.1/24 addm epair0a descr pulumi:t/dev/Bridge/lan up\n");
      // Our lines were added at the end; every line that was there is still there, unchanged and in order.
      assert.ok(rcConf().startsWith(rcBefore), rcConf());
    });

    it("reads back what it made: no changes", async () => {
      const read = await bridgeKind.read(`x/bridge0`, outs);
      assert.deepEqual(read!.props, outs);
      assert.equal((await bridgeKind.diff("x", read!.props, inputs)).changes, false);
    });

    it("a member and an address removed by hand are drift, and the update puts them back", async () => {
      sh("ifconfig bridge0 deletem epair0a && ifconfig bridge0 inet 10.0.0.1 -alias");
      const read = await bridgeKind.read("x", outs);
      assert.deepEqual(read!.props.members, []);
      assert.deepEqual(read!.props.addresses, []);
      assert.equal((await bridgeKind.diff("x", read!.props, inputs)).changes, true);
      outs = await bridgeKind.update("x", read!.props, inputs);
      assert.deepEqual([outs.members, outs.addresses], [["epair0a"], ["10.0.0.1/24"]]);
      assert.match(sh("ifconfig bridge0"), /member: epair0a/);
    });

    it("a jail's epair on the bridge, or an address added by hand, is not drift and is left alone", async () => {
      sh("ifconfig epair create >/dev/null && ifconfig epair1a name e0a_web && ifconfig bridge0 addm e0a_web");
      const read = await bridgeKind.read("x", outs);
      assert.equal((await bridgeKind.diff("x", read!.props, inputs)).changes, false);
    });

    it("updates in place: a second address becomes an rc.conf alias, the MTU reaches the members", async () => {
      const next = await bridgeInputs({ name: "bridge0", addresses: ["10.0.0.1/24", "10.0.1.1/24"], members: ["epair0a"], mtu: 9000 }); // prettier-ignore
      const diff = await bridgeKind.diff("x", outs, next);
      assert.deepEqual([diff.changes, diff.replaces], [true, []]);
      outs = await bridgeKind.update("x", outs, next);
      inputs = next;
      assert.deepEqual(outs.addresses, ["10.0.0.1/24", "10.0.1.1/24"]);
      assert.equal(outs.actualMtu, 9000);
      assert.match(sh("ifconfig epair0a"), /mtu 9000$/m);
      assert.equal(sh("sysrc -n ifconfig_bridge0_aliases"), "inet 10.0.1.1/24\n");
      assert.equal(sh("sysrc -n ifconfig_bridge0"), "inet 10.0.0.1/24 addm epair0a mtu 9000 descr pulumi:t/dev/Bridge/lan up\n"); // prettier-ignore
    });

    it("refuses a bridge made by someone else unless adopted", async () => {
      sh("ifconfig bridge7 create && ifconfig bridge7 descr handmade");
      const theirs = await bridgeInputs({ name: "bridge7", addresses: ["10.7.0.1/24"] }, "t/dev/Bridge/other");
      await assert.rejects(bridgeKind.create(theirs), /bridge7 already exists .* set adopt: true/);
      const adopted = await bridgeKind.create({ ...theirs, adopt: true });
      assert.equal(adopted.outs.description, "pulumi:t/dev/Bridge/other");
      await bridgeKind.delete(adopted.id, adopted.outs);
      assert.equal(ssh(box, "ifconfig bridge7").code, 1);
    });

    it("refuses members that do not exist or belong to another bridge, before touching the host", async () => {
      const bad = await bridgeInputs({ name: "bridge8", members: ["em9", "epair0a"] }, "t/dev/Bridge/bad");
      await assert.rejects(bridgeKind.create(bad), /member em9 does not exist .*member epair0a is already a member of bridge0/); // prettier-ignore
      assert.equal(ssh(box, "ifconfig bridge8").code, 1);
    });

    it("without a name, the kernel picks the unit", async () => {
      const auto = await bridgeInputs({ addresses: ["10.9.0.1/24"] }, "t/dev/Bridge/auto");
      const made = await bridgeKind.create(auto);
      assert.equal(made.outs.name, "bridge1");
      assert.equal(sh("sysrc -n cloned_interfaces"), "bridge0 bridge1\n");
      await bridgeKind.delete(made.id, made.outs);
      assert.equal(sh("sysrc -n cloned_interfaces"), "bridge0\n");
    });

    it("concurrent reads of a host share one round trip", async () => {
      transportCounters.reset();
      await Promise.all([bridgeKind.read("x", outs), bridgeKind.read("x", outs), bridgeKind.read("x", outs)]);
      assert.equal(transportCounters.commandsRun, 1);
    });

    it("delete removes the interface and our rc.conf variables, and nothing else", async () => {
      await bridgeKind.delete("x", outs);
      assert.equal(ssh(box, "ifconfig bridge0").code, 1);
      assert.equal(rcConf(), rcBefore);
      assert.equal(await bridgeKind.read("x", outs), undefined);
      // Already gone is success.
      await bridgeKind.delete("x", outs);
      sh("ifconfig epair0a destroy && ifconfig e0a_web destroy");
    });
  });

  describe("network:Nat", () => {
    const fresh = () => natInputs({ anchor: "lan", egressInterface: "em0", subnets: ["10.0.0.0/24"], portForwards: [{ hostPort: 8080, address: "10.0.0.10", port: 80 }] }); // prettier-ignore

    beforeEach(() => writeHostFile(box.dir, "/etc/pf.conf", HOOKS));

    it("refuses to load rules pf would never use, and says which lines pf.conf needs", async () => {
      writeHostFile(box.dir, "/etc/pf.conf", "pass out all\n");
      const host = hostFor(box.connection);
      const verdict = await pfAnchorHooksPresent(host);
      assert.deepEqual(verdict.missing, ['nat-anchor "pulumi/*"', 'rdr-anchor "pulumi/*"', 'anchor "pulumi/*"']);
      await assert.rejects(natKind.create(await fresh()), (err: Error) => {
        assert.match(err.message, /would never use the rules of pulumi\/lan/);
        assert.match(err.message, /^ {2}rdr-anchor "pulumi\/\*"$/m);
        return true;
      });
      // Nothing was changed on the way.
      assert.equal(rcConf(), rcBefore);
      assert.equal(ssh(box, "pfctl -s Running").code, 1);
      writeHostFile(box.dir, "/etc/pf.conf", undefined);
      assert.match((await pfAnchorHooksPresent(host)).detail, /\/etc\/pf\.conf does not exist/);
    });

    let outs: NatOutputs;
    let inputs: NatInputs;

    it("loads the anchor and turns on pf and forwarding", async () => {
      inputs = await fresh();
      const made = await natKind.create(inputs);
      outs = made.outs;
      assert.equal(made.id, `127.0.0.1:${box.connection.port}/pulumi/lan`);
      assert.deepEqual([outs.enabledPf, outs.enabledGateway], [true, true]);
      assert.equal(sh("pfctl -a pulumi/lan -P -s nat"), [
        "nat on em0 inet from 10.0.0.0/24 to any -> (em0) round-robin",
        "rdr pass on em0 inet proto tcp from any to (em0) port = 8080 -> 10.0.0.10 port 80",
        "",
      ].join("\n")); // prettier-ignore
      assert.equal(sh("pfctl -s Running"), "Enabled\n");
      assert.equal(sh("sysrc -n pf_enable gateway_enable"), "YES\nYES\n");
      assert.equal(sh("sysctl -n net.inet.ip.forwarding"), "1\n");
    });

    it("reads back what it loaded: no changes", async () => {
      const read = await natKind.read("x", outs);
      assert.deepEqual(read!.props, outs);
      assert.equal((await natKind.diff("x", read!.props, inputs)).changes, false);
    });

    it("rules flushed or added by hand are drift, and the update loads the anchor again", async () => {
      sh("pfctl -a pulumi/lan -F nat");
      let read = await natKind.read("x", outs);
      assert.deepEqual([read!.props.subnets, read!.props.portForwards], [[], []]);
      assert.equal((await natKind.diff("x", read!.props, inputs)).changes, true);
      outs = await natKind.update("x", read!.props, inputs);
      sh(`echo 'rdr pass on em0 inet proto tcp to (em0) port 22 -> 10.0.0.99 port 22' | pfctl -a pulumi/lan -f -`);
      read = await natKind.read("x", outs);
      assert.equal(read!.props.portForwards.length, 1);
      assert.deepEqual(read!.props.otherRules, []);
      assert.equal((await natKind.diff("x", read!.props, inputs)).changes, true);
      outs = await natKind.update("x", read!.props, inputs);
      assert.match(sh("pfctl -a pulumi/lan -P -s nat"), /port = 8080 -> 10\.0\.0\.10 port 80\n$/);
    });

    it("adding a port forward reloads the anchor with both", async () => {
      const next = await natInputs({ ...inputs, portForwards: [...inputs.portForwards, { protocol: "udp", hostPort: 5353, address: "10.0.0.11", port: 53 }] }); // prettier-ignore
      assert.deepEqual((await natKind.diff("x", outs, next)).replaces, []);
      outs = await natKind.update("x", outs, next);
      inputs = next;
      assert.match(sh("pfctl -a pulumi/lan -P -s nat"), /rdr pass on em0 inet proto udp from any to \(em0\) port = 5353 -> 10\.0\.0\.11 port 53/); // prettier-ignore
    });

    it("refuses an anchor that already has rules unless adopted", async () => {
      const theirs = await natInputs({ anchor: "lan", egressInterface: "em0", subnets: ["10.5.0.0/24"] }, "t/dev/Nat/other"); // prettier-ignore
      await assert.rejects(natKind.create(theirs), /pulumi\/lan .* already has rules; set adopt: true/);
    });

    it("a second Nat finds pf and forwarding on: deleting it turns nothing off", async () => {
      const dmz = await natKind.create(await natInputs({ anchor: "dmz", egressInterface: "em0", subnets: ["10.1.0.0/24"] }, "t/dev/Nat/dmz")); // prettier-ignore
      assert.deepEqual([dmz.outs.enabledPf, dmz.outs.enabledGateway], [false, false]);
      assert.equal(sh("pfctl -a pulumi -s Anchors"), "  pulumi/dmz\n  pulumi/lan\n");
      await natKind.delete(dmz.id, dmz.outs);
      assert.equal(sh("pfctl -a pulumi -s Anchors"), "  pulumi/lan\n");
      assert.equal(sh("pfctl -s Running"), "Enabled\n");
    });

    it("while another anchor under pulumi/ remains, deleting the one that enabled pf keeps it on", async () => {
      const dmz = await natKind.create(await natInputs({ anchor: "dmz", egressInterface: "em0", subnets: ["10.1.0.0/24"] }, "t/dev/Nat/dmz")); // prettier-ignore
      const lan2 = await natKind.create(await natInputs({ anchor: "lan2", egressInterface: "em0", subnets: ["10.2.0.0/24"] }, "t/dev/Nat/lan2")); // prettier-ignore
      // lan2 did not enable anything either; pretend it had, to see that dmz's anchor keeps pf on.
      await natKind.delete(lan2.id, { ...lan2.outs, enabledPf: true, enabledGateway: true });
      assert.equal(sh("pfctl -s Running"), "Enabled\n");
      assert.equal(sh("sysrc -n pf_enable gateway_enable"), "YES\nYES\n");
      await natKind.delete(dmz.id, dmz.outs);
    });

    it("delete flushes the anchor and, as the last one, unsets what it set: rc.conf is as it was", async () => {
      await natKind.delete("x", outs);
      assert.equal(ssh(box, "pfctl -a pulumi -s Anchors").code, 1);
      // pfctl -s Running exits 1 while pf is disabled.
      assert.deepEqual(ssh(box, "pfctl -s Running"), { stdout: "Disabled\n", stderr: "", code: 1 });
      assert.equal(sh("sysctl -n net.inet.ip.forwarding"), "0\n");
      assert.equal(rcConf(), rcBefore);
      // Gone reads as an empty anchor (drift an update repairs); deleting again is success.
      const read = await natKind.read("x", outs);
      assert.deepEqual(read!.props.subnets, []);
      await natKind.delete("x", outs);
    });
  });
});
