// The ZFS example through the real Pulumi CLI against a sandbox host: no-op second up, in-place update, rename
// that keeps the data, a replace the preview explains, drift on refresh, a refused destroy, a clean destroy.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { zfsExample, type ZfsExampleOptions } from "../../examples/zfs/program";
import { zfs } from "../../sdk";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { readHostFile, writeHostFile } from "../../sandbox/tools/hostfs";
import { initialZfs, type ZfsState } from "../../sandbox/tools/zfs/model";
import { exportedResources, newStack, type TestStack, tearDown } from "../support/engine";
import { ssh } from "../support/sandbox";

const ROOT = "zroot/pf-example";

describe("engine: the zfs example on a sandbox host", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;
  let t: TestStack;
  let options: ZfsExampleOptions = {};

  function use(opts: ZfsExampleOptions): void {
    options = { ...options, ...opts };
    t.stack.workspace.program = zfsExample(box.connection, options);
  }
  function sh(command: string): string {
    const r = ssh(box, command);
    assert.equal(r.code, 0, `${command}: ${r.stderr}`);
    return r.stdout;
  }
  function get(name: string, property: string): [string, string] {
    const [value, source] = sh(`zfs get -H -p -o value,source ${property} '${name}'`).trimEnd().split("\t");
    return [value!, source!];
  }
  async function resource(name: string) {
    const all = await exportedResources(t.stack);
    const r = all.find((x) => String(x.urn).endsWith(`::${name}`));
    assert.ok(r, `no resource ${name} in state`);
    return r as { urn: string; id: string; outputs: Record<string, unknown> };
  }

  before(async () => {
    sandbox = await startSandbox({ hosts: 1 });
    box = sandbox.hosts[0]!;
    t = await newStack("zfs-example", zfsExample(box.connection));
  });
  after(async () => {
    await tearDown(t, sandbox);
  });

  it("up creates the tree: five datasets and volumes, one snapshot", async () => {
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 7 });
    assert.deepEqual(get(ROOT, "compression"), ["lz4", "local"]);
    assert.deepEqual(get(`${ROOT}/web`, "compression"), ["lz4", `inherited from ${ROOT}`]);
    assert.deepEqual(get(`${ROOT}/web`, "quota"), ["10737418240", "local"]);
    assert.deepEqual(get(`${ROOT}/vm-disk0`, "volsize"), ["1073741824", "local"]);
    assert.equal(up.outputs.snapshot!.value, `${ROOT}/web@initial`);
    const web = await resource("web");
    assert.match(web.id, new RegExp(`^127\\.0\\.0\\.1:${box.connection.port}/guid:\\d+$`));
  });

  it("a second up reports no changes", async () => {
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 7 });
  });

  it("changing compression is one in-place update", async () => {
    use({ compression: "zstd" });
    const preview = await t.stack.preview();
    assert.deepEqual(preview.changeSummary, { same: 6, update: 1 });
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 6, update: 1 });
    assert.deepEqual(get(ROOT, "compression"), ["zstd", "local"]);
  });

  it("renaming a dataset is an update that keeps its data and its guid", async () => {
    const before = await resource("data");
    const mountpoint = String(before.outputs.mountpoint);
    writeHostFile(box.dir, `${mountpoint}/kept.txt`, "still here\n");
    use({ dataName: "data-renamed" });
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 6, update: 1 });
    const after = await resource("data");
    assert.equal(after.id, before.id);
    assert.equal(after.outputs.name, `${ROOT}/data-renamed`);
    assert.equal(get(`${ROOT}/data-renamed`, "guid")[0], before.outputs.guid);
    assert.equal(readHostFile(box.dir, `${String(after.outputs.mountpoint)}/kept.txt`), "still here\n");
  });

  it("changing casesensitivity is a replace, and the preview names the property", async () => {
    use({ cacheCaseSensitivity: "insensitive" });
    const replaceKeys: string[] = [];
    const preview = await t.stack.preview({
      diff: true,
      onEvent: (e) => {
        const m = e.resourcePreEvent?.metadata;
        if (m?.op === "replace") replaceKeys.push(...(m.keys ?? []));
      },
    });
    assert.deepEqual(preview.changeSummary, { same: 6, replace: 1 });
    // The engine's reason for the replace, and the diff a reviewer reads.
    assert.deepEqual(replaceKeys, ["properties.casesensitivity"]);
    assert.match(preview.stdout, /~ casesensitivity: "sensitive" => "insensitive"/);
    const before = await resource("cache");
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 6, replace: 1 });
    assert.deepEqual(get(`${ROOT}/cache`, "casesensitivity"), ["insensitive", "-"]);
    assert.notEqual((await resource("cache")).id, before.id);
  });

  it("a zfs set outside Pulumi shows as drift on refresh, and the next up repairs it", async () => {
    await t.stack.refresh(); // settle space figures that changed as later datasets were made
    sh(`zfs set recordsize=1M ${ROOT}/web`);
    const refresh = await t.stack.refresh();
    assert.deepEqual(refresh.summary.resourceChanges, { same: 6, update: 1 });
    const web = await resource("web");
    assert.equal((web.outputs.properties as Record<string, string>).recordsize, "1048576");
    const preview = await t.stack.preview();
    assert.deepEqual(preview.changeSummary, { same: 6, update: 1 });
    await t.stack.up();
    assert.deepEqual(get(`${ROOT}/web`, "recordsize"), ["131072", "local"]);
  });

  it("destroying a dataset with an unmanaged child is refused with a clear message, and nothing is destroyed", async () => {
    sh(`zfs create ${ROOT}/data-renamed/unmanaged`);
    const data = await resource("data");
    const generation = box.state.read().generation;
    await assert.rejects(t.stack.destroy({ target: [data.urn] }), (e: Error) => {
      assert.match(e.message, /refusing to destroy zroot\/pf-example\/data-renamed/);
      assert.match(
        e.message,
        /zroot\/pf-example\/data-renamed\/unmanaged \(filesystem, not managed by pulumi-freebsd\)/,
      );
      assert.match(e.message, /\[forceDestroy\]/);
      return true;
    });
    assert.equal(box.state.read().generation, generation, "nothing was written on the host");
    assert.equal((await exportedResources(t.stack)).length, 6);
    sh(`zfs destroy ${ROOT}/data-renamed/unmanaged`);
  });

  it("a clean destroy removes everything it created", async () => {
    const destroy = await t.stack.destroy();
    assert.deepEqual(destroy.summary.resourceChanges, { delete: 7 });
    assert.notEqual(ssh(box, `zfs list ${ROOT}`).code, 0);
  });
});

