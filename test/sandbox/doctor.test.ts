// `pulumi-freebsd doctor` against a sandbox host: a fresh host lacks what FreeBSD lacks by default, and
// running the printed fixes makes every check pass.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { runDoctor } from "../../provider/doctor/checks";
import { closeAllHosts, hostFor } from "../../provider/ssh";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";

const CLI = path.resolve(__dirname, "..", "..", "provider", "cli", "main.js");

describe("doctor against a sandbox host", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;
  before(async () => {
    sandbox = await startSandbox({ hosts: 1 });
    box = sandbox.hosts[0]!;
  });
  after(async () => {
    closeAllHosts();
    await sandbox?.stop();
  });

  it("reports what a fresh FreeBSD 14 host lacks, with the fixing commands", async () => {
    const run = spawnSync(
      process.execPath,
      [
        CLI,
        "doctor",
        `root@127.0.0.1:${box.connection.port}`,
        "--identity",
        box.clientKeyFile,
        "--host-key",
        box.connection.hostKey,
      ],
      { encoding: "utf8" },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /ok +FreeBSD: kernel 14\.2-RELEASE-p1, userland 14\.2-RELEASE-p1/);
    assert.match(run.stdout, /ok +ZFS pools: zroot ONLINE/);
    assert.match(run.stdout, /MISSING {2}kernel module vmm: not loaded/);
    assert.match(run.stdout, /MISSING {2}package podman-suite: not installed/);
    assert.match(run.stdout, /MISSING {2}RACCT: kern\.racct\.enable is 0/);
    assert.match(run.stdout, /^ {2}kldload if_bridge$/m);
    assert.match(run.stdout, /^ {2}pkg install -y vm-bhyve$/m);
  });

  it("passes the base checks once the printed fixes have run, and the pf anchors once pf.conf calls them", async () => {
    const host = hostFor(box.connection);
    // RACCT needs a reboot into a new loader.conf: a sandbox host cannot run that fix (its state can).
    const base = /^(FreeBSD|ZFS pools|kernel module .*|package vm-bhyve|pf|pf anchors)$/;
    const before = (await runDoctor(host)).filter((f) => base.test(f.subject));
    const fixes = before.filter((f) => f.status === "missing").flatMap((f) => f.fix ?? []);
    assert.deepEqual(fixes, [
      "kldload vmm",
      "sysrc kld_list+=vmm",
      "kldload if_bridge",
      "sysrc kld_list+=if_bridge",
      "kldload pf",
      "sysrc kld_list+=pf",
      "pkg install -y vm-bhyve",
      "sysrc pf_enable=YES",
      "touch /etc/pf.conf",
      "service pf start",
    ]);
    for (const fix of fixes) await host.script(fix);
    // The anchor hooks are lines in a file the operator owns: the finding names them, the operator adds them.
    const anchors = (await runDoctor(host)).find((f) => f.subject === "pf anchors")!;
    assert.equal(anchors.status, "missing");
    const hooks = [...anchors.detail.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    assert.equal(hooks.length, 3);
    await host.exec(["sh", "-c", 'printf "%s\\n" "$@" > /etc/pf.conf', "sh", ...hooks]);
    const after = (await runDoctor(host)).filter((f) => base.test(f.subject));
    assert.deepEqual(
      after.filter((f) => f.status !== "ok"),
      [],
    );
    // After the reboot the RACCT fix asks for (loader.conf is read at boot).
    box.state.update((s) => {
      s.rctl = { enabled: true, rules: [] };
    });
    assert.equal((await runDoctor(host)).find((f) => f.subject === "RACCT")!.status, "ok");
  });
});
