// check and diff of oci:Image, oci:Container and oci:RootFs: pure, no host.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UNKNOWN } from "../../provider/check";
import { containerKind, type ContainerOutputs } from "../../provider/oci/container";
import { imageKind, type ImageOutputs } from "../../provider/oci/image";
import { localName, parseReference, pullName, referenceProblem } from "../../provider/oci/reference";
import { rootFsKind, type RootFsOutputs } from "../../provider/oci/rootfs";

const connection = { host: "192.0.2.10", port: 22, user: "root" };
const ID = "f12ffbb7d72515e585939cbd19eed2683e0bf82b5449d9382444e645dccf3b7b";
const DIGEST = "sha256:4f30bde6bc109fd2b7e7e31d144e1e2d7eed4abfc38ed01f9a72aa1c177e462e";
const OTHER = "sha256:" + "b".repeat(64);

function failures(result: { failures: Array<{ property: string; reason: string }> }) {
  return Object.fromEntries(result.failures.map((f) => [f.property, f.reason]));
}

describe("image references", () => {
  it("accepts only fully qualified references, and normalises them as podman does", () => {
    assert.equal(referenceProblem("docker.io/freebsd/freebsd-runtime:14.3"), undefined);
    assert.equal(referenceProblem("127.0.0.1:5000/private/app:1.0"), undefined);
    assert.equal(referenceProblem(`ghcr.io/freebsd/freebsd-static@${DIGEST}`), undefined);
    assert.match(referenceProblem("freebsd/freebsd-runtime:14.3")!, /fully qualified/);
    assert.match(referenceProblem("docker.io/FreeBSD/Runtime")!, /lowercase/);
    assert.equal(localName(parseReference("docker.io/alpine")), "docker.io/library/alpine:latest");
    const pinned = parseReference(`docker.io/freebsd/freebsd-runtime:14.3@${DIGEST}`);
    assert.equal(localName(pinned), "docker.io/freebsd/freebsd-runtime:14.3");
    assert.equal(pullName(pinned, undefined), `docker.io/freebsd/freebsd-runtime@${DIGEST}`);
    assert.equal(
      pullName(parseReference("ghcr.io/freebsd/freebsd-runtime:14.3"), undefined),
      "ghcr.io/freebsd/freebsd-runtime:14.3",
    );
  });
});

describe("check reports every failure at once", () => {
  it("Image", async () => {
    const result = await imageKind.check(
      {},
      {
        connection,
        owner: "p/s/Image/i",
        reference: "freebsd-runtime:14.3",
        digest: "sha256:abc",
        platform: "FreeBSD",
        credentials: { username: "", password: "x" },
      },
    );
    assert.deepEqual(Object.keys(failures(result)).sort(), [
      "credentials.username", "digest", "platform", "reference",
    ]); // prettier-ignore
    assert.match(failures(result).reference!, /fully qualified/);
    assert.match(failures(result).platform!, /OS\/ARCH/);
  });

  it("Image: exactly one source; a bad checksum; digest and credentials only for registries", async () => {
    const none = await imageKind.check({}, { connection, owner: "o" });
    assert.match(failures(none).reference!, /Exactly one of \[reference\] and \[archive\]/);
    const both = await imageKind.check(
      {},
      {
        connection,
        owner: "o",
        archive: { path: "/var/tmp/x.txz", sha256: "12" },
        digest: DIGEST,
      },
    );
    assert.match(failures(both)["archive.sha256"]!, /64 hex digits/);
    const mixed = await imageKind.check(
      {},
      {
        connection,
        owner: "o",
        archive: { path: "/var/tmp/x.txz", sha256: "A".repeat(64) },
        digest: DIGEST,
      },
    );
    assert.match(failures(mixed).archive!, /apply to a registry \[reference\]/);
  });

  it("Container", async () => {
    const result = await containerKind.check(
      {},
      {
        connection,
        owner: "p/s/Container/c",
        name: "-web",
        image: "nginx",
        env: { "BAD-NAME": "x", GOOD: "line\nbreak" },
        ports: [{ hostPort: 0, containerPort: 80, protocol: "sctp" }],
        volumes: [{ hostPath: "/data", dataset: "zroot/data", target: "data" }],
        restart: "sometimes",
        annotations: { "org.freebsd.jail.vnet": "new" },
      },
    );
    assert.deepEqual(Object.keys(failures(result)).sort(), [
      "env.BAD-NAME", "env.GOOD", "image", "name", "ports[0].hostPort", "ports[0].protocol", "restart",
      "volumes[0]", "volumes[0].target",
    ]); // prettier-ignore
    assert.match(failures(result)["env.GOOD"]!, /newline/);
  });

  it("Container: a volume needs exactly one source", async () => {
    const result = await containerKind.check(
      {},
      {
        connection,
        owner: "o",
        name: "web",
        image: "docker.io/freebsd/freebsd-runtime:14.3",
        volumes: [{ hostPath: "/data", dataset: "zroot/data", target: "/data" }],
      },
    );
    assert.match(failures(result)["volumes[0]"]!, /Exactly one of \[hostPath\] and \[dataset\]/);
  });

  it("RootFs", async () => {
    const result = await rootFsKind.check(
      {},
      { connection, owner: "o", image: "x", dataset: "zroot", snapshot: "a b" },
    );
    assert.deepEqual(Object.keys(failures(result)).sort(), ["dataset", "image", "snapshot"]);
  });

  it("tolerates values unknown during preview", async () => {
    const result = await containerKind.check(
      {},
      {
        connection,
        owner: "o",
        name: "web",
        image: UNKNOWN,
        imageId: UNKNOWN,
        env: { TOKEN: UNKNOWN },
      },
    );
    assert.deepEqual(result.failures, []);
  });
});

