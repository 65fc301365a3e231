// jail.Jail's inputs: every failure at once, defaults, the spec built from them, and how a change reaches a
// running jail.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UNKNOWN } from "../../../provider/check";
import { planChanges } from "../../../provider/jail/changes";
import { jailKind } from "../../../provider/jail/jail";
import { renderJailConf } from "../../../provider/jail/render";
import { expandNumber, jailSpec, type JailInputs } from "../../../provider/jail/schema";

const connection = {
  host: "192.0.2.1",
  hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOyDNYYSJ0w58SUrn7PxKNQatDbNvUsFfXKXggL3dFP2",
};
const base = { owner: "p/dev/Jail/web", connection, name: "web", rootfs: { path: "/jails/web" } };

async function check(news: Record<string, unknown>) {
  return jailKind.check({}, news);
}

describe("jail.Jail check", () => {
  it("reports every failure at once: names, networking, parameters, mounts, limits", async () => {
    const { failures } = await check({
      ...base,
      name: "web.example",
      hostname: "bad host",
      ip4: ["10.0.0.10/24", "not-an-address"],
      vnet: { bridge: "bridge0", address: "10.0.0.11/24" },
      params: { "exec.start": "x", "allow.mlock": true, sysvshm: "new", "Bad Name": 1 },
      mounts: [{ target: "/data" }, { path: "/srv/a b", target: "/data" }],
      limits: { memoryuse: "lots", nosuch: 1 },
      state: "paused",
    });
    const by = (property: string) => failures.filter((f) => f.property === property).map((f) => f.reason);
    assert.match(by("name")[0]!, /must be a jail name/);
    assert.match(by("hostname")[0]!, /must be a host name/);
    assert.match(by("ip4[1]")[0]!, /must be IPv4 addresses/);
    assert.deepEqual(by("ip4"), ["Only one of [ip4] and [vnet] can be set"]);
    assert.deepEqual(by("params.exec.start"), ['"exec.start" is set by [exec.start]; use it instead']);
    assert.deepEqual(by("params.allow.mlock"), ['"allow.mlock" is set by [allow.mlock]; use it instead']);
    assert.equal(by("params.sysvshm").length, 0, "a parameter without an argument of its own is fine");
    assert.match(by("params.Bad Name")[0]!, /lowercase words/);
    assert.deepEqual(by("mounts[0]"), ["set exactly one of [dataset] and [path]"]);
    assert.match(by("mounts[1].path")[0]!, /without blanks/);
    assert.deepEqual(by("mounts[1].target"), ["/data is mounted twice"]);
    assert.match(by("limits.memoryuse")[0]!, /must be a number/);
    assert.ok(by("limits.nosuch").length + by("limits").length > 0, "an unknown rctl resource fails");
    assert.ok(by("state").length > 0);
    assert.ok(failures.length >= 11, JSON.stringify(failures, null, 1));
  });

  it("needs one kind of root, and [interface] only with addresses", async () => {
    const none = await check({ ...base, rootfs: {}, interface: "em0" });
    assert.deepEqual(
      none.failures.map((f) => f.property),
      ["interface", "rootfs"],
    );
    const both = await check({ ...base, rootfs: { path: "/j", snapshot: "zroot/i@b" } });
    assert.match(both.failures[0]!.reason, /Only one of \[rootfs.path\]/);
  });

  it("tolerates values unknown during preview", async () => {
    const { failures } = await check({ ...base, rootfs: { snapshot: UNKNOWN }, hostname: UNKNOWN, vnet: UNKNOWN });
    assert.deepEqual(failures, []);
  });

  it("fills defaults and names the clone after the jail", async () => {
    const { inputs, failures } = await check({
      ...base,
      rootfs: { snapshot: "zroot/images/freebsd@base" },
      limits: { memoryuse: "512M", pcpu: 50 },
    });
    assert.deepEqual(failures, []);
    assert.deepEqual(inputs.rootfs, {
      kind: "clone",
      snapshot: "zroot/images/freebsd@base",
      dataset: "zroot/jails/web",
    });
    assert.deepEqual(inputs.limits, { memoryuse: "536870912", pcpu: "50" });
    assert.equal(inputs.state, "running");
    assert.equal(inputs.persist, true);
    assert.equal(expandNumber("2G"), "2147483648");
    assert.equal(expandNumber("1.5G"), undefined);
  });

  it("builds the spec: inherit by default, vnet and ip networking, mounts resolved to mountpoints", async () => {
    const { inputs } = await check({
      ...base,
      rootfs: { dataset: "tank/web" },
      vnet: { bridge: "bridge0", address: "10.0.0.10/24", gateway: "10.0.0.1" },
      mounts: [{ dataset: "tank/data", target: "/var/db/data", readOnly: true }],
      exec: { start: "/usr/local/bin/app" },
    });
    const spec = jailSpec(inputs, { "tank/web": "/tank/web", "tank/data": "/tank/data" });
    assert.deepEqual(spec.networking, {
      kind: "vnet",
      bridge: "bridge0",
      epair: "web",
      address: "10.0.0.10/24",
      gateway: "10.0.0.1",
      mac: undefined,
    });
    assert.deepEqual(spec.exec.start, ["/usr/local/bin/app"]);
    assert.match(renderJailConf(spec), /mount = "\/tank\/data \/tank\/web\/var\/db\/data nullfs ro 0 0";/);
    assert.throws(() => jailSpec(inputs, {}), /dataset tank\/web has no mountpoint/);
    const plain = jailSpec((await check(base)).inputs as JailInputs, {});
    assert.deepEqual(plain.networking, { kind: "inherit" });
  });
});

describe("how a change reaches a running jail", () => {
  const conf = async (extra: Record<string, unknown>) =>
    renderJailConf(jailSpec((await check({ ...base, ...extra })).inputs, {}));

  it("changes permissions and the hostname with jail -m, and resets a removed permission", async () => {
    const plan = planChanges(
      await conf({ allow: { rawSockets: true, mlock: true } }),
      await conf({ hostname: "w2", allow: { rawSockets: false } }),
      "web",
    );
    assert.deepEqual(plan.restart, []);
    assert.deepEqual(plan.live, ["allow.mlock", "allow.raw_sockets", "host.hostname"]);
    assert.deepEqual(plan.modify, { "allow.mlock": "false", "allow.raw_sockets": "false", "host.hostname": "w2" });
  });

  it("restarts for start-time parameters, and only rewrites the file for stop-time ones", async () => {
    const before = await conf({});
    assert.deepEqual(planChanges(before, await conf({ exec: { stop: "/bin/sh /etc/rc.shutdown" } }), "web"), {
      live: [],
      nextStop: ["exec.stop"],
      restart: [],
      modify: {},
    });
    assert.deepEqual(planChanges(before, await conf({ ip4: ["10.0.0.10/24"], devfsRuleset: 5 }), "web").restart, [
      "devfs_ruleset",
      "ip4",
      "ip4.addr",
      "ip6",
    ]);
    assert.deepEqual(planChanges("web { path = /x; syntax error }", before, "web").restart, ["(config)"]);
  });
});
