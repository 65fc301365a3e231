// Generated text pinned by golden files (test/fixtures/network; UPDATE_GOLDEN=1 rewrites them), the argv
// builders, and the plans that take a bridge from what the host has to what is wanted.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { planInterface, planRcConf } from "../../../provider/network/bridge";
import * as cmd from "../../../provider/network/commands";
import { natRules } from "../../../provider/network/nat";
import { parseIfconfig } from "../../../provider/network/parse";
import { probeScript, parseProbes } from "../../../provider/network/probe";
import {
  bridgeRcConf,
  bridgeWords,
  ownerDescription,
  renderAnchor,
  renderAnchorHooks,
  renderPfRule,
  type BridgeConfig,
} from "../../../provider/network/render";

const FIXTURES = path.resolve(__dirname, "..", "..", "..", "..", "test", "fixtures", "network");

function golden(name: string, actual: string): void {
  const file = path.join(FIXTURES, name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(file, actual);
  }
  assert.equal(actual, readFileSync(file, "utf8"), `differs from ${file} (UPDATE_GOLDEN=1 rewrites it)`);
}

const lan: BridgeConfig = {
  name: "bridge0",
  addresses: ["10.0.0.1/24", "10.0.1.1/24"],
  members: ["em1"],
  mtu: 9000,
  description: ownerDescription("infra/prod/Bridge/lan"),
};

describe("the pf anchor", () => {
  const rules = natRules({
    egressInterface: "em0",
    subnets: ["10.0.0.0/24", "10.0.1.0/24"],
    portForwards: [
      { protocol: "tcp", hostPort: 8080, address: "10.0.0.10", port: 80 },
      { protocol: "udp", hostPort: 5353, address: "10.0.0.11", port: 53 },
      { protocol: "tcp", hostPort: 2222, address: "10.0.1.12" },
    ],
  });

  it("renders nat before rdr, with the owner in the header (golden)", () => {
    golden("anchor-lan.conf", renderAnchor("lan", "infra/prod/Nat/lan", [...rules].reverse()));
  });

  it("a port forward without a port keeps the host port", () => {
    assert.equal(
      renderPfRule(rules.at(-1)!),
      "rdr pass on em0 inet proto tcp from any to (em0) port 2222 -> 10.0.1.12 port 2222",
    );
  });

  it("the pf.conf hooks are the three wildcard anchors", () => {
    assert.deepEqual(renderAnchorHooks(), ['nat-anchor "pulumi/*"', 'rdr-anchor "pulumi/*"', 'anchor "pulumi/*"']);
  });
});

describe("rc.conf for a bridge", () => {
  it("ifconfig_NAME carries the first address, members, mtu and the marker; the rest are aliases (golden)", () => {
    const rc = bridgeRcConf(lan);
    golden(
      "rcconf-lan.txt",
      Object.entries(rc)
        .map(([k, v]) => `${k}="${v}"`)
        .join("\n") + "\n",
    );
  });

  it("a bridge without addresses or aliases sets only ifconfig_NAME", () => {
    const rc = bridgeRcConf({ ...lan, addresses: [], members: [], mtu: undefined });
    assert.deepEqual(rc, {
      ifconfig_bridge0: "descr pulumi:infra/prod/Bridge/lan up",
      ifconfig_bridge0_aliases: undefined,
    });
  });

  it("the marker keeps to characters rc.d/netif neither splits nor globs", () => {
    assert.equal(ownerDescription("my proj/dev/Bridge/lan*[1]"), "pulumi:my_proj/dev/Bridge/lan__1_");
    assert.deepEqual(cmd.ifconfigSet("bridge0", bridgeWords({ ...lan, addresses: [] })), [
      "ifconfig", "bridge0", "addm", "em1", "mtu", "9000", "descr", "pulumi:infra/prod/Bridge/lan", "up",
    ]); // prettier-ignore
  });
});

