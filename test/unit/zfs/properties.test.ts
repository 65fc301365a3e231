// The native property table, sizes as libzfs reads them, user property and dataset name rules.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  datasetNameProblem,
  normaliseValue,
  parseSize,
  propertyProblems,
  snapshotNameProblem,
  userPropertyNameProblem,
} from "../../../provider/zfs/properties";

describe("sizes (zfs_nicestrtonum)", () => {
  it("reads what zfs reads, in powers of 1024", () => {
    const cases: Array<[string, bigint]> = [
      ["0", 0n],
      ["512", 512n],
      ["1G", 1073741824n],
      ["1024M", 1073741824n],
      ["1073741824", 1073741824n],
      ["1g", 1073741824n],
      ["1GB", 1073741824n],
      ["1GiB", 1073741824n],
      ["1gib", 1073741824n],
      ["64K", 65536n],
      ["128k", 131072n],
      ["1.5G", 1610612736n],
      [".5K", 512n],
      ["1.", 1n],
      ["10B", 10n],
      ["15E", 15n << 60n],
    ];
    for (const [text, bytes] of cases) assert.equal(parseSize(text), bytes, text);
  });

  it("refuses what zfs refuses", () => {
    for (const text of [
      "",
      "G",
      "1 G",
      "1BB",
      "1BiB",
      "1X",
      "-1",
      "1GG",
      "1e3",
      "16E",
      "1Z",
      "18446744073709551616",
      "abc",
    ]) {
      assert.equal(parseSize(text), undefined, text);
    }
    assert.equal(parseSize("18446744073709551615"), 18446744073709551615n);
  });

  it("normalises sizes for diff, and nothing else", () => {
    assert.equal(normaliseValue("quota", "1G"), "1073741824");
    assert.equal(normaliseValue("quota", "1024M"), "1073741824");
    assert.equal(normaliseValue("quota", "none"), "0");
    assert.equal(normaliseValue("recordsize", "128K"), "131072");
    assert.equal(normaliseValue("compression", "gzip-6"), "gzip-6");
    assert.equal(normaliseValue("org.example:size", "1G"), "1G");
    assert.equal(normaliseValue("snapshot_limit", "none"), "none");
  });
});

describe("property problems", () => {
  it("reports every problem at once, each naming the property and the fix", () => {
    const problems = propertyProblems(
      {
        compression: "foo",
        recordsize: "100K",
        frobnicate: "on",
        "Org.Example:Role": "web",
        "org.example:role": "web",
        quota: "lots",
        mountpoint: "relative/path",
        canmount: "maybe",
        used: "1G",
        volsize: "1G",
        compress: "lz4",
        "pulumi-freebsd:owner": "me",
        atime: "off",
      },
      { type: "filesystem" },
    );
    const by = Object.fromEntries(problems.map((p) => [p.property, p.reason]));
    assert.deepEqual(Object.keys(by).sort(), [
      "Org.Example:Role",
      "canmount",
      "compress",
      "compression",
      "frobnicate",
      "mountpoint",
      "pulumi-freebsd:owner",
      "quota",
      "recordsize",
      "used",
      "volsize",
    ]);
    assert.match(by.compression!, /compression="foo": must be one of on, off, lzjb, gzip, .*lz4/);
    assert.match(by.recordsize!, /power of 2 from 512 to 16M/);
    assert.match(by.frobnicate!, /unknown native property "frobnicate"; user properties need a ':'/);
    assert.match(by["Org.Example:Role"]!, /lowercase letters/);
    assert.match(by.quota!, /must be a size/);
    assert.match(by.mountpoint!, /absolute path/);
    assert.match(by.used!, /read-only/);
    assert.match(by.volsize!, /does not apply to a filesystem/);
    assert.match(by.compress!, /full name "compression"/);
    assert.match(by["pulumi-freebsd:owner"]!, /reserved/);
  });

  it("accepts the values zfsprops(7) lists", () => {
    const ok = {
      compression: "zstd-19",
      recordsize: "1M",
      quota: "10G",
      refquota: "none",
      reservation: "512M",
      mountpoint: "/srv/data",
      atime: "off",
      canmount: "noauto",
      readonly: "on",
      exec: "off",
      setuid: "off",
      sharenfs: "-network 10.0.0.0/8",
      dedup: "sha256,verify",
      snapshot_limit: "none",
      filesystem_limit: "10",
      special_small_blocks: "0",
      casesensitivity: "insensitive",
      "org.example:role": "web",
      "com.example.x:a-b_c.d": "",
    };
    assert.deepEqual(propertyProblems(ok, { type: "filesystem" }), []);
    assert.deepEqual(propertyProblems({ recordsize: "16M" }, { type: "filesystem" }), []);
    assert.equal(propertyProblems({ recordsize: "32M" }, { type: "filesystem" }).length, 1);
    assert.equal(propertyProblems({ recordsize: "256" }, { type: "filesystem" }).length, 1);
  });

  it("knows which properties fit a volume", () => {
    const problems = propertyProblems(
      { volsize: "1G", mountpoint: "/x", compression: "lz4", refreservation: "auto", volmode: "dev" },
      { type: "volume", ownedBy: { volsize: "size", volblocksize: "blockSize" } },
    );
    assert.deepEqual(
      problems.map((p) => [p.property, p.reason]),
      [
        ["volsize", "set it with [size], not in [properties]"],
        ["mountpoint", '"mountpoint" does not apply to a volume (it applies to filesystem)'],
      ],
    );
  });

  it("takes only user properties on snapshots", () => {
    const problems = propertyProblems(
      { compression: "lz4", "org.example:why": "nightly" },
      { type: "snapshot", userOnly: true },
    );
    assert.deepEqual(
      problems.map((p) => p.property),
      ["compression"],
    );
  });

  it("refuses keylocation=prompt, which needs a terminal", () => {
    const [problem] = propertyProblems({ keylocation: "prompt" }, { type: "filesystem" });
    assert.match(problem!.reason, /file:\/\/\/path/);
  });
});

