// The OCI parsers against real podman, skopeo and sha256 output (oci-fixtures.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  classifyPodmanError,
  digestsOf,
  OciParseError,
  parseContainerInspect,
  parseImageInspect,
  parseImagesJson,
  parseLoadOutput,
  parsePsJson,
  parsePullOutput,
  parseSha256Quiet,
  parseSkopeoRawDigest,
  parseZfsList,
} from "../../provider/oci/parse";
import * as real from "./oci-fixtures";

const RUNTIME_ID = "f12ffbb7d72515e585939cbd19eed2683e0bf82b5449d9382444e645dccf3b7b";
const RUNTIME_DIGEST = "sha256:4f30bde6bc109fd2b7e7e31d144e1e2d7eed4abfc38ed01f9a72aa1c177e462e";

describe("podman images --format json", () => {
  it("reads names, digests, sizes and the creation time", () => {
    const [runtime, archive] = parseImagesJson(real.images.stdout);
    assert.deepEqual(runtime, {
      id: RUNTIME_ID,
      names: ["docker.io/freebsd/freebsd-runtime:14.3"],
      digest: RUNTIME_DIGEST,
      repoDigests: [`docker.io/freebsd/freebsd-runtime@${RUNTIME_DIGEST}`],
      size: 2440819,
      created: "2025-06-10T00:00:00Z",
      labels: {},
      containers: 0,
    });
    assert.deepEqual(archive?.names, ["localhost/freebsd-static:14.3-RELEASE-amd64"]);
  });

  it("merges the entries podman 4.3 repeats for an image with two names (RepoTags null)", () => {
    // Real output after `podman pull docker.io/freebsd/freebsd-static:14.3` of an image also loaded from the .txz.
    const entry = (names: string[]) => ({
      Id: "a1c4f2eda303de156cfb4780213e8e47723b8cae054222f9f75bad036aefaf2b",
      ParentId: "",
      RepoTags: null,
      RepoDigests: [
        "docker.io/freebsd/freebsd-static@sha256:a2ac08fe0771a61230580917fc4df321747067c0a5a28dc7c9218018701b46a6",
        "localhost/freebsd-static@sha256:a2ac08fe0771a61230580917fc4df321747067c0a5a28dc7c9218018701b46a6",
      ],
      Size: 32336,
      Labels: null,
      Containers: 0,
      Names: names,
      Digest: "sha256:a2ac08fe0771a61230580917fc4df321747067c0a5a28dc7c9218018701b46a6",
      Created: 1749513600,
      CreatedAt: "2025-06-10T00:00:00Z",
    });
    const names = ["localhost/freebsd-static:14.3-RELEASE-amd64", "docker.io/freebsd/freebsd-static:14.3"];
    const images = parseImagesJson(JSON.stringify([entry(names), entry(names)]));
    assert.equal(images.length, 1);
    assert.deepEqual(images[0]!.names, names);
  });

  it("reads an empty store, and refuses what is not podman's JSON, quoting it", () => {
    assert.deepEqual(parseImagesJson("[]\n"), []);
    assert.deepEqual(parseImagesJson(""), []);
    assert.throws(
      () => parseImagesJson("Error: cannot connect"),
      (e: Error) => {
        assert.ok(e instanceof OciParseError);
        assert.match(e.message, /"Error: cannot connect"/);
        return true;
      },
    );
    assert.throws(() => parseImagesJson('[{"Id":"short"}]'), OciParseError);
  });
});

describe("podman image inspect", () => {
  it("reads os, architecture, digest and labels; images not found are left out (exit 125)", () => {
    assert.equal(real.imageInspect.exitCode, 125);
    assert.match(real.imageInspect.stderr, /image not known/);
    const details = parseImageInspect(real.imageInspect.stdout);
    assert.equal(details.length, 1);
    assert.deepEqual(details[0], {
      id: RUNTIME_ID,
      digest: RUNTIME_DIGEST,
      repoTags: ["docker.io/freebsd/freebsd-runtime:14.3"],
      repoDigests: [`docker.io/freebsd/freebsd-runtime@${RUNTIME_DIGEST}`],
      created: "2025-06-10T00:00:00Z",
      os: "freebsd",
      architecture: "amd64",
      size: 2440819,
      labels: {},
    });
  });
});