describe("argv builders", () => {
  it("build the commands the kinds run", () => {
    assert.deepEqual(cmd.ifconfigCreate(undefined), ["ifconfig", "bridge", "create"]);
    assert.deepEqual(cmd.ifconfigCreate("bridge3"), ["ifconfig", "bridge3", "create"]);
    assert.deepEqual(cmd.ifconfigAddAlias("bridge0", "10.0.1.1/24"), ["ifconfig", "bridge0", "inet", "10.0.1.1/24", "alias"]); // prettier-ignore
    assert.deepEqual(cmd.ifconfigRemoveAlias("bridge0", "10.0.1.1"), ["ifconfig", "bridge0", "inet", "10.0.1.1", "-alias"]); // prettier-ignore
    assert.deepEqual(cmd.sysrcSet({ ifconfig_bridge0: "inet 10.0.0.1/24 up" }), ["sysrc", "ifconfig_bridge0=inet 10.0.0.1/24 up"]); // prettier-ignore
    assert.deepEqual(cmd.sysrcAddWord("cloned_interfaces", "bridge0"), ["sysrc", "cloned_interfaces+=bridge0"]);
    assert.deepEqual(cmd.sysrcDelete(["ifconfig_bridge0"]), ["sysrc", "-x", "ifconfig_bridge0"]);
    assert.deepEqual(cmd.pfctlLoadAnchor("pulumi/lan"), ["pfctl", "-a", "pulumi/lan", "-f", "-"]);
    assert.deepEqual(cmd.pfctlShowNat("pulumi/lan"), ["pfctl", "-a", "pulumi/lan", "-P", "-s", "nat"]);
    assert.deepEqual(cmd.pfctlFlushAnchor("pulumi/lan"), ["pfctl", "-a", "pulumi/lan", "-F", "all"]);
    assert.deepEqual(cmd.pfctlCheckFile("/etc/pf.conf"), ["pfctl", "-n", "-v", "-f", "/etc/pf.conf"]);
  });

  it("frame several commands in one script and read each one's output and status back", () => {
    const script = probeScript([
      { id: "a", argv: ["ifconfig"] },
      { id: "b", argv: ["pfctl", "-a", "pulumi/x y", "-s", "nat"], stderr: true },
    ]);
    assert.match(script, /^echo @@pulumi-freebsd-network a; ifconfig 2>\/dev\/null; s=\$\?; echo; echo @@pulumi-freebsd-network exit \$s$/m); // prettier-ignore
    assert.match(script, /pfctl -a 'pulumi\/x y' -s nat 2>&1/);
    const out = "@@pulumi-freebsd-network a\nem0 lo0\n\n@@pulumi-freebsd-network exit 0\n@@pulumi-freebsd-network b\nno newline\n@@pulumi-freebsd-network exit 1\n"; // prettier-ignore
    assert.deepEqual(
      [...parseProbes(out)],
      [
        ["a", { out: "em0 lo0\n", exit: 0 }],
        ["b", { out: "no newline", exit: 1 }],
      ],
    );
  });
});

describe("planning a bridge", () => {
  const shown = (text: string) => parseIfconfig(text)[0];

  it("a new bridge: create, then members, mtu, marker and up in one ifconfig, then each address", () => {
    assert.deepEqual(planInterface(undefined, lan, { addresses: [], members: [] }), [
      ["ifconfig", "bridge0", "create"],
      ["ifconfig", "bridge0", "addm", "em1", "mtu", "9000", "descr", "pulumi:infra/prod/Bridge/lan", "up"],
      ["ifconfig", "bridge0", "inet", "10.0.0.1/24", "alias"],
      ["ifconfig", "bridge0", "inet", "10.0.1.1/24", "alias"],
    ]);
  });

  it("an unchanged bridge needs nothing; a member or address removed by hand comes back", () => {
    const current = shown(
      "bridge0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 9000\n" +
        "\tdescription: pulumi:infra/prod/Bridge/lan\n\tinet 10.0.0.1 netmask 0xffffff00 broadcast 10.0.0.255\n" +
        "\tinet 10.0.1.1 netmask 0xffffff00 broadcast 10.0.1.255\n\tmember: em1 flags=143<LEARNING>\n",
    );
    assert.deepEqual(planInterface(current, lan, lan), []);
    const drifted = { ...current!, inet: ["10.0.0.1/24"], members: [] };
    assert.deepEqual(planInterface(drifted, lan, lan), [
      ["ifconfig", "bridge0", "addm", "em1"],
      ["ifconfig", "bridge0", "inet", "10.0.1.1/24", "alias"],
    ]);
  });

  it("removes only what it managed; a jail's epair and an address added by hand stay", () => {
    const current = shown(
      "bridge0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 9000\n" +
        "\tdescription: pulumi:infra/prod/Bridge/lan\n\tinet 10.0.0.1 netmask 0xffffff00 broadcast 10.0.0.255\n" +
        "\tinet 10.0.1.1 netmask 0xffffff00 broadcast 10.0.1.255\n\tinet 10.9.0.1 netmask 0xffffff00 broadcast 10.9.0.255\n" +
        "\tmember: em1 flags=143<LEARNING>\n\tmember: e0a_web flags=143<LEARNING>\n",
    );
    const next = { ...lan, addresses: ["10.0.0.1/24"], members: [] };
    assert.deepEqual(planInterface(current, next, lan), [
      ["ifconfig", "bridge0", "deletem", "em1"],
      ["ifconfig", "bridge0", "inet", "10.0.1.1", "-alias"],
    ]);
  });

  it("rc.conf: adds the bridge to cloned_interfaces once, sets changed values, unsets the aliases no longer needed", () => {
    const fresh = { cloned: false, ifconfig: null, aliases: null };
    assert.deepEqual(planRcConf(fresh, lan), [
      ["sysrc", "cloned_interfaces+=bridge0"],
      ["sysrc", "ifconfig_bridge0=inet 10.0.0.1/24 addm em1 mtu 9000 descr pulumi:infra/prod/Bridge/lan up", "ifconfig_bridge0_aliases=inet 10.0.1.1/24"], // prettier-ignore
    ]);
    const rc = bridgeRcConf(lan);
    const now = { cloned: true, ifconfig: rc.ifconfig_bridge0!, aliases: rc.ifconfig_bridge0_aliases! };
    assert.deepEqual(planRcConf(now, lan), []);
    const one = { ...lan, addresses: ["10.0.0.1/24"] };
    assert.deepEqual(planRcConf(now, one), [["sysrc", "-x", "ifconfig_bridge0_aliases"]]);
  });
});
