// The ZFS kinds through real SSH to a sandbox host: CRUD of each kind, drift, adopt, the two OpenZFS traps,
// refusals that protect data, and batched reads.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { closeAllHosts, hostFor, transportCounters } from "../../provider/ssh";
import { PartialCreateError } from "../../provider/resource";
import { datasetKind, type DatasetInputs, type DatasetOutputs } from "../../provider/zfs/dataset";
import { AdoptRequiredError, HasClonesError, HasDependentsError, NotOwnedError } from "../../provider/zfs/errors";
import { snapshotKind, type SnapshotInputs } from "../../provider/zfs/snapshot";
import { volumeKind, type VolumeInputs } from "../../provider/zfs/volume";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import type { ZfsState } from "../../sandbox/tools/zfs/model";
import { ssh } from "../support/sandbox";

const ROOT = "zroot/pft";

describe("zfs kinds against a sandbox host", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;

  /** Runs a command on the host outside Pulumi, as an operator would; fails the test when it fails. */
  function sh(command: string): string {
    const r = ssh(box, command);
    assert.equal(r.code, 0, `${command}: ${r.stderr}`);
    return r.stdout;
  }
  /** `zfs get` of one property: [value, source]. */
  function get(name: string, property: string): [string, string] {
    const [value, source] = sh(`zfs get -H -p -o value,source ${property} '${name}'`).trimEnd().split("\t");
    return [value!, source!];
  }
  function exists(name: string): boolean {
    return ssh(box, `zfs list -H -o name -t all '${name}'`).code === 0;
  }
  async function datasetInputs(news: Record<string, unknown>): Promise<DatasetInputs> {
    const { inputs, failures } = await datasetKind.check(
      {},
      { connection: box.connection, owner: "t/dev/Dataset/x", ...news },
    );
    assert.deepEqual(failures, []);
    return inputs;
  }
  async function volumeInputs(news: Record<string, unknown>): Promise<VolumeInputs> {
    const { inputs, failures } = await volumeKind.check(
      {},
      { connection: box.connection, owner: "t/dev/Volume/x", ...news },
    );
    assert.deepEqual(failures, []);
    return inputs;
  }
  async function snapshotInputs(news: Record<string, unknown>): Promise<SnapshotInputs> {
    const { inputs, failures } = await snapshotKind.check(
      {},
      { connection: box.connection, owner: "t/dev/Snapshot/x", ...news },
    );
    assert.deepEqual(failures, []);
    return inputs;
  }

  before(async () => {
    sandbox = await startSandbox({ hosts: 1 });
    box = sandbox.hosts[0]!;
    sh(`zfs create ${ROOT}`);
  });
  after(async () => {
    closeAllHosts();
    await sandbox?.stop();
  });

  describe("zfs:Dataset", () => {
    let id: string;
    let outs: DatasetOutputs;
    let inputs: DatasetInputs;

    it("creates a dataset with its properties and the ownership marker; the id names host and guid", async () => {
      inputs = await datasetInputs({
        name: `${ROOT}/web`,
        properties: { compression: "zstd", quota: "1G", "org.example:role": "web" },
      });
      ({ id, outs } = await datasetKind.create(inputs));
      const guid = get(`${ROOT}/web`, "guid")[0];
      assert.equal(id, `127.0.0.1:${box.connection.port}/guid:${guid}`);
      assert.equal(outs.guid, guid);
      assert.deepEqual(get(`${ROOT}/web`, "compression"), ["zstd", "local"]);
      assert.deepEqual(get(`${ROOT}/web`, "quota"), ["1073741824", "local"]);
      assert.deepEqual(get(`${ROOT}/web`, "org.example:role"), ["web", "local"]);
      assert.deepEqual(get(`${ROOT}/web`, "pulumi-freebsd:owner"), ["t/dev/Dataset/x", "local"]);
      assert.deepEqual(outs.reported.compression, { value: "zstd", source: "local" });
      assert.deepEqual(outs.reported.mountpoint, { value: "/zroot/pft/web", source: "inherited from zroot" });
      assert.equal(outs.mountpoint, "/zroot/pft/web");
      assert.ok(outs.creation > 1_700_000_000);
    });

    it("reads it back with no drift", async () => {
      const read = await datasetKind.read(id, outs);
      assert.equal(read?.id, id);
      assert.deepEqual(read?.props.properties, inputs.properties);
      assert.equal((await datasetKind.diff(id, read!.props, inputs)).changes, false);
    });

    it("updates in place: set, inherit -S for a removed property, and a rename that keeps the guid", async () => {
      const news = await datasetInputs({
        name: `${ROOT}/www`,
        properties: { compression: "lz4", "org.example:role": "web" },
      });
      const diff = await datasetKind.diff(id, outs, news);
      assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
      outs = await datasetKind.update(id, outs, news);
      assert.equal(outs.name, `${ROOT}/www`);
      assert.equal(exists(`${ROOT}/web`), false);
      assert.equal(get(`${ROOT}/www`, "guid")[0], outs.guid);
      assert.deepEqual(get(`${ROOT}/www`, "compression"), ["lz4", "local"]);
      assert.deepEqual(get(`${ROOT}/www`, "quota"), ["0", "default"]);
      inputs = news;
    });

    it("a refresh finds a dataset renamed outside Pulumi by its guid, and reports the new name", async () => {
      sh(`zfs rename ${ROOT}/www ${ROOT}/moved`);
      const read = await datasetKind.read(id, outs);
      assert.equal(read?.id, id);
      assert.equal(read?.props.name, `${ROOT}/moved`);
      // The next up renames it back: an update, not a replace.
      assert.deepEqual(await datasetKind.diff(id, read!.props, inputs), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
      outs = await datasetKind.update(id, read!.props, inputs);
      assert.equal(exists(`${ROOT}/www`), true);
    });

    it("a zfs set outside Pulumi is drift that the next update repairs", async () => {
      sh(`zfs set compression=gzip ${ROOT}/www`);
      const read = await datasetKind.read(id, outs);
      assert.equal(read?.props.properties.compression, "gzip");
      assert.equal((await datasetKind.diff(id, read!.props, inputs)).changes, true);
      outs = await datasetKind.update(id, read!.props, inputs);
      assert.deepEqual(get(`${ROOT}/www`, "compression"), ["lz4", "local"]);
    });

    it("deletes it; already gone is success", async () => {
      await datasetKind.delete(id, outs);
      assert.equal(exists(`${ROOT}/www`), false);
      await datasetKind.delete(id, outs);
      assert.equal(await datasetKind.read(id, outs), undefined);
    });
  });

  describe("ownership and adoption", () => {
    it("an existing dataset without our marker is an error naming adopt; with adopt it is taken over", async () => {
      sh(`zfs create -o compression=zle ${ROOT}/existing`);
      const inputs = await datasetInputs({ name: `${ROOT}/existing`, properties: { compression: "lz4" } });
      await assert.rejects(datasetKind.create(inputs), (e: Error) => {
        assert.ok(e instanceof AdoptRequiredError);
        assert.match(e.message, /already exists and was not created by this resource.*\[adopt\]/s);
        return true;
      });
      assert.deepEqual(get(`${ROOT}/existing`, "compression"), ["zle", "local"], "untouched without adopt");
      const { outs } = await datasetKind.create({ ...inputs, adopt: true });
      assert.deepEqual(get(`${ROOT}/existing`, "compression"), ["lz4", "local"]);
      assert.deepEqual(get(`${ROOT}/existing`, "pulumi-freebsd:owner"), ["t/dev/Dataset/x", "local"]);
      await datasetKind.delete("", outs);
      assert.equal(exists(`${ROOT}/existing`), false);
    });

    it("refuses to destroy a dataset whose marker is not this resource's", async () => {
      const { id, outs } = await datasetKind.create(await datasetInputs({ name: `${ROOT}/claimed` }));
      sh(`zfs set pulumi-freebsd:owner=other/stack/Dataset/y ${ROOT}/claimed`);
      await assert.rejects(datasetKind.delete(id, outs), NotOwnedError);
      assert.equal(exists(`${ROOT}/claimed`), true);
      await datasetKind.delete(id, { ...outs, forceDestroy: true });
      assert.equal(exists(`${ROOT}/claimed`), false);
    });

    it("refuses to destroy a dataset with a child and a snapshot it did not create, listing them", async () => {
      const { id, outs } = await datasetKind.create(await datasetInputs({ name: `${ROOT}/parent` }));
      sh(`zfs create ${ROOT}/parent/child && zfs snapshot ${ROOT}/parent@manual`);
      const generation = box.state.read().generation;
      await assert.rejects(datasetKind.delete(id, outs), (e: Error) => {
        assert.ok(e instanceof HasDependentsError);
        assert.match(e.message, /refusing to destroy zroot\/pft\/parent/);
        assert.match(e.message, /zroot\/pft\/parent\/child \(filesystem, not managed by pulumi-freebsd\)/);
        assert.match(e.message, /zroot\/pft\/parent@manual \(snapshot, not managed by pulumi-freebsd\)/);
        assert.match(e.message, /Nothing was destroyed/);
        assert.match(e.message, /\[forceDestroy\]/);
        return true;
      });
      assert.equal(box.state.read().generation, generation, "the refusal wrote nothing on the host");
      assert.ok(exists(`${ROOT}/parent/child`) && exists(`${ROOT}/parent@manual`));
      await datasetKind.delete(id, { ...outs, forceDestroy: true });
      assert.equal(exists(`${ROOT}/parent`), false);
    });
  });

  describe("the two OpenZFS traps (freebsd-reference/zfs.md)", () => {
    it("zfs create -p on an existing dataset exits 0 and ignores -o (why the kinds never use it on the target)", () => {
      sh(`zfs create ${ROOT}/trap1`);
      sh(`zfs create -p -o compression=zle ${ROOT}/trap1`);
      assert.notEqual(get(`${ROOT}/trap1`, "compression")[1], "local");
      sh(`zfs destroy ${ROOT}/trap1`);
    });

    it("createParents over a dataset a failed run left behind: the properties are set after all", async () => {
      // An earlier create made the dataset with our marker, then stopped before its properties.
      sh(`zfs create -p -o pulumi-freebsd:owner=t/dev/Dataset/x ${ROOT}/deep/er/leaf`);
      const inputs = await datasetInputs({
        name: `${ROOT}/deep/er/leaf`,
        createParents: true,
        properties: { compression: "zstd", recordsize: "64K" },
      });
      const { outs } = await datasetKind.create(inputs);
      assert.deepEqual(get(`${ROOT}/deep/er/leaf`, "compression"), ["zstd", "local"]);
      assert.deepEqual(get(`${ROOT}/deep/er/leaf`, "recordsize"), ["65536", "local"]);
      await datasetKind.delete("", outs);
    });

    it("createParents makes missing parents, without our marker", async () => {
      const { outs } = await datasetKind.create(
        await datasetInputs({ name: `${ROOT}/new/parents/leaf`, createParents: true, properties: { atime: "on" } }),
      );
      assert.equal(exists(`${ROOT}/new/parents`), true);
      assert.equal(get(`${ROOT}/new/parents`, "pulumi-freebsd:owner")[1], "-");
      assert.deepEqual(get(`${ROOT}/new/parents/leaf`, "atime"), ["on", "local"]);
      await datasetKind.delete("", outs);
    });

    it("without createParents a missing parent is an error that names the option", async () => {
      await assert.rejects(
        datasetKind.create(await datasetInputs({ name: `${ROOT}/nope/leaf` })),
        /parent zroot\/pft\/nope does not exist.*\[createParents\]/,
      );
    });

    it("a create whose mount fails (exit 1) is a partial create that carries the id: nothing is orphaned", async () => {
      box.state.update((s) => {
        (s.zfs as ZfsState).unmountable.push(`/zroot/pft/nomount`);
      });
      const inputs = await datasetInputs({ name: `${ROOT}/nomount`, properties: { compression: "lz4" } });
      let partial: PartialCreateError | undefined;
      await assert.rejects(datasetKind.create(inputs), (e: Error) => {
        assert.ok(e instanceof PartialCreateError, String(e));
        partial = e;
        return true;
      });
      const guid = get(`${ROOT}/nomount`, "guid")[0];
      assert.equal(partial!.id, `127.0.0.1:${box.connection.port}/guid:${guid}`);
      assert.match(partial!.message, /could not be mounted/);
      assert.deepEqual(get(`${ROOT}/nomount`, "compression"), ["lz4", "local"]);
      const props = partial!.properties as unknown as DatasetOutputs;
      assert.equal(props.guid, guid);
      assert.equal(props.mounted, false);
      // The recorded resource can be destroyed like any other.
      await datasetKind.delete(partial!.id, props);
      assert.equal(exists(`${ROOT}/nomount`), false);
    });
  });

  describe("zfs:Volume", () => {
    it("creates a sparse volume, grows it in place, makes it thick, and destroys it", async () => {
      const inputs = await volumeInputs({
        name: `${ROOT}/disk0`,
        size: "64M",
        sparse: true,
        properties: { volmode: "dev" },
      });
      const { id, outs } = await volumeKind.create(inputs);
      assert.deepEqual(get(`${ROOT}/disk0`, "volsize"), ["67108864", "local"]);
      assert.equal(get(`${ROOT}/disk0`, "refreservation")[0], "0");
      assert.equal(outs.volsize, 67108864);
      assert.equal(outs.devicePath, "/dev/zvol/zroot/pft/disk0");
      const grown = await volumeInputs({
        name: `${ROOT}/disk0`,
        size: "128M",
        sparse: false,
        properties: { volmode: "dev" },
      });
      assert.deepEqual(await volumeKind.diff(id, outs, grown), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
      const after = await volumeKind.update(id, outs, grown);
      assert.equal(after.guid, outs.guid);
      assert.equal(get(`${ROOT}/disk0`, "volsize")[0], "134217728");
      assert.notEqual(get(`${ROOT}/disk0`, "refreservation")[0], "0");
      const shrink = await volumeKind.check(grown, { ...grown, size: "64M" });
      assert.deepEqual(
        shrink.failures.map((f) => f.property),
        ["size"],
      );
      await volumeKind.delete(id, after);
      assert.equal(exists(`${ROOT}/disk0`), false);
    });
  });

  describe("zfs:Snapshot", () => {
    it("snapshots with user properties, renames in place, refuses while a clone depends, and destroys", async () => {
      sh(`zfs create ${ROOT}/snapme`);
      const inputs = await snapshotInputs({
        dataset: `${ROOT}/snapme`,
        name: "one",
        properties: { "org.example:why": "test" },
      });
      const { id, outs } = await snapshotKind.create(inputs);
      assert.equal(outs.fullName, `${ROOT}/snapme@one`);
      assert.equal(id, `127.0.0.1:${box.connection.port}/guid:${get(`${ROOT}/snapme@one`, "guid")[0]}`);
      assert.deepEqual(get(`${ROOT}/snapme@one`, "org.example:why"), ["test", "local"]);
      assert.deepEqual(get(`${ROOT}/snapme@one`, "pulumi-freebsd:owner"), ["t/dev/Snapshot/x", "local"]);

      const renamed = { ...inputs, name: "two" };
      assert.deepEqual(await snapshotKind.diff(id, outs, renamed), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
      const after = await snapshotKind.update(id, outs, renamed);
      assert.equal(after.fullName, `${ROOT}/snapme@two`);
      assert.equal(after.guid, outs.guid);

      sh(`zfs clone ${ROOT}/snapme@two ${ROOT}/clone`);
      const read = await snapshotKind.read(id, after);
      assert.deepEqual(read?.props.clones, [`${ROOT}/clone`]);
      await assert.rejects(snapshotKind.delete(id, read!.props), (e: Error) => {
        assert.ok(e instanceof HasClonesError);
        assert.match(e.message, /zroot\/pft\/clone/);
        return true;
      });
      assert.equal(exists(`${ROOT}/snapme@two`), true);
      await snapshotKind.delete(id, { ...read!.props, forceDestroy: true });
      assert.equal(exists(`${ROOT}/snapme@two`), false);
      assert.equal(exists(`${ROOT}/clone`), false);
      await snapshotKind.delete(id, read!.props); // already gone
    });

    it("follows its dataset's rename: an update, not a replace", async () => {
      const { id, outs } = await snapshotKind.create(await snapshotInputs({ dataset: `${ROOT}/snapme`, name: "keep" }));
      sh(`zfs rename ${ROOT}/snapme ${ROOT}/snapped`);
      const news = await snapshotInputs({ dataset: `${ROOT}/snapped`, name: "keep" });
      assert.deepEqual(await snapshotKind.diff(id, outs, news), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
      const after = await snapshotKind.update(id, outs, news);
      assert.equal(after.fullName, `${ROOT}/snapped@keep`);
      const elsewhere = await snapshotInputs({ dataset: `${ROOT}`, name: "keep" });
      assert.deepEqual((await snapshotKind.diff(id, after, elsewhere)).replaces, ["dataset"]);
      await snapshotKind.delete(id, after);
    });
  });

  describe("batched reads", () => {
    it("a refresh of 100 datasets opens one connection and runs one command", async () => {
      const names = Array.from({ length: 100 }, (_, i) => `${ROOT}/many/d${String(i).padStart(3, "0")}`);
      sh(`zfs create ${ROOT}/many && for n in ${names.join(" ")}; do zfs create "$n" || exit 1; done`);
      const guids = new Map(
        sh(`zfs list -H -p -o name,guid -r ${ROOT}/many`)
          .trim()
          .split("\n")
          .map((l) => l.split("\t") as [string, string]),
      );
      const props = names.map((name) => ({
        connection: box.connection,
        owner: "t/dev/Dataset/many",
        name,
        guid: guids.get(name)!,
        properties: {},
        appliedValues: {},
      })) as unknown as DatasetOutputs[];

      closeAllHosts();
      transportCounters.reset();
      const reads = await Promise.all(props.map((p) => datasetKind.read(`x/guid:${p.guid}`, p)));
      assert.ok(reads.every((r, i) => r?.props.name === names[i]));
      assert.equal(transportCounters.connectionsOpened, 1);
      assert.equal(transportCounters.commandsRun, 1);

      // Two renamed outside Pulumi: still a constant number of commands (get, list by guid, get).
      sh(`zfs rename ${names[3]} ${ROOT}/many/r3 && zfs rename ${names[77]} ${ROOT}/many/r77`);
      transportCounters.reset();
      const again = await Promise.all(props.map((p) => datasetKind.read(`x/guid:${p.guid}`, p)));
      assert.equal(again[3]?.props.name, `${ROOT}/many/r3`);
      assert.equal(again[77]?.props.name, `${ROOT}/many/r77`);
      assert.equal(transportCounters.commandsRun, 3);
      assert.equal(hostFor(box.connection).name, `root@127.0.0.1:${box.connection.port}`);
    });
  });
});