describe("podman ps --all --format json and container inspect", () => {
  it("reads a running container with its owner label, and one that never started", () => {
    const [web, bad] = parsePsJson(real.ps.stdout);
    assert.deepEqual(web, {
      id: "d4f04aef32ede76ce8f27e3c6998d21efa545288ff7fa3b5e79f33bab0b4cbf8",
      name: "web",
      image: "docker.io/freebsd/freebsd-runtime:14.3",
      imageId: RUNTIME_ID,
      state: "running",
      startedAt: "2026-12-04T12:56:34Z",
      labels: { "pulumi-freebsd:owner": "p/s/Container/web" },
    });
    // StartedAt is Go's zero time (-62135596800) for a container whose start failed.
    assert.equal(bad?.state, "created");
    assert.equal(bad?.startedAt, "");
  });

  it("reads the same container from podman container inspect, and [] for a missing one", () => {
    const [web] = parseContainerInspect(real.containerInspect.stdout);
    assert.equal(web?.name, "web");
    assert.equal(web?.state, "running");
    // Nanoseconds in inspect, seconds in ps: both read as the same second.
    assert.equal(web?.startedAt, "2026-12-04T12:56:34Z");
    assert.equal(web?.imageId, RUNTIME_ID);
    assert.deepEqual(web?.labels, { "pulumi-freebsd:owner": "p/s/Container/web" });
    assert.equal(real.containerInspectMissing.exitCode, 125);
    assert.deepEqual(parseContainerInspect(real.containerInspectMissing.stdout), []);
  });
});

describe("text outputs", () => {
  it("podman pull: the id is the last line of stdout", () => {
    assert.equal(parsePullOutput(real.pull.stdout), RUNTIME_ID);
    assert.throws(() => parsePullOutput("Trying to pull…\n"), /cannot read the image id printed by podman pull/);
  });

  it("podman load: the name from the archive's annotation, or several", () => {
    assert.deepEqual(parseLoadOutput(real.load.stdout), ["localhost/freebsd-static:14.3-RELEASE-amd64"]);
    assert.deepEqual(parseLoadOutput("Loaded image(s): localhost/a:1,localhost/b:2\n"), [
      "localhost/a:1",
      "localhost/b:2",
    ]);
    assert.throws(() => parseLoadOutput(""), OciParseError);
  });

  it("sha256 -q: 64 hex digits", () => {
    assert.equal(
      parseSha256Quiet(real.sha256q.stdout),
      "b8ba0294bcdad5ebb66c4357de9398aa8b744a03e4dcb4fda1935aa4d65dcad3",
    );
    assert.throws(() => parseSha256Quiet("sha256: /x: No such file or directory\n"), OciParseError);
  });

  it("skopeo inspect --raw: the digest the tag points to is the SHA-256 of the bytes served", () => {
    assert.equal(parseSkopeoRawDigest(real.skopeoRaw.stdout), RUNTIME_DIGEST);
    // The same manifest with a newline added is another document, so another digest.
    assert.notEqual(parseSkopeoRawDigest(`${real.skopeoRaw.stdout}\n`), RUNTIME_DIGEST);
    assert.throws(() => parseSkopeoRawDigest('{"Name":"x"}'), /manifest printed by skopeo inspect --raw/);
  });

  it("RepoDigests to digests", () => {
    assert.deepEqual(digestsOf([`docker.io/freebsd/freebsd-runtime@${RUNTIME_DIGEST}`, "junk"]), [RUNTIME_DIGEST]);
  });

  it("zfs list -H -p -o name,mountpoint,PROP: a dash is unset", () => {
    const text =
      "zroot/images/runtime\t/zroot/images/runtime\tp/dev/RootFs/base\n" +
      "zroot/images/runtime@base\t-\tp/dev/RootFs/base\n" +
      "zroot/images/other\t/zroot/images/other\t-\n";
    assert.deepEqual(parseZfsList(text), [
      { name: "zroot/images/runtime", mountpoint: "/zroot/images/runtime", owner: "p/dev/RootFs/base" },
      { name: "zroot/images/runtime@base", mountpoint: "-", owner: "p/dev/RootFs/base" },
      { name: "zroot/images/other", mountpoint: "/zroot/images/other", owner: undefined },
    ]);
    assert.throws(() => parseZfsList("zroot 1 2 3\n"), /a line of zfs list -H: "zroot 1 2 3"/);
  });
});

describe("classifyPodmanError", () => {
  it("tells the failures a person acts on apart, from real stderr", () => {
    assert.equal(classifyPodmanError(real.pullPrivateNoAuth.stderr), "unauthorized");
    assert.equal(classifyPodmanError(real.pullMissing.stderr), "not-found");
    assert.equal(classifyPodmanError(real.rmiInUse.stderr), "image-in-use");
    assert.equal(classifyPodmanError(real.nameInUse.stderr), "name-in-use");
    assert.equal(classifyPodmanError(real.containerInspectMissing.stderr), "no-such-object");
    assert.equal(classifyPodmanError(real.runFails.stderr), "other");
  });
});
