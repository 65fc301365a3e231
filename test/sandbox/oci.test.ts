// The OCI kinds' CRUD through real SSH to a sandbox host whose podman is real: ownership, adoption, partial
// failure, volumes from datasets, templates that jails clone, what the server received, and faults.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { PartialCreateError } from "../../provider/resource";
import { containerKind, type ContainerInputs } from "../../provider/oci/container";
import { imageKind, type ImageInputs } from "../../provider/oci/image";
import { rootFsKind, type RootFsInputs } from "../../provider/oci/rootfs";
import { closeAllHosts, hostFor, RemoteCommandError, shellJoin } from "../../provider/ssh";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { startOciSandbox, stopOciSandbox, type OciSandbox } from "../../sandbox/oci";
import { hostPath } from "../../sandbox/tools/hostfs";

const RUNTIME = "docker.io/freebsd/freebsd-runtime:14.3";
/** Runs until SIGTERM (a shell as PID 1 ignores it otherwise): `podman rm` then takes a second, not ten. */
const SERVE = ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"];
const STATIC = "docker.io/freebsd/freebsd-static:14.3";

let sandbox: Sandbox;
let box: SandboxHost;
let registries: OciSandbox;

async function sh(command: string): Promise<string> {
  return (await hostFor(box.connection).script(command)).stdout;
}

async function checked<T>(
  kind: { check(o: object, n: Record<string, unknown>): Promise<{ inputs: T; failures: unknown[] }> },
  news: Record<string, unknown>,
): Promise<T> {
  const result = await kind.check({}, { connection: box.connection, ...news });
  assert.deepEqual(result.failures, []);
  return result.inputs;
}

before(async () => {
  sandbox = await startSandbox({ hosts: 1 });
  box = sandbox.hosts[0]!;
  registries = await startOciSandbox();
  registries.configureHost(box.dir);
});

after(async () => {
  closeAllHosts();
  await stopOciSandbox(registries, box ? [{ dir: box.dir }] : []);
  await sandbox?.stop();
});

describe("oci:Image on a sandbox host", () => {
  it("pulls through a dropped connection: pulls are retried, being idempotent", async () => {
    const inputs = await checked<ImageInputs>(imageKind, { owner: "t/s/Image/static", reference: STATIC });
    await hostFor(box.connection).exec(["true"]);
    box.failNext(1);
    const { outs } = await imageKind.create(inputs);
    assert.equal(outs.digest, registries.images[STATIC]!.digest);
    assert.equal(outs.preexisting, false);
    await imageKind.delete("id", outs);
    assert.doesNotMatch(await sh("podman images --format '{{.Names}}'"), /freebsd-static/);
  });

  it("leaves an image that was on the host before it (preexisting), and one marked retain", async () => {
    await sh(`podman pull --quiet ${STATIC}`);
    const inputs = await checked<ImageInputs>(imageKind, { owner: "t/s/Image/static", reference: STATIC });
    const { outs } = await imageKind.create(inputs);
    assert.equal(outs.preexisting, true);
    await imageKind.delete("id", outs);
    assert.match(await sh("podman images --format '{{.Names}}'"), /freebsd-static/);
    await sh(`podman rmi ${STATIC}`);
    const kept = (await imageKind.create({ ...inputs, retain: true })).outs;
    assert.equal(kept.preexisting, false);
    await imageKind.delete("id", kept);
    assert.match(await sh("podman images --format '{{.Names}}'"), /freebsd-static/);
    await sh(`podman rmi ${STATIC}`);
  });

  it("follows a multi-platform tag without drift: the index digest is among the image's own", async () => {
    const index = registries.pushMultiPlatform("docker.io/freebsd/freebsd-multi:14.3");
    const inputs = await checked<ImageInputs>(imageKind, {
      owner: "t/s/Image/multi",
      reference: "docker.io/freebsd/freebsd-multi:14.3",
      platform: "freebsd/arm64",
    });
    const { outs } = await imageKind.create(inputs);
    assert.equal(outs.architecture, "arm64");
    assert.equal(outs.imageId, index.platforms[1]!.image.id);
    const read = (await imageKind.read("id", outs))!.props;
    assert.equal(read.registryDigest, index.digest, "skopeo --raw sees the index, whatever this machine's platform");
    assert.equal((await imageKind.diff("id", read, inputs)).changes, false);
    await imageKind.delete("id", read);
  });

  it("refuses an archive whose checksum differs, having loaded nothing; the sha256 seen is quoted", async () => {
    const file = "/var/tmp/static.txz";
    mkdirSync(hostPath(box.dir, "/var/tmp"), { recursive: true });
    writeFileSync(hostPath(box.dir, file), registries.archive.data);
    const bad = await checked<ImageInputs>(imageKind, { owner: "o", archive: { path: file, sha256: "f".repeat(64) } });
    await assert.rejects(imageKind.create(bad), new RegExp(`has SHA-256 ${registries.archive.sha256}, not f{64}`));
    assert.doesNotMatch(await sh("podman images --format '{{.Names}}'"), /localhost\/freebsd-static/);
    assert.ok(!box.commandLog().some((c) => c.includes("podman load")), "podman load never ran");
  });
});

