// Parsers on OpenZFS 2.2 output: zfs.md's examples and messages taken from cmd/zfs/zfs_main.c and libzfs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ZfsParseError,
  formatSource,
  groupByDataset,
  parseGetOutput,
  parseListOutput,
  parseSource,
  parseZfsErrors,
} from "../../../provider/zfs/parse";

// `zfs get -H -p -o name,property,value,source all zroot/vm zroot/vm/disk0` (abridged, real layout: one TAB
// between fields, no header, exact numbers, the six kinds of source).
const GET_ALL = [
  "zroot/vm\ttype\tfilesystem\t-",
  "zroot/vm\tcreation\t1717171717\t-",
  "zroot/vm\tused\t196608\t-",
  "zroot/vm\tavailable\t96636764160\t-",
  "zroot/vm\treferenced\t98304\t-",
  "zroot/vm\tcompressratio\t1.00\t-",
  "zroot/vm\tmounted\tyes\t-",
  "zroot/vm\tquota\t0\tdefault",
  "zroot/vm\trecordsize\t131072\tdefault",
  "zroot/vm\tmountpoint\t/tank/vm\tlocal",
  "zroot/vm\tcompression\tlz4\tinherited from zroot",
  "zroot/vm\tatime\toff\ttemporary",
  "zroot/vm\texec\toff\treceived",
  "zroot/vm\tguid\t1520836224574345711\t-",
  "zroot/vm\torigin\t-\t-",
  "zroot/vm\tfilesystem_limit\tnone\tdefault",
  "zroot/vm\torg.example:managed\ttrue\tlocal",
  "zroot/vm\torg.example:note\ta\tb\tlocal",
  "zroot/vm/disk0\ttype\tvolume\t-",
  "zroot/vm/disk0\tvolsize\t10737418240\tlocal",
  "zroot/vm/disk0\tvolblocksize\t16384\t-",
  "zroot/vm/disk0\tmountpoint\t-\t-",
  "zroot/vm/disk0\torg.example:managed\ttrue\tinherited from zroot/vm",
  "",
].join("\n");

describe("zfs get -H -p", () => {
  it("reads every source kind and groups by dataset", () => {
    const rows = parseGetOutput(GET_ALL);
    assert.equal(rows.length, 23);
    const byName = groupByDataset(rows);
    assert.deepEqual([...byName.keys()], ["zroot/vm", "zroot/vm/disk0"]);
    const vm = byName.get("zroot/vm")!.properties;
    assert.deepEqual(vm.get("compression"), { value: "lz4", source: { kind: "inherited", from: "zroot" } });
    assert.deepEqual(vm.get("mountpoint"), { value: "/tank/vm", source: { kind: "local" } });
    assert.deepEqual(vm.get("atime")!.source, { kind: "temporary" });
    assert.deepEqual(vm.get("exec")!.source, { kind: "received" });
    assert.deepEqual(vm.get("quota")!.source, { kind: "default" });
    assert.deepEqual(vm.get("guid"), { value: "1520836224574345711", source: { kind: "none" } });
    // A user property value may itself hold a TAB: the source still ends the line.
    assert.equal(vm.get("org.example:note")!.value, "a\tb");
    const disk = byName.get("zroot/vm/disk0")!.properties;
    assert.deepEqual(disk.get("org.example:managed")!.source, { kind: "inherited", from: "zroot/vm" });
    assert.equal(disk.get("mountpoint")!.value, "-");
  });

  it("round-trips sources, including dataset names with spaces", () => {
    for (const text of ["-", "default", "local", "temporary", "received", "inherited from tank/my data"]) {
      assert.equal(formatSource(parseSource(text)), text);
    }
  });

  it("quotes the line it cannot read", () => {
    assert.throws(
      () => parseGetOutput("zroot/vm\tcompression\tlz4\tinherited by zroot\n"),
      (e: unknown) =>
        e instanceof ZfsParseError && /inherited by zroot/.test(e.message) && e.line.startsWith("zroot/vm"),
    );
    assert.throws(() => parseGetOutput("NAME  PROPERTY  VALUE  SOURCE\n"), /expected name, property, value and source/);
  });
});

