// check for network.Bridge, network.Nat and vnet attachments: every failure at once, named by property, and
// values unknown during preview left alone.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UNKNOWN } from "../../../provider/check";
import { checkBridge, checkNat, vnetFailures } from "../../../provider/network/schema";

const connection = { host: "fbsd.example.org", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHJ5dW5vdGV4YW1wbGVrZXlrZXlrZXk=" }; // prettier-ignore
const owner = "infra/prod/Bridge/lan";

function props(failures: Array<{ property: string; reason: string }>): string[] {
  return failures.map((f) => f.property).sort();
}

describe("check network.Bridge", () => {
  it("accepts a bridge and fills in defaults", () => {
    const r = checkBridge({ owner, connection, name: "bridge0", addresses: ["10.0.0.1/24"] });
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.inputs.members, []);
    assert.equal(r.inputs.adopt, false);
  });

  it("reports overlapping subnets, duplicates and invalid names, all at once", () => {
    const r = checkBridge({
      owner,
      connection,
      name: "lan0",
      addresses: ["10.0.0.1/24", "10.0.0.129/25", "10.0.0.1/16", "10.1.0.0/24", "10.2.0.1", "10.3.0.1/24"],
      members: ["em0", "em0", "bad name", "a-very-long-interface-name"],
      mtu: 20,
    });
    assert.deepEqual(props(r.failures), [
      "addresses[1]", "addresses[2]", "addresses[3]", "addresses[4]", "members[1]", "members[2]", "members[3]", "mtu", "name",
    ]); // prettier-ignore
    const reason = (p: string) => r.failures.find((f) => f.property === p)!.reason;
    assert.match(reason("addresses[1]"), /10\.0\.0\.128\/25 overlaps 10\.0\.0\.0\/24 of addresses\[0\]/);
    assert.match(reason("addresses[2]"), /10\.0\.0\.1 is already addresses\[0\]/);
    assert.match(reason("addresses[3]"), /network or broadcast address of 10\.1\.0\.0\/24.*10\.1\.0\.1\/24/);
    assert.match(reason("addresses[4]"), /IPv4 address with a prefix length/);
    assert.match(reason("members[1]"), /em0 is already members\[0\]/);
    assert.match(reason("members[2]"), /must be an interface name/);
    assert.match(reason("name"), /must be bridge<N>/);
  });

  it("judges nothing that is unknown during preview", () => {
    const r = checkBridge({ owner, connection: UNKNOWN, addresses: [UNKNOWN, "10.0.0.1/24"], members: UNKNOWN });
    assert.deepEqual(r.failures, []);
  });
});

describe("check network.Nat", () => {
  const base = { owner, connection, anchor: "lan", egressInterface: "em0" };

  it("accepts NAT and port forwards", () => {
    const r = checkNat({
      ...base,
      subnets: ["10.0.0.0/24"],
      portForwards: [{ hostPort: 8080, address: "10.0.0.10", port: 80 }],
    });
    assert.deepEqual(r.failures, []);
    assert.equal(r.inputs.portForwards[0]!.protocol, "tcp");
  });

  it("reports overlapping subnets, addresses outside them, duplicate forwards and bad names at once", () => {
    const r = checkNat({
      ...base,
      anchor: "_hidden",
      egressInterface: "em0;reboot",
      subnets: ["10.0.0.0/24", "10.0.0.0/16", "10.1.0.1/24"],
      portForwards: [
        { hostPort: 8080, address: "10.0.0.10", port: 80 },
        { hostPort: 8080, address: "10.0.0.11" },
        { protocol: "udp", hostPort: 8080, address: "192.168.9.9" },
        { protocol: "sctp", hostPort: 0, address: "10.0.0.300" },
      ],
    });
    assert.deepEqual(props(r.failures), [
      "anchor", "egressInterface", "portForwards[1].hostPort", "portForwards[2].address", "portForwards[3].address",
      "portForwards[3].hostPort", "portForwards[3].protocol", "subnets[1]", "subnets[2]",
    ]); // prettier-ignore
    const reason = (p: string) => r.failures.find((f) => f.property === p)!.reason;
    assert.match(reason("subnets[1]"), /10\.0\.0\.0\/16 overlaps 10\.0\.0\.0\/24 of subnets\[0\]/);
    assert.match(reason("subnets[2]"), /not a network address; did you mean 10\.1\.0\.0\/24\?/);
    assert.match(reason("portForwards[1].hostPort"), /tcp\/8080 is already forwarded by portForwards\[0\]/);
    assert.match(reason("portForwards[2].address"), /192\.168\.9\.9 is outside the subnets this Nat serves/);
  });

  it("needs a subnet", () => {
    assert.deepEqual(props(checkNat({ ...base, subnets: [] }).failures), ["subnets"]);
  });

  it("waits for subnets known only after the bridge exists", () => {
    const r = checkNat({ ...base, subnets: UNKNOWN, portForwards: [{ hostPort: 80, address: "10.0.0.10" }] });
    assert.deepEqual(r.failures, []);
  });
});

describe("vnet attachments", () => {
  it("accepts an address in the bridge's subnet with the bridge as gateway", () => {
    const v = { bridge: "bridge0", address: "10.0.0.87/24", gateway: "10.0.0.1" };
    assert.deepEqual(vnetFailures(v, "vnet", ["10.0.0.1/24"]), []);
  });

  it("reports an address outside the bridge's subnet, a gateway outside the address's, and the bridge's own", () => {
    assert.deepEqual(
      vnetFailures({ bridge: "bridge0", address: "10.1.0.5/24", gateway: "10.0.0.1" }, "vnet", ["10.0.0.1/24"]),
      [
        { property: "vnet.gateway", reason: "10.0.0.1 is outside 10.1.0.0/24, the subnet of [vnet.address]" },
        { property: "vnet.address", reason: "10.1.0.5/24 is outside the subnets of bridge0 (10.0.0.0/24)" },
      ],
    );
    assert.deepEqual(props(vnetFailures({ bridge: "bridge0", address: "10.0.0.1/24" }, "vnet", ["10.0.0.1/24"])), ["vnet.address"]); // prettier-ignore
    assert.deepEqual(props(vnetFailures({ bridge: "br0", address: "10.0.0.255/24", mac: "zz" }, "vnet")), ["vnet.bridge", "vnet.mac"]); // prettier-ignore
    assert.deepEqual(props(vnetFailures({ bridge: "bridge0", address: "10.0.0.255/24" }, "vnet")), ["vnet.address"]);
  });
});