describe("oci:Container on a sandbox host", () => {
  let image: string;
  before(async () => {
    const inputs = await checked<ImageInputs>(imageKind, { owner: "t/s/Image/runtime", reference: RUNTIME });
    image = (await imageKind.create(inputs)).outs.imageName;
  });

  const base = (over: Record<string, unknown> = {}) =>
    checked<ContainerInputs>(containerKind, {
      owner: "t/s/Container/web",
      name: "web",
      image: RUNTIME,
      command: SERVE,
      ...over,
    });

  it("sends environment values on stdin only: the server received no command holding them", async () => {
    const secret = `s3cr3t-${Date.now()}`;
    const { outs } = await containerKind.create(await base({ env: { TOKEN: secret, WITH_SPACES: "a b  c" } }));
    assert.equal(outs.state, "running");
    const env = await sh("podman exec web /usr/bin/env");
    assert.match(env, new RegExp(`^TOKEN=${secret}$`, "m"));
    assert.match(env, /^WITH_SPACES=a b {2}c$/m);
    assert.ok(!box.commandLog().some((c) => c.includes(secret)), "a secret reached the server in a command");
    assert.match(box.commandLog().find((c) => c.includes("podman run"))!, /--env-file "\$pf_file"/);
    await containerKind.delete("id", outs);
    assert.equal((await sh("podman ps --all --format '{{.Names}}'")).trim(), "");
  });

  it("will not take over a container it did not make, unless adopt", async () => {
    await sh(shellJoin(["podman", "run", "--detach", "--name", "web", image, ...SERVE]));
    await assert.rejects(
      containerKind.create(await base()),
      /A container named web already exists .* was not made by pulumi-freebsd: .*\[adopt\]/,
    );
    const { outs } = await containerKind.create(await base({ adopt: true }));
    assert.match(
      await sh("podman inspect web --format '{{index .Config.Labels \"pulumi-freebsd:owner\"}}'"),
      /t\/s\/Container\/web/,
    );
    // And delete refuses one that another resource's label names.
    await assert.rejects(
      containerKind.delete("id", { ...outs, owner: "someone/else/Container/web" }),
      /is not the one this resource made .*leaving it/,
    );
    await containerKind.delete("id", outs);
  });

  it("a container that was created but could not start is a partial failure that carries its id", async () => {
    const inputs = await base({ name: "broken", command: ["/nonexistent"] });
    await assert.rejects(containerKind.create(inputs), (err: PartialCreateError) => {
      assert.ok(err instanceof PartialCreateError);
      assert.match(err.id, /\/broken$/);
      assert.equal(err.properties.state, "created");
      return true;
    });
    // Recorded as ours, so the next create (or a delete) finds it.
    const { outs } = await containerKind.create(await base({ name: "broken" }));
    assert.equal(outs.state, "running");
    await containerKind.delete("id", outs);
  });

  it("mounts a dataset read-only at its mountpoint", async () => {
    await sh("zfs create -p zroot/data/web");
    writeFileSync(hostPath(box.dir, "/zroot/data/web/index.html"), "hello from zfs\n");
    const { outs } = await containerKind.create(
      await base({ name: "reader", volumes: [{ dataset: "zroot/data/web", target: "/srv", readOnly: true }] }),
    );
    assert.deepEqual(outs.mounts, [{ hostPath: "/zroot/data/web", target: "/srv", readOnly: true }]);
    assert.equal(await sh("podman exec reader /bin/cat /srv/index.html"), "hello from zfs\n");
    await assert.rejects(sh("podman exec reader /bin/sh -c 'echo x > /srv/new'"), /Read-only file system/);
    await containerKind.delete("id", outs);
  });

  it("refresh sees a removed container as gone", async () => {
    const { outs } = await containerKind.create(await base({ name: "ephemeral" }));
    await sh("podman rm --force --time 0 ephemeral");
    assert.equal(await containerKind.read("id", outs), undefined);
  });
});