describe("engine: a dataset created but not mounted is recorded, and can be refreshed and destroyed", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;
  let t: TestStack;

  before(async () => {
    sandbox = await startSandbox({ hosts: 1 });
    box = sandbox.hosts[0]!;
    // The simulator's fault injection: mounts under this path fail as on a read-only parent.
    box.state.update((s) => {
      const zs = (s.zfs ??= initialZfs()) as ZfsState;
      zs.unmountable = ["/zroot/stuck"];
    });
    t = await newStack("zfs-partial", async () => {
      const stuck = new zfs.Dataset("stuck", { connection: box.connection, name: "zroot/stuck" });
      return { guid: stuck.guid };
    });
  });
  after(async () => {
    await tearDown(t, sandbox);
  });

  it("up fails naming the mount, yet the dataset is in the state; refresh and destroy work on it", async () => {
    await assert.rejects(t.stack.up(), /could not be mounted/);
    const [stuck] = await exportedResources(t.stack);
    assert.ok(stuck, "the partly created dataset is recorded");
    assert.match(String(stuck.id), /\/guid:\d+$/);
    await t.stack.refresh();
    const destroy = await t.stack.destroy();
    assert.equal(destroy.summary.resourceChanges?.delete, 2);
    assert.notEqual(ssh(box, "zfs list zroot/stuck").code, 0);
  });
});

describe("engine: replacing a dataset replaces the snapshot of it, in an order that works", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;
  let t: TestStack;
  const program = (casesensitivity: string) => async () => {
    const web = new zfs.Dataset("web", {
      connection: box.connection,
      name: "zroot/w",
      properties: { casesensitivity },
    });
    const snap = new zfs.Snapshot("one", { connection: box.connection, dataset: web.name, name: "one" });
    return { snapshot: snap.fullName };
  };

  before(async () => {
    sandbox = await startSandbox({ hosts: 1 });
    box = sandbox.hosts[0]!;
    t = await newStack("zfs-replace", program("sensitive"));
  });
  after(async () => {
    await tearDown(t, sandbox);
  });

  it("the snapshot goes first, the dataset is replaced, the snapshot is taken again", async () => {
    await t.stack.up();
    t.stack.workspace.program = program("insensitive");
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 1, replace: 2 });
    assert.equal(ssh(box, "zfs get -H -o value casesensitivity zroot/w").stdout, "insensitive\n");
    assert.equal(ssh(box, "zfs list -H -o name zroot/w@one").code, 0);
    const again = await t.stack.up();
    assert.deepEqual(again.summary.resourceChanges, { same: 3 });
  });
});
