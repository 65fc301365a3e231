// The kinds' pure logic: check (every failure at once, preview unknowns), diff, drift on refresh, ids.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UNKNOWN } from "../../../provider/check";
import { datasetKind, filesystem, type DatasetOutputs } from "../../../provider/zfs/dataset";
import type { DatasetState } from "../../../provider/zfs/inventory";
import { appliedOutputs, datasetId, diffManaged, refreshedOutputs } from "../../../provider/zfs/managed";
import type { PropertySource } from "../../../provider/zfs/parse";
import { snapshotKind } from "../../../provider/zfs/snapshot";
import { volume, volumeKind, type VolumeOutputs } from "../../../provider/zfs/volume";

const connection = { host: "10.0.0.5", port: 2222, user: "root" };
const owner = "proj/dev/Dataset/web";

function state(name: string, type: DatasetState["type"], props: Record<string, [string, string]>): DatasetState {
  const source = (s: string): PropertySource =>
    s.startsWith("inherited from ")
      ? { kind: "inherited", from: s.slice(15) }
      : s === "-"
        ? { kind: "none" }
        : ({ kind: s } as PropertySource);
  const properties = new Map(Object.entries(props).map(([k, [value, s]]) => [k, { value, source: source(s) }]));
  return { name, type, guid: props.guid?.[0] ?? "42", properties };
}

function webState(extra: Record<string, [string, string]> = {}): DatasetState {
  return state("zroot/web", "filesystem", {
    type: ["filesystem", "-"],
    guid: ["1520836224574345711", "-"],
    used: ["196608", "-"],
    available: ["96636764160", "-"],
    referenced: ["98304", "-"],
    creation: ["1717171717", "-"],
    origin: ["-", "-"],
    mountpoint: ["/zroot/web", "inherited from zroot"],
    mounted: ["yes", "-"],
    compression: ["gzip", "local"],
    quota: ["1073741824", "local"],
    casesensitivity: ["sensitive", "-"],
    "pulumi-freebsd:owner": [owner, "local"],
    ...extra,
  });
}

const webInputs = {
  connection,
  owner,
  name: "zroot/web",
  properties: { compression: "gzip-6", quota: "1G" },
  createParents: false,
  adopt: false,
  forceDestroy: false,
};

describe("zfs:Dataset check", () => {
  it("returns every failure at once", async () => {
    const { failures } = await datasetKind.check(
      {},
      {
        connection,
        owner,
        name: "zroot/bad%name",
        properties: { compression: "foo", "Bad:Name": "x", frobnicate: "1", quota: "ten gigs", recordsize: "3K" },
        forceDestroy: "yes",
      },
    );
    assert.deepEqual(failures.map((f) => f.property).sort(), [
      "forceDestroy",
      "name",
      "properties.Bad:Name",
      "properties.compression",
      "properties.frobnicate",
      "properties.quota",
      "properties.recordsize",
    ]);
    assert.match(failures.find((f) => f.property === "name")!.reason, /invalid character "%"/);
  });

  it("tolerates values unknown during preview", async () => {
    const { failures } = await datasetKind.check(
      {},
      { connection, owner, name: UNKNOWN, properties: { quota: UNKNOWN } },
    );
    assert.deepEqual(failures, []);
    const whole = await datasetKind.check({}, { connection, owner, name: "zroot/a", properties: UNKNOWN });
    assert.deepEqual(whole.failures, []);
  });

  it("fills defaults and turns numbers and booleans into zfs words", async () => {
    const { inputs, failures } = await datasetKind.check(
      {},
      { connection, owner, name: "zroot/a", properties: { atime: false, readonly: true, recordsize: 1048576 } },
    );
    assert.deepEqual(failures, []);
    assert.deepEqual(inputs.properties, { atime: "off", readonly: "on", recordsize: "1048576" });
    assert.equal(inputs.createParents, false);
    assert.equal(inputs.forceDestroy, false);
  });
});