describe("oci:RootFs on a sandbox host", () => {
  const inputs = (over: Record<string, unknown> = {}) =>
    checked<RootFsInputs>(rootFsKind, {
      owner: "t/s/RootFs/template",
      image: STATIC,
      dataset: "zroot/images/freebsd-static-14.3",
      ...over,
    });

  before(async () => {
    await sh(`podman pull --quiet ${STATIC}`);
  });

  it("fills an owned dataset with the image's files, ownership and modes kept, and snapshots it", async () => {
    const { outs } = await rootFsKind.create(await inputs());
    assert.equal(outs.snapshotName, "zroot/images/freebsd-static-14.3@base");
    assert.equal(outs.mountpoint, "/zroot/images/freebsd-static-14.3");
    const root = hostPath(box.dir, outs.mountpoint);
    assert.match(readFileSync(`${root}/etc/passwd`, "utf8"), /^root:\*:0:0:Charlie &:\/root:\/bin\/sh$/m);
    assert.equal((await sh(`stat -c %a ${root}/etc/master.passwd`)).trim(), "600");
    assert.equal((await sh(`stat -c %a ${root}/tmp`)).trim(), "1777");
    assert.equal((await sh("podman ps --all --format '{{.Names}}'")).trim(), "", "the work container is gone");
    // A second create (an interrupted run retried) adopts what carries its owner.
    assert.equal((await rootFsKind.create(await inputs())).outs.snapshotName, outs.snapshotName);
  });

  it("refuses a dataset it does not own, and delete refuses while a jail clones the template", async () => {
    await sh("zfs create -p zroot/images/someone-elses");
    await assert.rejects(
      rootFsKind.create(await inputs({ dataset: "zroot/images/someone-elses", owner: "t/s/RootFs/other" })),
      /already exists .*\[adopt\]/,
    );
    const props = (await rootFsKind.read("id", {
      ...(await inputs()),
      schemaVersion: 1,
      imageId: "",
      mountpoint: "",
      snapshotName: "",
    }))!.props;
    await sh("zfs clone zroot/images/freebsd-static-14.3@base zroot/web-jail");
    await assert.rejects(
      rootFsKind.delete("id", props),
      /has clones \(jails built on it\): destroy them first\. Nothing was destroyed/,
    );
    assert.match(await sh("zfs list -H -o name -t snapshot"), /freebsd-static-14\.3@base/);
    await sh("zfs destroy zroot/web-jail");
    await rootFsKind.delete("id", props);
    assert.ok(!existsSync(hostPath(box.dir, "/zroot/images/freebsd-static-14.3/etc")), "its files went with it");
  });

  it("an image that is not on the host is refused before any dataset is made", async () => {
    await assert.rejects(
      rootFsKind.create(
        await inputs({ image: "docker.io/freebsd/freebsd-notoolchain:14.3", dataset: "zroot/images/x" }),
      ),
      /Image docker\.io\/freebsd\/freebsd-notoolchain:14\.3 is not on .*: pull it first/,
    );
    await assert.rejects(sh("zfs list zroot/images/x"), (err: RemoteCommandError) => /does not exist/.test(err.stderr));
  });
});
