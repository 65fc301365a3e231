// The sandbox's image builder: real tar archives, OCI blobs whose digests hold, and FreeBSD's archive layout.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { buildImage, freebsdArchive, staticRootfs } from "../../sandbox/oci/images";
import { tar } from "../../sandbox/oci/tar";
import { mapPodmanArgs, mapTarArgs } from "../../sandbox/oci/tools";
import { registriesConf } from "../../sandbox/oci/podman";

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

function listTar(archive: Buffer, flags = "-tv"): string[] {
  const r = spawnSync("tar", [flags, "-f", "-"], { input: archive, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split("\n");
}

describe("sandbox OCI images", () => {
  it("writes ustar archives that GNU tar reads: modes, owners, symlinks, long names", () => {
    const long = `usr/share/${"z".repeat(90)}/${"f".repeat(60)}`;
    const lines = listTar(
      tar([
        { type: "dir", path: "tmp", mode: 0o1777 },
        { type: "file", path: "etc/master.passwd", mode: 0o600, content: "root::0:0::0:0:Charlie &:/root:/bin/sh\n" },
        { type: "symlink", path: "bin/sh2", target: "sh" },
        { type: "file", path: long, content: "x" },
      ]),
    );
    assert.match(lines[0]!, /^drwxrwxrwt root\/wheel\s+0 2025-06-10 00:00 tmp\/$/);
    assert.match(lines[1]!, /^-rw------- root\/wheel\s+39 2025-06-10 00:00 etc\/master.passwd$/);
    assert.match(lines[2]!, /^lrwxrwxrwx root\/wheel\s+0 2025-06-10 00:00 bin\/sh2 -> sh$/);
    assert.ok(lines[3]!.endsWith(long));
  });

  it("builds the same image twice to the same digest, with digests that verify", () => {
    const a = buildImage({ rootfs: staticRootfs("14.3") });
    const b = buildImage({ rootfs: staticRootfs("14.3") });
    assert.equal(a.digest, b.digest);
    assert.equal(a.digest, `sha256:${sha256(a.manifest)}`);
    assert.equal(a.id, sha256(a.config));
    const manifest = JSON.parse(a.manifest.toString());
    const config = JSON.parse(a.config.toString());
    assert.equal(manifest.layers[0].digest, `sha256:${sha256(a.layers[0]!)}`);
    assert.equal(config.rootfs.diff_ids[0], `sha256:${sha256(gunzipSync(a.layers[0]!))}`);
    assert.equal(config.os, "freebsd");
    assert.notEqual(buildImage({ rootfs: staticRootfs("14.3"), labels: { x: "1" } }).digest, a.digest);
  });

  it("lays out the static image as FreeBSD's: mtree directories and configuration, nothing to run", () => {
    const names = listTar(gunzipSync(buildImage({ rootfs: staticRootfs("14.3") }).layers[0]!), "-t");
    for (const want of ["etc/", "etc/master.passwd", "etc/passwd", "usr/share/zoneinfo/UTC", "var/run/", "tmp/"]) {
      assert.ok(names.includes(want), `missing ${want}`);
    }
    assert.ok(!names.some((n) => n.startsWith("./")), "entries have no ./ prefix (tar --strip-components 1)");
    assert.ok(!names.includes("bin/sh"), "the static image has no shell");
  });

  it("packs a .txz as make-oci-image.sh does: xz, oci-layout, index naming freebsd-static:VERSION-RELEASE-ARCH", () => {
    const image = buildImage({ rootfs: staticRootfs("14.3") });
    const txz = freebsdArchive(image, "freebsd-static:14.3-RELEASE-amd64");
    assert.deepEqual([...txz.subarray(0, 6)], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "xz magic");
    const plain = spawnSync("xz", ["-dc"], { input: txz }).stdout;
    const names = listTar(plain, "-t");
    assert.deepEqual(names.slice(0, 4), ["oci-layout", "index.json", "blobs/", "blobs/sha256/"]);
    assert.ok(names.includes(`blobs/sha256/${image.digest.slice(7)}`));
    const index = spawnSync("tar", ["-xO", "-f", "-", "index.json"], { input: plain, encoding: "utf8" }).stdout;
    assert.deepEqual(JSON.parse(index).manifests[0].annotations, {
      "org.opencontainers.image.ref.name": "freebsd-static:14.3-RELEASE-amd64",
    });
  });
});

describe("sandbox podman and tar wrappers", () => {
  it("map only host paths that exist in the simulated tree and not on this machine", () => {
    const dir = "/nonexistent-host-dir";
    // Nothing exists under the fake host dir: every path stays as given.
    assert.deepEqual(mapPodmanArgs(dir, ["run", "-v", "/zroot/data:/data:ro", "--env-file", "/tmp/x", "img"]), [
      "run", "-v", "/zroot/data:/data:ro", "--env-file", "/tmp/x", "img",
    ]); // prettier-ignore
    assert.deepEqual(mapTarArgs(dir, ["-x", "-p", "-f", "/tmp/a.tar", "-C", "/zroot/images/x"]), [
      "-x", "-p", "-f", "/tmp/a.tar", "-C", "/zroot/images/x",
    ]); // prettier-ignore
  });

  it("writes registries.conf with plain-HTTP loopback registries and the FreeBSD namespaces remapped", () => {
    const text = registriesConf([
      { address: "127.0.0.1:5000", remaps: [{ prefix: "docker.io/freebsd", path: "freebsd" }] },
    ]);
    assert.match(text, /\[\[registry\]\]\nlocation = "127\.0\.0\.1:5000"\ninsecure = true/);
    assert.match(text, /prefix = "docker\.io\/freebsd"\nlocation = "127\.0\.0\.1:5000\/freebsd"\ninsecure = true/);
  });
});
