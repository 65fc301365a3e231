// OCI images and containers through the real Pulumi CLI, against a sandbox host whose podman and skopeo are the
// real ones, pulling from real registries on loopback: every acceptance point of the OCI issue.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ociExample, type OciExampleOptions } from "../../examples/oci/program";
import { closeAllHosts } from "../../provider/ssh";
import { oci } from "../../sdk";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import {
  SANDBOX_REGISTRY_PASSWORD,
  SANDBOX_REGISTRY_USER,
  startOciSandbox,
  stopOciSandbox,
  type OciSandbox,
} from "../../sandbox/oci";
import { hostPath } from "../../sandbox/tools/hostfs";
import { exportedResources, newStack, type TestStack } from "../support/engine";
import { ssh } from "../support/sandbox";

const RUNTIME = "docker.io/freebsd/freebsd-runtime:14.3";
const TEMPLATE = "zroot/images/freebsd-runtime-14.3";
const TOKEN = `pf-secret-${process.pid}-${Date.now().toString(36)}`;

let sandbox: Sandbox;
let box: SandboxHost;
let registries: OciSandbox;

function sh(command: string): string {
  const r = ssh(box, command);
  assert.equal(r.code, 0, `${command}: ${r.stderr}`);
  return r.stdout;
}

function podmanJson(args: string): Array<Record<string, unknown>> {
  return JSON.parse(sh(`podman ${args} --format json`)) as Array<Record<string, unknown>>;
}

function containerState(name: string): string | undefined {
  return podmanJson("ps --all").find((c) => (c.Names as string[])[0] === name)?.State as string | undefined;
}

function imageNames(): string[] {
  return podmanJson("images").flatMap((i) => (i.Names as string[] | null) ?? []);
}

async function resource(t: TestStack, name: string) {
  const all = await exportedResources(t.stack);
  return all.find((x) => String(x.urn).endsWith(`::${name}`)) as
    | { urn: string; id: string; outputs: Record<string, unknown> }
    | undefined;
}

/**
 * `pulumi stack export` as a user runs it. The Automation API's exportStack passes --show-secrets, which would
 * decrypt every secret and prove nothing.
 */