describe("user property names (zfsprops(7))", () => {
  it("follows the rules", () => {
    assert.equal(userPropertyNameProblem("org.example:role"), undefined);
    assert.equal(userPropertyNameProblem("a:b-c_d.e:0"), undefined);
    assert.match(userPropertyNameProblem("Org:role")!, /lowercase/);
    assert.match(userPropertyNameProblem("org:ro le")!, /lowercase/);
    assert.match(userPropertyNameProblem("-org:role")!, /cannot start with '-'/);
    assert.match(userPropertyNameProblem(`org:${"a".repeat(253)}`)!, /256/);
    assert.equal(userPropertyNameProblem(`org:${"a".repeat(252)}`), undefined);
  });
  it("limits values to 8192 bytes and one line", () => {
    const problems = propertyProblems(
      { "org:big": "x".repeat(8193), "org:ok": "x".repeat(8192), "org:multi": "a\nb" },
      { type: "filesystem" },
    );
    assert.deepEqual(
      problems.map((p) => p.property),
      ["org:big", "org:multi"],
    );
  });
});

describe("dataset names (zfs_namecheck.c)", () => {
  it("accepts valid names", () => {
    for (const name of ["zroot/jails/web", "tank/a b", "tank/a:b.c_d-e", "Pool1/x"]) {
      assert.equal(datasetNameProblem(name), undefined, name);
    }
  });
  it("refuses invalid ones with a reason", () => {
    const cases: Array<[string, RegExp]> = [
      ["zroot", /inside a pool/],
      ["/zroot/x", /must not start with "\/"/],
      ["zroot/x/", /empty component/],
      ["zroot//x", /empty component/],
      ["zroot/x@s", /snapshot/],
      ["zroot/x#b", /bookmark/],
      ["zroot/./x", /"\." component/],
      ["zroot/../x", /"\.\." component/],
      ["zroot/x%y", /invalid character "%"/],
      ["zroot/é", /invalid character/],
      ["1pool/x", /start with a letter/],
      ["mirror/x", /reserved/],
      [`zroot/${"a".repeat(251)}`, /shorter than 256/],
      [`zroot${"/a".repeat(50)}`, /deeper than 50/],
    ];
    for (const [name, reason] of cases) assert.match(datasetNameProblem(name) ?? "(valid)", reason, name);
  });
  it("checks snapshot names", () => {
    assert.equal(snapshotNameProblem("2024-01-01_nightly"), undefined);
    assert.match(snapshotNameProblem("a/b")!, /cannot contain/);
    assert.match(snapshotNameProblem("")!, /empty/);
    assert.match(snapshotNameProblem("a*b")!, /invalid character/);
  });
});