describe("zfs:Volume check", () => {
  const base = { connection, owner, name: "zroot/vm/disk0", size: "10G" };
  it("refuses a shrink unless allowShrink, and sizes that do not parse or fit the block size", async () => {
    const shrink = await volumeKind.check({ ...base }, { ...base, size: "5G" });
    assert.deepEqual(
      shrink.failures.map((f) => f.property),
      ["size"],
    );
    assert.match(shrink.failures[0]!.reason, /destroys the data.*allowShrink/);
    const allowed = await volumeKind.check({ ...base }, { ...base, size: "5G", allowShrink: true });
    assert.deepEqual(allowed.failures, []);
    const grow = await volumeKind.check({ ...base }, { ...base, size: 20 * 2 ** 30 });
    assert.deepEqual(grow.failures, []);
    const bad = await volumeKind.check({}, { ...base, size: "ten", blockSize: "3K", properties: { volsize: "1G" } });
    assert.deepEqual(bad.failures.map((f) => f.property).sort(), ["blockSize", "properties.volsize", "size"]);
    const odd = await volumeKind.check({}, { ...base, size: "1000000" });
    assert.match(odd.failures[0]!.reason, /not a multiple of the block size \(16384 bytes, the default\)/);
    const unknownSize = await volumeKind.check({ ...base }, { ...base, size: UNKNOWN });
    assert.deepEqual(unknownSize.failures, []);
  });
});

describe("zfs:Snapshot check", () => {
  it("checks the dataset, the name and the properties together", async () => {
    const { failures } = await snapshotKind.check(
      {},
      { connection, owner, dataset: "zroot/a@x", name: "bad/name", properties: { compression: "lz4" } },
    );
    assert.deepEqual(failures.map((f) => f.property).sort(), ["dataset", "name", "properties.compression"]);
  });
});