function exportWithoutSecrets(t: TestStack): string {
  const r = spawnSync("pulumi", ["stack", "export", "--stack", "dev", "--non-interactive"], {
    cwd: t.workDir,
    encoding: "utf8",
    env: { ...process.env, ...t.stack.workspace.envVars },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Every command line on this machine (the sandbox host's process list), sampled until stopped. */
function watchProcessArgv() {
  const seen = new Set<string>();
  const timer = setInterval(() => {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        seen.add(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" "));
      } catch {
        // the process ended meanwhile
      }
    }
  }, 5);
  return {
    stop(): string[] {
      clearInterval(timer);
      return [...seen];
    },
  };
}

before(async () => {
  sandbox = await startSandbox({ hosts: 1 });
  box = sandbox.hosts[0]!;
  registries = await startOciSandbox();
  registries.configureHost(box.dir);
});

after(async () => {
  closeAllHosts();
  await stopOciSandbox(
    registries,
    [{ dir: box?.dir ?? "" }].filter((h) => h.dir !== ""),
  );
  await sandbox?.stop();
});

describe("engine: the OCI example (image, container, jail template)", () => {
  let t: TestStack;
  let options: OciExampleOptions = {};
  const use = (o: OciExampleOptions) => {
    options = { ...options, ...o };
    t.stack.workspace.program = ociExample(box.connection, options);
  };

  before(async () => {
    options = { token: pulumi.secret(TOKEN) };
    t = await newStack("oci-example", ociExample(box.connection, options));
  });
  after(async () => {
    await t?.cleanup();
  });

  it("up pulls by tag, runs the container, and builds the snapshotted template", async () => {
    const watch = watchProcessArgv();
    let argv: string[] = [];
    const up = await t.stack.up().finally(() => (argv = watch.stop()));
    assert.deepEqual(up.summary.resourceChanges, { create: 4 });
    const image = await resource(t, "freebsd-runtime");
    assert.equal(image?.outputs.digest, registries.images[RUNTIME]!.digest);
    assert.equal(image?.outputs.os, "freebsd");
    assert.equal(image?.id, `127.0.0.1:${box.connection.port}/${RUNTIME}`);
    assert.equal(containerState("web"), "running");
    assert.equal(
      sh("podman inspect web --format '{{index .Config.Annotations \"org.freebsd.jail.vnet\"}}'").trim(),
      "new",
    );
    // The template: a dataset owned by this stack, its snapshot, and the image's files in it.
    assert.match(sh(`zfs list -H -o name -t snapshot ${TEMPLATE}@base`), new RegExp(`^${TEMPLATE}@base$`, "m"));
    assert.equal(
      sh(`zfs get -H -o value pulumi-freebsd:owner ${TEMPLATE}`).trim(),
      "oci-example/dev/RootFs/runtime-template",
    );
    assert.ok(existsSync(hostPath(box.dir, `/${TEMPLATE}/etc/master.passwd`)), "the image's files are in the dataset");
    // The secret was delivered, and never shown on a command line while up ran.
    assert.match(sh("podman exec web /usr/bin/env"), new RegExp(`^TOKEN=${TOKEN}$`, "m"));
    assert.ok(
      argv.some((a) => a.includes("--env-file")),
      "the sampler saw podman run (else it proves nothing)",
    );
    for (const a of argv) assert.ok(!a.includes(TOKEN), `the secret is in a command line: ${a}`);
  });

  it("a second up reports no changes", async () => {
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 4 });
  });

  it("the secret env value is not in the state: pulumi stack export (no --show-secrets) and the state files", async () => {
    const exported = exportWithoutSecrets(t);
    assert.match(exported, /"ciphertext"/, "env is kept as a secret");
    assert.ok(!exported.includes(TOKEN), "the secret is in plaintext state");
    const files = readdirSync(path.join(t.workDir, "state"), { recursive: true, encoding: "utf8" });
    for (const f of files) {
      const file = path.join(t.workDir, "state", f);
      if (statSync(file).isFile()) assert.ok(!readFileSync(file, "utf8").includes(TOKEN), `secret in ${f}`);
    }
  });

  it("a container stopped behind Pulumi's back: refresh shows it, up starts it again", async () => {
    sh("podman stop --time 0 web");
    const refresh = await t.stack.refresh();
    assert.deepEqual(refresh.summary.resourceChanges, { same: 3, update: 1 });
    assert.equal((await resource(t, "web"))?.outputs.state, "exited");
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 3, update: 1 });
    assert.equal(containerState("web"), "running");
  });

  it("a container removed behind Pulumi's back: refresh drops it, up creates it again", async () => {
    sh("podman rm --force --time 0 web");
    const refresh = await t.stack.refresh();
    assert.deepEqual(refresh.summary.resourceChanges, { same: 3, delete: 1 });
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 3, create: 1 });
    assert.equal(containerState("web"), "running");
  });

  it("a change of env previews as a replacement that names env, and up replaces the container", async () => {
    use({ greeting: "bonjour" });
    const preview = await t.stack.preview({ diff: true });
    assert.deepEqual(preview.changeSummary, { same: 3, replace: 1 });
    assert.match(
      preview.stdout,
      /\+-pulumi-nodejs:dynamic\/oci:Container: \(replace\)\n\s+\[id=127\.0\.0\.1:\d+\/web\]/,
    );
    assert.match(preview.stdout, /~ env\s+: \{\n\s+~ GREETING: "hello" => "bonjour"\n\s+TOKEN\s+: \[secret\]/);
    const before = sh("podman inspect web --format '{{.Id}}'").trim();
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 3, replace: 1 });
    assert.notEqual(sh("podman inspect web --format '{{.Id}}'").trim(), before);
    assert.match(sh("podman exec web /usr/bin/env"), /^GREETING=bonjour$/m);
  });

  it("a tag moved in the registry: refresh reports the new digest as drift, up pulls it", async () => {
    const old = registries.images[RUNTIME]!.digest;
    const moved = registries.pushNewRelease(RUNTIME, "14.3-RELEASE-p1").digest;
    assert.notEqual(moved, old);
    const refresh = await t.stack.refresh();
    assert.deepEqual(refresh.summary.resourceChanges, { same: 3, update: 1 });
    const image = await resource(t, "freebsd-runtime");
    assert.equal(image?.outputs.registryDigest, moved);
    assert.equal(image?.outputs.digest, old, "refresh changed nothing on the host");
    const up = await t.stack.up();
    // The image follows the tag; the container and the template built on the old image are replaced.
    assert.deepEqual(up.summary.resourceChanges, { same: 1, update: 1, replace: 2 });
    assert.equal((await resource(t, "freebsd-runtime"))?.outputs.digest, moved);
    assert.equal(containerState("web"), "running");
    const second = await t.stack.up();
    assert.deepEqual(second.summary.resourceChanges, { same: 4 });
  });

  it("deleting an image a container uses is refused, with the container named", async () => {
    sh(`podman run --detach --name intruder ${RUNTIME} /bin/sleep 600`);
    use({ withoutImage: true });
    await assert.rejects(
      t.stack.up(),
      /Image docker\.io\/freebsd\/freebsd-runtime:14\.3 .* is used by container intruder/,
    );
    assert.ok(imageNames().includes(RUNTIME), "the image is still there");
    assert.ok(await resource(t, "freebsd-runtime"), "and still in the state");
    sh("podman rm --force --time 0 intruder");
    const up = await t.stack.up();
    assert.equal(up.summary.resourceChanges?.delete, 1);
    assert.ok(!imageNames().includes(RUNTIME));
  });
});

