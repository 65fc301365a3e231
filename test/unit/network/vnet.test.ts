// The vnet address allocator: addresses derived from names, stable, distinct, inside the bridge's subnet.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AddressAllocator, fnv1a } from "../../../provider/network/vnet";

describe("AddressAllocator", () => {
  it("gives a name the same address in every program run, inside the subnet, never the bridge's", () => {
    const a = new AddressAllocator("10.0.0.1/24").allocate("web");
    const b = new AddressAllocator("10.0.0.1/24").allocate("web");
    assert.equal(a, b);
    assert.match(a, /^10\.0\.0\.(\d+)\/24$/);
    const host = Number(a.split(".")[3]!.split("/")[0]);
    assert.ok(host >= 2 && host <= 254, a);
    // FNV-1a pins the derivation: a changed hash function would move every jail.
    assert.equal(fnv1a("web"), 0x0fd9bc91);
    assert.equal(a, `10.0.0.${1 + (fnv1a("web") % 254)}/24`);
  });

  it("a name's address does not depend on which other names were asked for", () => {
    const alone = new AddressAllocator("10.0.0.1/24").allocate("db");
    const busy = new AddressAllocator("10.0.0.1/24");
    for (const n of ["web", "cache", "mail", "ci"]) busy.allocate(n);
    assert.equal(busy.allocate("db"), alone);
  });

  it("hands out distinct addresses when names collide, skipping the bridge and pinned ones", () => {
    const alloc = new AddressAllocator("192.168.7.1/29"); // six hosts: .1 is the bridge
    const pinned = alloc.pin("printer", "192.168.7.4/29");
    const got = ["a", "b", "c", "d"].map((n) => alloc.allocate(n));
    assert.equal(pinned, "192.168.7.4/29");
    assert.equal(new Set([...got, pinned, "192.168.7.1/29"]).size, 6);
    assert.throws(() => alloc.allocate("e"), /no free address left in 192\.168\.7\.0\/29 for e/);
  });

  it("asking twice for one name gives its address again", () => {
    const alloc = new AddressAllocator("10.0.0.1/24");
    assert.equal(alloc.allocate("web"), alloc.allocate("web"));
  });

  it("refuses pins outside the subnet or on a taken address", () => {
    const alloc = new AddressAllocator("10.0.0.1/24", ["10.0.0.2"]);
    assert.throws(() => alloc.pin("x", "10.0.1.5/24"), /outside 10\.0\.0\.0\/24, the bridge's subnet/);
    assert.throws(() => alloc.pin("x", "10.0.0.5/16"), /outside/);
    assert.throws(() => alloc.pin("x", "10.0.0.1/24"), /10\.0\.0\.1 is already the bridge/);
    assert.throws(() => alloc.pin("x", "10.0.0.2/24"), /already a reserved address/);
    const web = alloc.allocate("web");
    assert.throws(() => alloc.pin("y", web), /already the address of web/);
  });

  it("refuses a subnet too small for jails", () => {
    assert.throws(() => new AddressAllocator("10.0.0.1/31"), /no room for jails/);
    assert.throws(() => new AddressAllocator("10.0.0.1"), /not an IPv4 address with a prefix/);
  });
});