describe("diff", () => {
  const olds = appliedOutputs(filesystem, webInputs, webState()) as DatasetOutputs;

  it("no change when the program is the same, however sizes are written", () => {
    const d = diffManaged(
      filesystem,
      olds,
      { ...webInputs, properties: { compression: "gzip-6", quota: "1024M" } },
      false,
    );
    assert.deepEqual(d, { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("an in-place change for a settable property, added or removed", () => {
    assert.equal(
      diffManaged(filesystem, olds, { ...webInputs, properties: { compression: "zstd", quota: "1G" } }, false).changes,
      true,
    );
    assert.equal(
      diffManaged(filesystem, olds, { ...webInputs, properties: { compression: "gzip-6" } }, false).changes,
      true,
    );
    const renamed = diffManaged(filesystem, olds, { ...webInputs, name: "zroot/www" }, false);
    assert.deepEqual(renamed, { changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("a replace naming the set-once property, unless the host already has that value", () => {
    const d = diffManaged(
      filesystem,
      olds,
      { ...webInputs, properties: { ...webInputs.properties, casesensitivity: "insensitive" } },
      false,
    );
    assert.deepEqual(d, { changes: true, replaces: ["properties.casesensitivity"], deleteBeforeReplace: true });
    const same = diffManaged(
      filesystem,
      olds,
      { ...webInputs, properties: { ...webInputs.properties, casesensitivity: "sensitive" } },
      false,
    );
    assert.deepEqual(same.replaces, []);
  });

  it("a move to another pool is a replace of the name", () => {
    const d = diffManaged(filesystem, olds, { ...webInputs, name: "tank/web" }, false);
    assert.deepEqual(d, { changes: true, replaces: ["name"], deleteBeforeReplace: false });
  });

  it("a volume's blockSize is set once; its size changes in place", () => {
    const vinputs = {
      ...webInputs,
      name: "zroot/vm/d0",
      properties: {},
      size: "10G",
      sparse: false,
      blockSize: "16K",
      allowShrink: false,
    };
    const vstate = state("zroot/vm/d0", "volume", {
      type: ["volume", "-"],
      guid: ["7", "-"],
      volsize: ["10737418240", "local"],
      volblocksize: ["16384", "-"],
    });
    const vold = appliedOutputs(volume, vinputs, vstate) as VolumeOutputs;
    assert.deepEqual(vold.appliedValues, { volsize: "10737418240", volblocksize: "16384" });
    assert.equal(vold.devicePath, "/dev/zvol/zroot/vm/d0");
    assert.deepEqual(
      diffManaged(volume, vold, { ...vinputs, size: "10240M", blockSize: "16384" }, false).changes,
      false,
    );
    assert.deepEqual(diffManaged(volume, vold, { ...vinputs, size: "20G" }, false), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(diffManaged(volume, vold, { ...vinputs, blockSize: "64K" }, false).replaces, ["blockSize"]);
  });
});

describe("refresh", () => {
  const olds = appliedOutputs(filesystem, webInputs, webState()) as DatasetOutputs;

  it("records what the host made of each value: gzip-6 reads back gzip, and that is no drift", () => {
    assert.deepEqual(olds.appliedValues, { compression: "gzip", quota: "1073741824" });
    const again = refreshedOutputs(filesystem, olds, webState());
    assert.deepEqual(again.properties, webInputs.properties);
    assert.equal(diffManaged(filesystem, again, webInputs, false).changes, false);
  });

  it("reports a zfs set outside Pulumi as drift, which the next diff repairs", () => {
    const drifted = refreshedOutputs(filesystem, olds, webState({ compression: ["zle", "local"] }));
    assert.deepEqual(drifted.properties, { compression: "zle", quota: "1G" });
    assert.equal(diffManaged(filesystem, drifted, webInputs, false).changes, true);
  });

  it("reports a property no longer set locally by dropping it", () => {
    const drifted = refreshedOutputs(filesystem, olds, webState({ quota: ["0", "default"] }));
    assert.deepEqual(drifted.properties, { compression: "gzip-6" });
    assert.deepEqual(drifted.appliedValues, { compression: "gzip" });
  });

  it("follows a rename outside Pulumi: the new name is in the outputs", () => {
    const moved = refreshedOutputs(filesystem, olds, { ...webState(), name: "zroot/renamed" });
    assert.equal(moved.name, "zroot/renamed");
    assert.equal(diffManaged(filesystem, moved, webInputs, false).changes, true);
  });

  it("reports every property with its source", () => {
    assert.deepEqual(olds.reported.mountpoint, { value: "/zroot/web", source: "inherited from zroot" });
    assert.equal(olds.mountpoint, "/zroot/web");
    assert.equal(olds.mounted, true);
    assert.equal(olds.origin, "");
    assert.equal(olds.guid, "1520836224574345711");
  });
});

describe("zfs:Snapshot diff", () => {
  const inputs = {
    connection,
    owner: "proj/dev/Snapshot/s",
    dataset: "zroot/web",
    name: "one",
    recursive: false,
    properties: { "org.example:why": "x" },
    adopt: false,
    forceDestroy: false,
  };
  const olds = {
    ...inputs,
    schemaVersion: 1,
    guid: "9",
    fullName: "zroot/web@one",
    creation: 1,
    used: 0,
    referenced: 0,
    clones: [],
    appliedValues: { "org.example:why": "x" },
    reported: {},
  };

  it("renames in place; a new [recursive] is a replace of the same name, so the old one goes first", async () => {
    assert.deepEqual(await snapshotKind.diff("", olds, { ...inputs, name: "two" }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(await snapshotKind.diff("", olds, { ...inputs, recursive: true }), {
      changes: true,
      replaces: ["recursive"],
      deleteBeforeReplace: true,
    });
    assert.equal((await snapshotKind.diff("", olds, inputs)).changes, false);
  });

  it("a dataset not known yet means the dataset is being replaced: so is the snapshot", async () => {
    assert.deepEqual((await snapshotKind.diff("", olds, { ...inputs, dataset: UNKNOWN })).replaces, ["dataset"]);
  });
});

describe("ids", () => {
  it("name the host and the guid, which survives a rename", () => {
    assert.equal(
      datasetId({ host: "10.0.0.5", port: 2222 }, "1520836224574345711"),
      "10.0.0.5:2222/guid:1520836224574345711",
    );
    assert.equal(datasetId({ host: "web1.example.org" }, "7"), "web1.example.org/guid:7");
  });
});