function containerOlds(over: Partial<ContainerOutputs> = {}): ContainerOutputs {
  return {
    schemaVersion: 1,
    connection,
    owner: "p/s/Container/web",
    name: "web",
    image: "docker.io/freebsd/freebsd-runtime:14.3",
    imageId: ID,
    command: ["/bin/sleep", "600"],
    env: { A: "1", TOKEN: "s" },
    ports: [{ hostPort: 8080, containerPort: 80, protocol: "tcp" }],
    volumes: [],
    restart: "always",
    annotations: {},
    adopt: false,
    containerId: "c".repeat(64),
    state: "running",
    startedAt: "2026-01-01T00:00:00Z",
    mounts: [],
    ...over,
  };
}

async function containerNews(over: Record<string, unknown> = {}) {
  const o = containerOlds();
  const { schemaVersion: _v, containerId: _c, state: _s, startedAt: _t, mounts: _m, ...inputs } = o;
  const checked = await containerKind.check({}, { ...inputs, ...over });
  assert.deepEqual(checked.failures, []);
  return checked.inputs;
}

describe("Container diff", () => {
  it("no change when only the order of env keys differs", async () => {
    const diff = await containerKind.diff("id", containerOlds(), await containerNews({ env: { TOKEN: "s", A: "1" } }));
    assert.deepEqual(diff, { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("an env change is a replacement named env, old container first (the name collides)", async () => {
    const diff = await containerKind.diff("id", containerOlds(), await containerNews({ env: { A: "1", TOKEN: "t" } }));
    assert.deepEqual(diff, { changes: true, replaces: ["env"], deleteBeforeReplace: true });
  });

  it("a new image id from the program's Image replaces; a new name needs no delete first", async () => {
    const diff = await containerKind.diff(
      "id",
      containerOlds(),
      await containerNews({ imageId: "d".repeat(64), name: "web2" }),
    );
    assert.deepEqual(diff, { changes: true, replaces: ["name", "imageId"], deleteBeforeReplace: false });
  });

  it("a container found stopped is an update (start), not a replacement", async () => {
    const diff = await containerKind.diff("id", containerOlds({ state: "exited" }), await containerNews());
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
  });
});

function imageOlds(over: Partial<ImageOutputs> = {}): ImageOutputs {
  return {
    schemaVersion: 1,
    connection,
    owner: "p/s/Image/i",
    reference: "docker.io/freebsd/freebsd-runtime:14.3",
    retain: false,
    pinnedDigest: "",
    imageName: "docker.io/freebsd/freebsd-runtime:14.3",
    imageId: ID,
    digest: DIGEST,
    registryDigest: "",
    repoDigests: [`docker.io/freebsd/freebsd-runtime@${DIGEST}`],
    size: 1,
    created: "",
    os: "freebsd",
    architecture: "amd64",
    labels: {},
    preexisting: false,
    ...over,
  };
}

async function imageNews(over: Record<string, unknown> = {}) {
  const checked = await imageKind.check(
    {},
    { connection, owner: "p/s/Image/i", reference: "docker.io/freebsd/freebsd-runtime:14.3", ...over },
  );
  assert.deepEqual(checked.failures, []);
  return checked.inputs;
}

describe("Image diff", () => {
  it("nothing to do while the registry's tag points where the local image is", async () => {
    assert.equal((await imageKind.diff("id", imageOlds({ registryDigest: DIGEST }), await imageNews())).changes, false);
  });

  it("a tag that moved in the registry (seen by refresh) is a change: up pulls it", async () => {
    const diff = await imageKind.diff("id", imageOlds({ registryDigest: OTHER }), await imageNews());
    assert.deepEqual(diff, { changes: true, replaces: [] });
  });

  it("a pinned digest ignores the tag, and a new pin is a change", async () => {
    const pinned = imageOlds({ pinnedDigest: DIGEST, registryDigest: "" });
    assert.equal((await imageKind.diff("id", pinned, await imageNews({ digest: DIGEST }))).changes, false);
    assert.equal((await imageKind.diff("id", pinned, await imageNews({ digest: OTHER }))).changes, true);
  });

  it("another reference replaces the image", async () => {
    const diff = await imageKind.diff(
      "id",
      imageOlds(),
      await imageNews({ reference: "docker.io/freebsd/freebsd-runtime:15.0" }),
    );
    assert.deepEqual(diff, { changes: true, replaces: ["reference"] });
  });
});

describe("RootFs diff", () => {
  const olds: RootFsOutputs = {
    schemaVersion: 1,
    connection,
    owner: "p/s/RootFs/r",
    image: "docker.io/freebsd/freebsd-runtime:14.3",
    imageId: ID,
    dataset: "zroot/images/runtime",
    snapshot: "base",
    forceDestroy: false,
    adopt: false,
    mountpoint: "/zroot/images/runtime",
    snapshotName: "zroot/images/runtime@base",
  };
  const news = { ...olds, imageId: ID };

  it("a new image replaces the template in place of the old (same dataset name)", async () => {
    const diff = await rootFsKind.diff("id", olds, { ...news, imageId: "e".repeat(64) });
    assert.deepEqual(diff, { changes: true, replaces: ["imageId"], deleteBeforeReplace: true });
  });

  it("a missing snapshot is a change that takes it again", async () => {
    const diff = await rootFsKind.diff("id", { ...olds, snapshotName: "" }, news);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
  });
});
