// The network example through the real Pulumi CLI against a sandbox host: a bridge with an address, NAT of
// its subnet and a port forward; a second up changes nothing; a new port forward updates only the Nat; drift
// on refresh; destroy leaves no interface, rc.conf entry or anchor rule, and the operator's rc.conf lines as
// they were.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { networkExample, type NetworkExampleOptions } from "../../examples/network/program";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { readHostFile, writeHostFile } from "../../sandbox/tools/hostfs";
import { newStack, type TestStack, tearDown } from "../support/engine";
import { ssh } from "../support/sandbox";

const PF_CONF =
  'ext_if = "em0"\nnat-anchor "pulumi/*"\nrdr-anchor "pulumi/*"\nanchor "pulumi/*"\npass out on $ext_if all\n';

describe("engine: the network example on a sandbox host", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;
  let t: TestStack;
  let rcBefore: string;
  let webAddress: string;

  function use(opts: NetworkExampleOptions): void {
    t.stack.workspace.program = networkExample(box.connection, opts);
  }
  function sh(command: string): string {
    const r = ssh(box, command);
    assert.equal(r.code, 0, `${command}: ${r.stderr}`);
    return r.stdout;
  }
  const rcConf = () => readHostFile(box.dir, "/etc/rc.conf") ?? "";

  /** The resources (by name) that an operation of the engine updated, from its event stream. */
  function updatedBy(events: EngineEvent[]): string[] {
    return events
      .flatMap((e) => (e.resOutputsEvent?.metadata.op === "update" ? [e.resOutputsEvent.metadata.urn] : []))
      .map((urn) => urn.split("::").at(-1)!)
      .sort();
  }

  before(async () => {
    sandbox = await startSandbox({ hosts: 1 });
    box = sandbox.hosts[0]!;
    // What the operator does once per host (pulumi-freebsd doctor tells): pf.conf calls the pulumi anchors.
    writeHostFile(box.dir, "/etc/pf.conf", PF_CONF);
    // And rc.conf lines of their own, which nothing may touch.
    sh("sysrc ntpd_enable=YES ifconfig_em0='inet 192.0.2.10/24'");
    rcBefore = rcConf();
    t = await newStack("network-example", networkExample(box.connection));
  });
  after(async () => {
    await tearDown(t, sandbox);
  });

  it("up creates the bridge with its address, and the NAT with a port forward", async () => {
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 3 });
    webAddress = String(up.outputs.webAddress!.value);
    assert.match(webAddress, /^10\.0\.0\.\d+\/24$/);
    assert.equal(up.outputs.anchor!.value, "pulumi/lan-nat");
    assert.match(sh("ifconfig bridge0"), /^\tinet 10\.0\.0\.1 netmask 0xffffff00 broadcast 10\.0\.0\.255$/m);
    const web = webAddress.replace(/\/24$/, "");
    assert.equal(
      sh("pfctl -a pulumi/lan-nat -P -s nat"),
      "nat on em0 inet from 10.0.0.0/24 to any -> (em0) round-robin\n" +
        `rdr pass on em0 inet proto tcp from any to (em0) port = 8080 -> ${web} port 80\n`,
    );
    assert.equal(sh("sysrc -n cloned_interfaces pf_enable gateway_enable"), "bridge0\nYES\nYES\n");
  });

  it("a second up reports no changes", async () => {
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 3 });
  });

  it("adding a port forward updates only the Nat: its anchor is reloaded", async () => {
    use({ extraForwards: [{ protocol: "tcp", hostPort: 2222, address: webAddress.replace(/\/24$/, ""), port: 22 }] });
    const preview = await t.stack.preview();
    assert.deepEqual(preview.changeSummary, { same: 2, update: 1 });
    const events: EngineEvent[] = [];
    const up = await t.stack.up({ onEvent: (e) => events.push(e) });
    assert.deepEqual(up.summary.resourceChanges, { same: 2, update: 1 });
    assert.deepEqual(updatedBy(events), ["lan-nat"]);
    assert.match(sh("pfctl -a pulumi/lan-nat -P -s nat"), /port = 2222 -> 10\.0\.0\.\d+ port 22\n$/);
  });

  it("refresh finds an address removed by hand, and up puts it back", async () => {
    sh("ifconfig bridge0 inet 10.0.0.1 -alias");
    const refresh = await t.stack.refresh();
    assert.deepEqual(refresh.summary.resourceChanges, { same: 2, update: 1 });
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 2, update: 1 });
    assert.match(sh("ifconfig bridge0"), /^\tinet 10\.0\.0\.1 netmask/m);
  });

  it("destroy removes the bridge, its rc.conf entries and the anchor's rules; the operator's lines stay", async () => {
    const destroy = await t.stack.destroy();
    assert.deepEqual(destroy.summary.resourceChanges, { delete: 3 });
    assert.equal(ssh(box, "ifconfig bridge0").code, 1);
    assert.equal(sh("pfctl -a pulumi/lan-nat -s nat"), "");
    assert.equal(rcConf(), rcBefore);
    assert.equal(sh("sysrc -n ntpd_enable ifconfig_em0"), "YES\ninet 192.0.2.10/24\n");
  });
});