describe("zfs list -H -p", () => {
  it("reads zfs.md's example", () => {
    const text = "tank/vm\t196608\t96636764160\t98304\t/tank/vm\ntank/vm/cp1/disk0\t12288\t96636764160\t12288\t-\n";
    assert.deepEqual(parseListOutput(text, ["name", "used", "avail", "refer", "mountpoint"]), [
      { name: "tank/vm", used: "196608", avail: "96636764160", refer: "98304", mountpoint: "/tank/vm" },
      { name: "tank/vm/cp1/disk0", used: "12288", avail: "96636764160", refer: "12288", mountpoint: "-" },
    ]);
    assert.throws(() => parseListOutput("tank/vm\t1\n", ["name", "guid", "used"]), /tank\/vm\\t1/);
    assert.deepEqual(parseListOutput("", ["name"]), []);
  });
});

describe("zfs errors", () => {
  it("classifies the messages of zfs.md", () => {
    const kinds = (stderr: string) => parseZfsErrors(stderr).map((f) => f.kind);
    assert.deepEqual(parseZfsErrors("cannot open 'tank/x': dataset does not exist\n"), [
      { kind: "notFound", name: "tank/x", message: "cannot open 'tank/x': dataset does not exist" },
    ]);
    assert.deepEqual(kinds("cannot create 'tank/x': dataset already exists\n"), ["alreadyExists"]);
    assert.deepEqual(kinds("cannot create 'tank/x/y': parent does not exist\n"), ["parentMissing"]);
    const [pool] = parseZfsErrors("cannot create 'p/x': no such pool 'p'\n");
    assert.deepEqual(pool, {
      kind: "noSuchPool",
      name: "p/x",
      pool: "p",
      message: "cannot create 'p/x': no such pool 'p'",
    });
    assert.deepEqual(parseZfsErrors("cannot set property for 'tank/v': 'volblocksize' is readonly\n")[0], {
      kind: "readonlyProperty",
      name: "tank/v",
      property: "volblocksize",
      message: "cannot set property for 'tank/v': 'volblocksize' is readonly",
    });
    assert.deepEqual(kinds("cannot create snapshot 'tank/a@s': dataset already exists\n"), ["alreadyExists"]);
    assert.deepEqual(kinds("cannot destroy 'tank/a': dataset is busy\n"), ["busy"]);
    assert.deepEqual(kinds("filesystem successfully created, but not mounted\n"), ["createdNotMounted"]);
    assert.deepEqual(kinds("could not find any snapshots to destroy; check snapshot names.\n"), ["noSnapshots"]);
    assert.deepEqual(kinds("cannot inherit org.example:x for 'tank/a': property cannot be inherited\n"), ["other"]);
  });

  it("lists the children a destroy refused over (zfs_main.c destroy_check_dependent)", () => {
    const stderr = [
      "cannot destroy 'tank/a': filesystem has children",
      "use '-r' to destroy the following datasets:",
      "tank/a/b",
      "tank/a@s1",
      "",
    ].join("\n");
    const [f] = parseZfsErrors(stderr);
    assert.equal(f!.kind, "hasChildren");
    assert.ok(f!.kind === "hasChildren");
    assert.equal(f.name, "tank/a");
    assert.equal(f.type, "filesystem");
    assert.deepEqual(f.children, ["tank/a/b", "tank/a@s1"]);
    assert.equal(f.message, stderr.trimEnd());
  });

  it("lists each dependent once, though zfs may print one twice", () => {
    const [f] = parseZfsErrors(
      "cannot destroy 'tank/a': filesystem has children\nuse '-r' to destroy the following datasets:\ntank/a/r\ntank/a/r\n",
    );
    assert.ok(f!.kind === "hasChildren");
    assert.deepEqual(f.children, ["tank/a/r"]);
  });

  it("lists the clones that hold a snapshot", () => {
    const [f] = parseZfsErrors(
      "cannot destroy 'tank/a@s': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\ntank/c\n",
    );
    assert.ok(f!.kind === "hasClones");
    assert.deepEqual([f.name, f.type, f.clones], ["tank/a@s", "snapshot", ["tank/c"]]);
    const [unquoted] = parseZfsErrors("cannot destroy snapshot tank/my data@s: snapshot is cloned\n");
    assert.ok(unquoted!.kind === "hasClones");
    assert.equal(unquoted.name, "tank/my data@s");
  });

  it("reads several failures from one stderr (a zfs get over missing datasets)", () => {
    const failures = parseZfsErrors(
      "cannot open 'zroot/gone': dataset does not exist\ncannot open 'zroot/also gone': dataset does not exist\n",
    );
    assert.deepEqual(
      failures.map((f) => (f.kind === "notFound" ? f.name : f.kind)),
      ["zroot/gone", "zroot/also gone"],
    );
  });
});
