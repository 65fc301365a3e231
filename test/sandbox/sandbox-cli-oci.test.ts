// `pulumi-freebsd-sandbox start --oci`: a sandbox left running for a user's own stacks, whose hosts pull
// docker.io/freebsd images from the local registries, and whose `stop` (another process) ends them all.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { loadSandbox } from "../../sandbox";
import { ssh } from "../support/sandbox";

const CLI = path.resolve(__dirname, "..", "..", "sandbox", "cli.js");

/** Processes whose command line names `dir` (a registry runs with its config.yml there). */
function processesUsing(dir: string): number[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        return argv.includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("sandbox CLI with --oci", () => {
  const root = mkdtempSync(path.join(tmpdir(), "pf-cli-oci-"));
  after(() => {
    spawnSync(process.execPath, [CLI, "stop", "--root", root]);
    rmSync(root, { recursive: true, force: true });
  });

  it("starts hosts whose podman pulls docker.io/freebsd images locally, and stop ends the registries", () => {
    const start = spawnSync(process.execPath, [CLI, "start", "--oci", "--root", root], { encoding: "utf8" });
    assert.equal(start.status, 0, start.stderr);
    assert.match(start.stdout, /OCI registry 127\.0\.0\.1:\d+ serves docker\.io\/freebsd\/\*/);
    const record = JSON.parse(readFileSync(path.join(root, "oci.json"), "utf8")) as {
      registries: Array<{ dir: string }>;
    };
    assert.equal(record.registries.length, 2);

    const [box] = loadSandbox(root).hosts;
    const pull = ssh(
      box!,
      "podman pull -q docker.io/freebsd/freebsd-runtime:14.3 && podman images --format '{{.Repository}}:{{.Tag}}'",
    );
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /^docker\.io\/freebsd\/freebsd-runtime:14\.3$/m);

    const stop = spawnSync(process.execPath, [CLI, "stop", "--root", root], { encoding: "utf8" });
    assert.equal(stop.status, 0, stop.stderr);
    for (const r of record.registries) {
      assert.equal(existsSync(r.dir), false, `registry directory ${r.dir} left behind`);
      assert.deepEqual(processesUsing(r.dir), [], "a registry process outlived stop");
    }
    assert.equal(existsSync(path.join(root, "oci.json")), false);
  });
});
