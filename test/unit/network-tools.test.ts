// The simulated ifconfig, pfctl and route, run as the sandbox runs them (`node main.js TOOL ARGS`): exact
// output, errors and exit codes, and the host state they share with kldload, sysrc and jail.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { StateStore } from "../../sandbox/state";
import { writeHostFile } from "../../sandbox/tools/hostfs";

const MAIN = path.resolve(__dirname, "../../sandbox/tools/main.js");

interface Run {
  out: string;
  err: string;
  code: number | null;
}

let dir: string;

function run(tool: string, args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Run {
  const r = spawnSync(process.execPath, [MAIN, tool, ...args], {
    encoding: "utf8",
    input: opts.input,
    env: { ...process.env, ...opts.env, PF_SANDBOX_HOST_DIR: dir },
  });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

function expect(r: Run, out: string, err = "", code = 0): void {
  assert.deepEqual(r, { out, err, code });
}

/** Runs a command that must succeed and returns its stdout. */
function ok(tool: string, ...args: string[]): string {
  const r = run(tool, args);
  assert.equal(r.code, 0, `${tool} ${args.join(" ")}: ${r.err}`);
  return r.out;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "pf-net-tools-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("simulated ifconfig", () => {
  it("a fresh host has the uplink em0 and lo0, in attach order", () => {
    expect(run("ifconfig", ["-l"]), "em0 lo0\n");
    const lo0 = [
      "lo0: flags=1008049<UP,LOOPBACK,RUNNING,MULTICAST,LOWER_UP> metric 0 mtu 16384",
      "\toptions=680003<RXCSUM,TXCSUM,LINKSTATE,RXCSUM_IPV6,TXCSUM_IPV6>",
      "\tinet 127.0.0.1 netmask 0xff000000",
      "\tinet6 ::1 prefixlen 128",
      "\tinet6 fe80::1%lo0 prefixlen 64 scopeid 0x2",
      "\tgroups: lo",
      "\tnd6 options=21<PERFORMNUD,AUTO_LINKLOCAL>",
      "",
    ].join("\n");
    expect(run("ifconfig", ["lo0"]), lo0);
    const em0 = ok("ifconfig", "em0");
    assert.match(em0, /^em0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n/);
    assert.match(em0, /\n\tinet 192\.0\.2\.10 netmask 0xffffff00 broadcast 192\.0\.2\.255\n/);
    assert.match(em0, /\n\tmedia: Ethernet autoselect \(1000baseT <full-duplex>\)\n\tstatus: active\n/);
    assert.equal(ok("ifconfig"), em0 + lo0);
    expect(run("ifconfig", ["em1"]), "", "ifconfig: interface em1 does not exist\n", 1);
  });

  it("clones bridges: the picked name is printed, a given one is not; loading if_bridge on the way", () => {
    expect(run("ifconfig", ["bridge", "create"]), "bridge0\n");
    expect(run("ifconfig", ["bridge5", "create"]), "");
    expect(run("ifconfig", ["bridge", "create"]), "bridge1\n");
    expect(run("ifconfig", ["bridge5", "create"]), "", "ifconfig: create: bad value\n", 1);
    assert.match(ok("kldstat"), /if_bridge\.ko\n.*bridgestp\.ko\n/s);
    expect(
      run("ifconfig", ["bridge0"]),
      [
        "bridge0: flags=8802<BROADCAST,SIMPLEX,MULTICAST> metric 0 mtu 1500",
        "\toptions=0",
        `\tether ${/ether (\S+)/.exec(ok("ifconfig", "bridge0"))![1]}`,
        "\tid 00:00:00:00:00:00 priority 32768 hellotime 2 fwddelay 15",
        "\tmaxage 20 holdcnt 6 proto rstp maxaddr 2000 timeout 1200",
        "\troot id 00:00:00:00:00:00 priority 32768 ifcost 0 port 0",
        "\tgroups: bridge",
        "\tnd6 options=9<PERFORMNUD,IFDISABLED>",
        "",
      ].join("\n"),
    );
    expect(run("ifconfig", ["-g", "bridge"]), "bridge0\nbridge5\nbridge1\n");
    expect(run("ifconfig", ["-g", "nosuchgroup"]), "");
    expect(run("ifconfig", ["bridge5", "destroy"]), "");
    expect(run("ifconfig", ["lo0", "destroy"]), "", "ifconfig: SIOCIFDESTROY: Invalid argument\n", 1);
  });

  it("epairs come in pairs and can be renamed; a bridge lists its members as ifbridge.c does", () => {
    expect(run("ifconfig", ["epair", "create"]), "epair0a\n");
    expect(run("ifconfig", ["epair0a", "name", "e0a_web"]), "e0a_web\n");
    expect(run("ifconfig", ["e0a_web", "name", "em0"]), "", "ifconfig: ioctl SIOCSIFNAME (set name): File exists\n", 1); // prettier-ignore
    ok("ifconfig", "bridge0", "create");
    expect(run("ifconfig", ["bridge0", "inet", "10.0.0.1/24", "addm", "e0a_web", "descr", "lan", "up"]), "");
    const shown = ok("ifconfig", "bridge0");
    assert.match(shown, /^bridge0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n\tdescription: lan\n\toptions=0\n/); // prettier-ignore
    assert.match(shown, /\n\tinet 10\.0\.0\.1 netmask 0xffffff00 broadcast 10\.0\.0\.255\n/);
    assert.match(shown, /\n\tmember: e0a_web flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>\n\t {8}ifmaxaddr 0 port 3 priority 128 path cost 2000\n\tgroups: bridge\n/); // prettier-ignore
    assert.match(ok("ifconfig", "e0a_web"), /^e0a_web: flags=8902<BROADCAST,PROMISC,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\toptions=8<VLAN_MTU>\n\tether 02:[0-9a-f:]{11}:0a\n\tgroups: epair\n\tmedia: Ethernet 10Gbase-T \(10Gbase-T <full-duplex>\)\n/); // prettier-ignore
    expect(run("ifconfig", ["bridge0", "addm", "e0a_web"]), "", "ifconfig: BRDGADD e0a_web: Device busy\n", 1);
    expect(run("ifconfig", ["bridge0", "addm", "em7"]), "", "ifconfig: BRDGADD em7: No such file or directory\n", 1);
    expect(run("ifconfig", ["bridge0", "deletem", "epair0b"]), "", "ifconfig: BRDGDEL epair0b: No such file or directory\n", 1); // prettier-ignore
    // Destroying one end takes the other, and the bridge membership with it.
    expect(run("ifconfig", ["e0a_web", "destroy"]), "");
    expect(run("ifconfig", ["-l"]), "em0 lo0 bridge0\n");
    assert.doesNotMatch(ok("ifconfig", "bridge0"), /member:/);
  });

  it("addresses: alias adds, a plain inet replaces the first, -alias removes; a second prefix route is refused", () => {
    ok("ifconfig", "bridge0", "create");
    expect(run("ifconfig", ["bridge0", "inet", "10.0.0.1/24", "alias"]), "");
    expect(run("ifconfig", ["bridge0", "inet", "10.0.1.1/24", "alias"]), "");
    expect(run("ifconfig", ["bridge0", "inet", "10.0.0.9/24", "alias"]), "", "ifconfig: ioctl (SIOCAIFADDR): File exists\n", 1); // prettier-ignore
    expect(run("ifconfig", ["bridge0", "inet", "10.0.2.1", "netmask", "0xffffff00"]), "");
    assert.match(ok("ifconfig", "bridge0"), /\tinet 10\.0\.1\.1 netmask 0xffffff00 broadcast 10\.0\.1\.255\n\tinet 10\.0\.2\.1 netmask 0xffffff00/); // prettier-ignore
    expect(run("ifconfig", ["bridge0", "inet", "10.0.1.1", "-alias"]), "");
    expect(run("ifconfig", ["bridge0", "inet", "10.0.1.1", "-alias"]), "", "ifconfig: ioctl (SIOCDIFADDR): Can't assign requested address\n", 1); // prettier-ignore
    expect(run("ifconfig", ["bridge0", "inet", "10.0.300.1/24"]), "", "ifconfig: 10.0.300.1/24: bad value\n", 1);
    expect(run("ifconfig", ["bridge0", "mtu", "9000", "-descr"]), "");
    assert.match(ok("ifconfig", "bridge0"), /mtu 9000\n/);
  });

  it("vnet moves an interface into a jail, where ifconfig and route see it; the jail's end hands it back", () => {
    ok("ifconfig", "epair", "create");
    expect(run("ifconfig", ["epair0b", "vnet", "web"]), "", 'ifconfig: jail "web" not found\n', 1);
    new StateStore(dir).update((s) => {
      s.jails = {
        nextJid: 2,
        nextCpuset: 3,
        jails: [{ jid: 1, name: "web", params: {}, cpusetid: 2, interfaces: [] }],
      };
    });
    expect(run("ifconfig", ["epair0b", "vnet", "web"]), "");
    expect(run("ifconfig", ["-l"]), "em0 lo0 epair0a\n");
    const inJail = { env: { PF_SANDBOX_JAIL: "web" } };
    expect(run("ifconfig", ["-l"], inJail), "lo0 epair0b\n");
    expect(run("route", ["add", "default", "10.0.0.1"], inJail), "", "add net default: gateway 10.0.0.1 fib 0: Network is unreachable\n", 1); // prettier-ignore
    expect(run("ifconfig", ["epair0b", "inet", "10.0.0.10/24", "up"], inJail), "");
    expect(run("route", ["add", "default", "10.0.0.1"], inJail), "add net default: gateway 10.0.0.1\n");
    assert.match(run("route", ["get", "default"], inJail).out, /^ {4}gateway: 10\.0\.0\.1\n {8}fib: 0\n {2}interface: epair0b\n/m); // prettier-ignore
    assert.match(ok("route", "get", "default"), /gateway: 192\.0\.2\.1\n/);
    expect(run("ifconfig", ["epair0b", "-vnet", "web"]), "");
    expect(run("ifconfig", ["-l"]), "em0 lo0 epair0a epair0b\n");
    // A jail that is gone takes nothing with it: its interfaces are the host's again.
    ok("ifconfig", "epair0b", "vnet", "web");
    new StateStore(dir).update((s) => {
      s.jails = { nextJid: 2, nextCpuset: 3, jails: [] };
    });
    expect(run("ifconfig", ["-l"]), "em0 lo0 epair0a epair0b\n");
  });
});

describe("simulated pfctl", () => {
  const rules =
    "nat on em0 inet from 10.0.0.0/24 to any -> (em0)\n" +
    "rdr pass on em0 inet proto tcp from any to (em0) port 8080 -> 10.0.0.10 port 80\n";

  it("needs pf.ko, except to parse a file with -n", () => {
    expect(run("pfctl", ["-s", "Running"]), "", "pfctl: /dev/pf: No such file or directory\n", 1);
    writeHostFile(dir, "/etc/pf.conf", 'nat-anchor "pulumi/*"\nanchor "pulumi/*"\n');
    expect(run("pfctl", ["-nvf", "/etc/pf.conf"]), 'nat-anchor "pulumi/*" all\nanchor "pulumi/*" all\n');
  });

  it("-e and -d say what they did, and refuse to do it twice", () => {
    ok("kldload", "pf");
    expect(run("pfctl", ["-s", "Running"]), "Disabled\n", "", 1);
    expect(run("pfctl", ["-e"]), "", "pf enabled\n");
    expect(run("pfctl", ["-e"]), "", "pfctl: pf already enabled\n", 1);
    expect(run("pfctl", ["-s", "Running"]), "Enabled\n");
    assert.match(ok("pfctl", "-s", "info"), /^Status: Enabled for 0 days 00:00:0\d {10,}Debug: Urgent\n\n$/);
    expect(run("pfctl", ["-d"]), "", "pf disabled\n");
    expect(run("pfctl", ["-d"]), "", "pfctl: pf not enabled\n", 1);
  });

  it("loads an anchor from stdin and shows it back normalised; -P prints ports as numbers", () => {
    ok("kldload", "pf");
    expect(run("pfctl", ["-a", "pulumi/lan", "-f", "-"], { input: rules }), "");
    const normalised = (port: string) =>
      "nat on em0 inet from 10.0.0.0/24 to any -> (em0) round-robin\n" +
      `rdr pass on em0 inet proto tcp from any to (em0) port = ${port} -> 10.0.0.10 port 80\n`;
    expect(run("pfctl", ["-a", "pulumi/lan", "-s", "nat"]), normalised("http-alt"));
    expect(run("pfctl", ["-a", "pulumi/lan", "-P", "-sn"]), normalised("8080"));
    expect(run("pfctl", ["-a", "pulumi/lan", "-s", "rules"]), "");
    expect(run("pfctl", ["-s", "Anchors"]), "  pulumi\n");
    expect(run("pfctl", ["-a", "pulumi", "-s", "Anchors"]), "  pulumi/lan\n");
    expect(run("pfctl", ["-a", "pulumi/none", "-s", "nat"]), "", "pfctl: DIOCGETRULES: Invalid argument\n");
  });

  it("reports syntax errors with the file and line, and loads nothing", () => {
    ok("kldload", "pf");
    const bad = "nat on em0 from 10.0.0.0/24 to any -> (em0)\nrdr on em0 proto tcp to port 80\n";
    expect(run("pfctl", ["-a", "x", "-f", "-"], { input: bad }), "", "stdin:2: syntax error\npfctl: Syntax error in config file: pf rules not loaded\n", 1); // prettier-ignore
    const order = 'anchor "pulumi/*"\nnat-anchor "pulumi/*"\n';
    expect(run("pfctl", ["-a", "x", "-f", "-"], { input: order }), "", "stdin:2: Rules must be in order: options, ethernet, normalization, queueing, translation, filtering\npfctl: Syntax error in config file: pf rules not loaded\n", 1); // prettier-ignore
    expect(run("pfctl", ["-a", "x", "-s", "nat"]), "", "pfctl: DIOCGETRULES: Invalid argument\n");
  });

  it("-F all empties an anchor, which then disappears", () => {
    ok("kldload", "pf");
    run("pfctl", ["-a", "pulumi/lan", "-f", "-"], { input: rules });
    expect(run("pfctl", ["-a", "pulumi/lan", "-F", "all"]), "", "Ethernet rules cleared\nrules cleared\nnat cleared\n0 tables deleted.\n"); // prettier-ignore
    expect(run("pfctl", ["-a", "pulumi", "-s", "Anchors"]), "", "pfctl: DIOCGETRULESETS: No such file or directory\n", 1); // prettier-ignore
  });

  it("the main ruleset's hooks keep the pulumi anchor, empty or not", () => {
    ok("kldload", "pf");
    writeHostFile(
      dir,
      "/etc/pf.conf",
      'ext_if = "em0"\nnat-anchor "pulumi/*"\nanchor "pulumi/*"\npass out on $ext_if all\n',
    );
    expect(run("pfctl", ["-f", "/etc/pf.conf"]), "");
    expect(run("pfctl", ["-s", "rules"]), 'anchor "pulumi/*" all\npass out on em0 all flags S/SA keep state\n');
    expect(run("pfctl", ["-a", "pulumi", "-s", "Anchors"]), "");
  });
});