describe("engine: a pinned digest", () => {
  let t: TestStack;
  after(async () => {
    await t?.cleanup();
  });

  it("up pulls exactly the pinned manifest, wherever the tag points now", async () => {
    const pinned = registries.images["ghcr.io/freebsd/freebsd-static:14.3"]!.digest;
    const moved = registries.pushNewRelease("ghcr.io/freebsd/freebsd-static:14.3", "14.3-RELEASE-p2").digest;
    assert.notEqual(pinned, moved);
    t = await newStack("oci-pinned", async () => {
      const image = new oci.Image("static", {
        connection: box.connection,
        reference: "ghcr.io/freebsd/freebsd-static:14.3",
        digest: pinned,
      });
      return { digest: image.digest };
    });
    const up = await t.stack.up();
    assert.equal(up.outputs.digest?.value, pinned);
    // The tag on the host names the pinned image, not the registry's newer one.
    const listed = podmanJson("images").find((i) =>
      ((i.Names as string[]) ?? []).includes("ghcr.io/freebsd/freebsd-static:14.3"),
    );
    assert.equal(listed?.Digest, pinned);
    const refresh = await t.stack.refresh();
    assert.deepEqual(refresh.summary.resourceChanges, { same: 2 }, "a moved tag is no drift for a pinned image");
    assert.deepEqual((await t.stack.up()).summary.resourceChanges, { same: 2 });
  });
});

describe("engine: a FreeBSD OCI archive", () => {
  let t: TestStack;
  const file = `/var/tmp/${"FreeBSD-14.3-RELEASE-amd64-container-image-static.txz"}`;
  const program = (sha256: string) => async () => {
    const image = new oci.Image("static-archive", { connection: box.connection, archive: { path: file, sha256 } });
    return { imageName: image.imageName, digest: image.digest };
  };

  before(async () => {
    const target = hostPath(box.dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, registries.archive.data);
    t = await newStack("oci-archive", program("0".repeat(64)));
  });
  after(async () => {
    await t?.cleanup();
  });

  it("a wrong checksum is refused and nothing is loaded", async () => {
    await assert.rejects(
      t.stack.up(),
      /has SHA-256 [0-9a-f]{64}, not 0{64} as \[archive\.sha256\] says: refusing to load it/,
    );
    assert.ok(!imageNames().includes(registries.archive.loadedAs));
    assert.equal(await resource(t, "static-archive"), undefined);
  });

  it("the right checksum loads it under FreeBSD's name", async () => {
    t.stack.workspace.program = program(registries.archive.sha256.toUpperCase());
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 1, same: 1 });
    assert.equal(up.outputs.imageName?.value, "localhost/freebsd-static:14.3-RELEASE-amd64");
    assert.equal(up.outputs.digest?.value, registries.archive.image.digest);
    assert.ok(imageNames().includes(registries.archive.loadedAs));
  });
});

describe("engine: a registry with a password", () => {
  let t: TestStack;
  let reference: string;
  const program = (password: string) => async () => {
    const image = new oci.Image("app", {
      connection: box.connection,
      reference,
      credentials: { username: SANDBOX_REGISTRY_USER, password: pulumi.secret(password) },
    });
    return { labels: image.labels };
  };

  before(async () => {
    reference = `${registries.privateRegistry.address}/private/app:1.0`;
    t = await newStack("oci-private", program("not-the-password"));
  });
  after(async () => {
    await t?.cleanup();
  });

  it("a wrong password gives a clear error and leaves nothing half-made", async () => {
    const started = Date.now();
    await assert.rejects(
      t.stack.up(),
      /Registry 127\.0\.0\.1:\d+ refused the credentials in \[credentials\] \(user "pulumi"\): check the username and password\. Nothing was pulled/,
    );
    assert.ok(!imageNames().includes(reference), "no image");
    assert.equal(await resource(t, "app"), undefined, "no resource in state");
    // No auth file survives on the host (the script's mktemp directory is gone).
    const leftovers = readdirSync("/tmp")
      .filter((d) => d.startsWith("tmp."))
      .map((d) => path.join("/tmp", d))
      .filter((d) => statSync(d).mtimeMs >= started - 1000 && existsSync(path.join(d, "auth.json")));
    assert.deepEqual(leftovers, []);
  });

  it("the right password pulls it", async () => {
    t.stack.workspace.program = program(SANDBOX_REGISTRY_PASSWORD);
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 1, same: 1 });
    assert.equal((up.outputs.labels?.value as Record<string, string>)["org.opencontainers.image.title"], "app");
    assert.ok(imageNames().includes(reference));
    assert.ok(!exportWithoutSecrets(t).includes(SANDBOX_REGISTRY_PASSWORD), "the password is in plaintext state");
  });
});
