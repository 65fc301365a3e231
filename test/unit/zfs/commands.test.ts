// Golden argv for every zfs command the kinds run.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as cmd from "../../../provider/zfs/commands";
import { shellJoin } from "../../../provider/ssh/quote";

describe("zfs command builders", () => {
  it("create a filesystem: -o sorted by name, never -p", () => {
    assert.deepEqual(
      cmd.createFilesystem({
        name: "zroot/jails/web",
        properties: { "pulumi-freebsd:owner": "p/dev/Dataset/web", compression: "lz4", "org.example:role": "web" },
      }),
      [
        "zfs", "create", "-o", "compression=lz4", "-o", "org.example:role=web", "-o",
        "pulumi-freebsd:owner=p/dev/Dataset/web", "zroot/jails/web",
      ],
    ); // prettier-ignore
  });

  it("create a volume: -s, -b, -o, -V size, name (zfs-create(8) order)", () => {
    assert.deepEqual(
      cmd.createVolume({
        name: "zroot/vm/disk0",
        properties: { volmode: "dev" },
        size: "10737418240",
        sparse: true,
        blockSize: "16384",
      }),
      ["zfs", "create", "-s", "-b", "16384", "-o", "volmode=dev", "-V", "10737418240", "zroot/vm/disk0"],
    );
    assert.deepEqual(cmd.createVolume({ name: "p/v", properties: {}, size: "1G", sparse: false }), [
      "zfs", "create", "-V", "1G", "p/v",
    ]); // prettier-ignore
  });

  it("parents, set, inherit -S, rename, destroy, snapshot", () => {
    assert.deepEqual(cmd.createParents("zroot/a/b"), ["zfs", "create", "-p", "zroot/a/b"]);
    assert.deepEqual(cmd.setProperties("zroot/a", { quota: "1G", compression: "zstd" }), [
      "zfs", "set", "compression=zstd", "quota=1G", "zroot/a",
    ]); // prettier-ignore
    assert.throws(() => cmd.setProperties("zroot/a", {}), RangeError);
    assert.deepEqual(cmd.inheritProperty("zroot/a", "compression"), ["zfs", "inherit", "-S", "compression", "zroot/a"]);
    assert.deepEqual(cmd.renameDataset("zroot/a", "zroot/b"), ["zfs", "rename", "zroot/a", "zroot/b"]);
    assert.deepEqual(cmd.renameDataset("zroot/a", "zroot/x/b", { createParents: true }), [
      "zfs", "rename", "-p", "zroot/a", "zroot/x/b",
    ]); // prettier-ignore
    assert.deepEqual(cmd.renameSnapshot("zroot/a@1", "zroot/a@2", { recursive: true }), [
      "zfs", "rename", "-r", "zroot/a@1", "zroot/a@2",
    ]); // prettier-ignore
    assert.deepEqual(cmd.destroy("zroot/a"), ["zfs", "destroy", "zroot/a"]);
    assert.deepEqual(cmd.destroy("zroot/a", { recursive: true }), ["zfs", "destroy", "-r", "zroot/a"]);
    assert.deepEqual(cmd.destroy("zroot/c", { dependents: true }), ["zfs", "destroy", "-R", "zroot/c"]);
    assert.deepEqual(
      cmd.snapshot("zroot/a@nightly", { recursive: true, properties: { "pulumi-freebsd:owner": "o" } }),
      ["zfs", "snapshot", "-r", "-o", "pulumi-freebsd:owner=o", "zroot/a@nightly"],
    );
  });

  it("reads: one get over many datasets, recursive get, guid listing", () => {
    assert.deepEqual(cmd.getAll(["zroot/a", "zroot/b@s"]), [
      "zfs", "get", "-H", "-p", "-o", "name,property,value,source", "all", "zroot/a", "zroot/b@s",
    ]); // prettier-ignore
    assert.deepEqual(cmd.getRecursive("zroot/a", ["type", "pulumi-freebsd:owner"]), [
      "zfs", "get", "-H", "-p", "-r", "-t", "filesystem,volume,snapshot", "-o", "name,property,value,source",
      "type,pulumi-freebsd:owner", "zroot/a",
    ]); // prettier-ignore
    assert.deepEqual(cmd.listGuids(["zroot", "tank"], ["filesystem", "volume"]), [
      "zfs", "list", "-H", "-p", "-o", "name,guid", "-t", "filesystem,volume", "-r", "zroot", "tank",
    ]); // prettier-ignore
  });

  it("hostile names and values stay single words on the wire", () => {
    const argv = cmd.setProperties("zroot/a b", { "org.example:note": "it's $(rm -rf /); `x`" });
    assert.equal(shellJoin(argv), `zfs set 'org.example:note=it'\\''s $(rm -rf /); \`x\`' 'zroot/a b'`);
  });
});
