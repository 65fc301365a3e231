// Parsers on FreeBSD 14 output. test/fixtures/network/ifconfig-14.txt is a 14.x listing laid out as
// sbin/ifconfig prints it (status_nl(), af_inet.c, ifbridge.c, ifmedia.c, af_nd6.c): a bridge with two
// addresses, a description and two members, an empty bridge that is down, an epair and the uplink.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  NetworkParseError,
  anchorMissing,
  hooksInRuleset,
  parseIfconfig,
  parsePfctlAnchors,
  parsePfctlNat,
  parseSysrcAll,
} from "../../../provider/network/parse";
import { judgePfConf, pfAnchorFinding } from "../../../provider/network/hooks";

const FIXTURES = path.resolve(__dirname, "..", "..", "..", "..", "test", "fixtures", "network");

describe("parseIfconfig", () => {
  const listing = parseIfconfig(readFileSync(path.join(FIXTURES, "ifconfig-14.txt"), "utf8"));
  const byName = new Map(listing.map((i) => [i.name, i]));

  it("lists interfaces in the kernel's order", () => {
    assert.deepEqual(
      listing.map((i) => i.name),
      ["em0", "lo0", "bridge0", "bridge1", "e0a_web"],
    );
  });

  it("reads flags, mtu, description, addresses and members of a bridge", () => {
    assert.deepEqual(byName.get("bridge0"), {
      name: "bridge0",
      flags: ["UP", "BROADCAST", "RUNNING", "SIMPLEX", "MULTICAST", "LOWER_UP"],
      mtu: 1500,
      description: "pulumi:infra/prod/Bridge/lan",
      ether: "58:9c:fc:10:a6:2e",
      inet: ["10.0.0.1/24", "10.0.1.1/24"],
      members: ["e0a_web", "em0"],
      groups: ["bridge"],
    });
  });

  it("reads a bridge that is down and empty, and a loopback without broadcast", () => {
    assert.deepEqual(byName.get("bridge1")!.flags, ["BROADCAST", "SIMPLEX", "MULTICAST"]);
    assert.deepEqual(byName.get("bridge1")!.members, []);
    assert.deepEqual(byName.get("lo0")!.inet, ["127.0.0.1/8"]);
    assert.equal(byName.get("lo0")!.mtu, 16384);
    assert.equal(byName.get("e0a_web")!.description, "jail:web");
  });

  it("quotes the line it cannot read", () => {
    assert.throws(() => parseIfconfig("em0 flags=8843 mtu 1500\n"), NetworkParseError);
    assert.throws(
      () => parseIfconfig("em0: flags=8843<UP> metric 0 mtu 1500\n\tinet 10.0.0.1 netmask 0xff00ff00\n"),
      /cannot read ifconfig inet line: "\\tinet 10.0.0.1 netmask 0xff00ff00"/,
    );
  });
});

describe("parseSysrcAll", () => {
  it("reads name: value lines, values with colons and empty values included", () => {
    const vars = parseSysrcAll(
      'cloned_interfaces: bridge0 bridge1\nifconfig_bridge0: inet 10.0.0.1/24 descr pulumi:a/b/Bridge/lan up\nkld_list:\nsshd_flags: -o "ListenAddress 0.0.0.0:22"\n',
    );
    assert.equal(vars.get("cloned_interfaces"), "bridge0 bridge1");
    assert.equal(vars.get("ifconfig_bridge0"), "inet 10.0.0.1/24 descr pulumi:a/b/Bridge/lan up");
    assert.equal(vars.get("kld_list"), "");
    assert.equal(vars.get("sshd_flags"), '-o "ListenAddress 0.0.0.0:22"');
  });

  it("refuses a line that is not name: value", () => {
    assert.throws(() => parseSysrcAll("not a variable\n"), /sysrc -a line: "not a variable"/);
  });
});

describe("parsePfctlNat", () => {
  // pfctl -a pulumi/lan -P -s nat, as print_rule() prints what parse.y made of our rules.
  const shown = [
    "nat on em0 inet from 10.0.0.0/24 to any -> (em0) round-robin",
    "nat on em0 inet from 10.0.1.0/24 to any -> (em0)",
    "rdr pass on em0 inet proto tcp from any to (em0) port = 8080 -> 10.0.0.10 port 80",
    "rdr pass on em0 inet proto udp from any to (em0) port = 5353 -> 10.0.0.11 port 53",
    "rdr on em0 inet proto tcp from any to any port = 22 -> 10.0.0.12 port 22",
    "",
  ].join("\n");

  it("types our nat and rdr rules and keeps any other rule as text", () => {
    assert.deepEqual(parsePfctlNat(shown), [
      { kind: "nat", interface: "em0", subnet: "10.0.0.0/24" },
      { kind: "nat", interface: "em0", subnet: "10.0.1.0/24" },
      { kind: "rdr", interface: "em0", protocol: "tcp", hostPort: 8080, address: "10.0.0.10", port: 80 },
      { kind: "rdr", interface: "em0", protocol: "udp", hostPort: 5353, address: "10.0.0.11", port: 53 },
      { kind: "other", text: "rdr on em0 inet proto tcp from any to any port = 22 -> 10.0.0.12 port 22" },
    ]);
  });

  it("an empty anchor prints nothing; a missing one or a missing pf.ko says so on stderr", () => {
    assert.deepEqual(parsePfctlNat(""), []);
    assert.equal(anchorMissing("pfctl: DIOCGETRULES: Invalid argument\n"), true);
    assert.equal(anchorMissing("pfctl: /dev/pf: No such file or directory\n"), true);
    assert.equal(anchorMissing("pfctl: Permission denied\n"), false);
  });
});

describe("parsePfctlAnchors", () => {
  it("reads the child anchors pfctl_show_anchors() prints, two spaces in", () => {
    assert.deepEqual(parsePfctlAnchors("  pulumi/lan\n  pulumi/dmz\n"), ["pulumi/lan", "pulumi/dmz"]);
    assert.deepEqual(parsePfctlAnchors(""), []);
    assert.throws(() => parsePfctlAnchors("pulumi/lan\n"), NetworkParseError);
  });
});

describe("the pf.conf hooks, from pfctl -nvf /etc/pf.conf", () => {
  // pfctl -nvf prints macros and options as it parses, then the rules normalised: scrub, nat, rdr, filter.
  const good = [
    'ext_if = "em0"',
    "set skip on lo0",
    "scrub in all fragment reassemble",
    'nat-anchor "pulumi/*" all',
    "nat on em0 inet from 192.168.50.0/24 to any -> (em0) round-robin",
    'rdr-anchor "pulumi/*" all',
    'anchor "pulumi/*" all',
    "block drop in all",
    "pass out all flags S/SA keep state",
    "",
  ].join("\n");

  it("finds all three hooks", () => {
    assert.deepEqual([...hooksInRuleset(good)].sort(), ["anchor", "nat-anchor", "rdr-anchor"]);
    assert.deepEqual(judgePfConf(good, 0), {
      ok: true,
      missing: [],
      detail: "calls the pulumi/* anchors",
      where: judgePfConf(good, 0).where,
    });
  });

  it("names the lines a pf.conf lacks", () => {
    const partial = good.replace('rdr-anchor "pulumi/*" all\n', "").replace(/^anchor "pulumi\/\*" all\n/m, "");
    const v = judgePfConf(partial, 0);
    assert.equal(v.ok, false);
    assert.deepEqual(v.missing, ['rdr-anchor "pulumi/*"', 'anchor "pulumi/*"']);
    // An anchor of another name is not ours.
    assert.equal(hooksInRuleset('anchor "other/*" all\n').size, 0);
  });

  it("a missing file or one that does not parse needs every line", () => {
    const missing = judgePfConf("pfctl: cannot open the main config file!: No such file or directory\n", 1);
    assert.equal(missing.ok, false);
    assert.equal(missing.detail, "/etc/pf.conf does not exist");
    assert.equal(missing.missing.length, 3);
    const broken = judgePfConf("/etc/pf.conf:3: syntax error\n", 1);
    assert.match(broken.detail, /does not parse: \/etc\/pf\.conf:3: syntax error/);
  });

  it("gives the doctor a finding that lists the lines to add", () => {
    const f = pfAnchorFinding("pfctl: cannot open the main config file!: No such file or directory\n", 1);
    assert.equal(f.status, "missing");
    assert.match(f.detail, /'nat-anchor "pulumi\/\*"', 'rdr-anchor "pulumi\/\*"', 'anchor "pulumi\/\*"'/);
    assert.equal(pfAnchorFinding(good, 0).status, "ok");
  });
});
