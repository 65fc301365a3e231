// Each sandbox host has its own filesystem, as each real FreeBSD host does: what commands that are not
// simulated (cat, mkdir, redirections) write over SSH lands in the host's simulated tree, where the simulated
// tools read it, never on this machine; two hosts never see each other's files; stop leaves nothing mounted.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { MOUNTPOINTS_DIR, namespaceFile } from "../../sandbox/force-command";
import { ensureHostDir, hostPath, readHostFile, writeHostFile } from "../../sandbox/tools/hostfs";
import { ssh, withSandbox, type SshResult } from "../support/sandbox";

const HOSTFS = path.resolve(__dirname, "../../sandbox/tools/hostfs.js");
/** Top-level directories this test makes; unique, so that concurrent runs never share one. */
const TOP = `pfsbx${process.pid}`;

function sshAsync(host: SandboxHost, command: string): Promise<SshResult> {
  return new Promise((resolve) => {
    const child = spawn("ssh", [...host.sshArgs(), command]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ stdout, stderr, code }));
  });
}

/** Mount points of this process's mount namespace (this machine's own). */
function machineMounts(): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" ")[4]!);
}

function ours(): string[] {
  return readdirSync("/").filter((name) => name.startsWith(TOP));
}

describe("sandbox hosts each have their own filesystem", () => {
  let sandbox: Sandbox;
  let a: SandboxHost;
  let b: SandboxHost;

  before(async () => {
    assert.ok(!existsSync("/etc/jail.conf.d"), "this machine has /etc/jail.conf.d already: the test could not tell");
    sandbox = await startSandbox({ hosts: 2 });
    [a, b] = sandbox.hosts as [SandboxHost, SandboxHost];
  });
  after(() => sandbox?.stop());

  it("two hosts each keep their own /etc/jail.conf.d/web.conf, and this machine gets none", () => {
    for (const [box, text] of [
      [a, "web { path = /jails/a; }"],
      [b, "web { path = /jails/b; }"],
    ] as const) {
      const r = ssh(box, `mkdir -p /etc/jail.conf.d && printf '%s\\n' '${text}' > /etc/jail.conf.d/web.conf`);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(ssh(a, "cat /etc/jail.conf.d/web.conf"), {
      stdout: "web { path = /jails/a; }\n",
      stderr: "",
      code: 0,
    });
    assert.deepEqual(ssh(b, "cat /etc/jail.conf.d/web.conf"), {
      stdout: "web { path = /jails/b; }\n",
      stderr: "",
      code: 0,
    });
    assert.equal(readHostFile(a.dir, "/etc/jail.conf.d/web.conf"), "web { path = /jails/a; }\n");
    assert.equal(readHostFile(b.dir, "/etc/jail.conf.d/web.conf"), "web { path = /jails/b; }\n");
    assert.ok(!existsSync("/etc/jail.conf.d"), "this machine's /etc is untouched");
  });

  it("shows what the simulated tools wrote: sysrc, then cat /etc/rc.conf", () => {
    assert.deepEqual(ssh(a, "sysrc foo_enable=YES"), { stdout: "foo_enable:  -> YES\n", stderr: "", code: 0 });
    assert.match(ssh(a, "cat /etc/rc.conf").stdout, /^foo_enable="YES"$/m);
    assert.doesNotMatch(ssh(b, "cat /etc/rc.conf").stdout, /foo_enable/);
    assert.ok(!existsSync("/etc/rc.conf"));
  });

  it("lets Linux programs work (this machine's /etc is copied) but copies none of its secrets", () => {
    assert.deepEqual(ssh(a, "id -un; getent passwd root | cut -d: -f6"), {
      stdout: "root\n/root\n",
      stderr: "",
      code: 0,
    });
    assert.equal(ssh(a, "test -e /etc/shadow").code, 1, "the shadow file is not copied");
    assert.ok(!existsSync(hostPath(a.dir, "/etc/shadow")));
  });

  it("shares /zroot/data/hello between SSH and the simulated tools, both ways", () => {
    const real = existsSync("/zroot/data/hello");
    assert.equal(ssh(a, "mkdir -p /zroot/data && echo hello > /zroot/data/hello").code, 0);
    assert.equal(readHostFile(a.dir, "/zroot/data/hello"), "hello\n");
    writeHostFile(a.dir, "/zroot/data/back", "from a tool\n");
    assert.deepEqual(ssh(a, "cat /zroot/data/back"), { stdout: "from a tool\n", stderr: "", code: 0 });
    assert.equal(ssh(b, "test -e /zroot/data/hello").code, 1, "the other host has its own /zroot");
    assert.equal(existsSync("/zroot/data/hello"), real, "this machine's /zroot (if any) is untouched");
  });

  it("binds a top-level directory a tool makes (ensureHostDir) at once, even for the same session", () => {
    ensureHostDir(a.dir, `/${TOP}a/images/x`);
    assert.deepEqual(readdirSync(`/${TOP}a`), [], "an empty mount point on this machine");
    assert.deepEqual(ssh(a, `echo x > /${TOP}a/images/x/f && cat /${TOP}a/images/x/f`).stdout, "x\n");
    assert.equal(readHostFile(a.dir, `/${TOP}a/images/x/f`), "x\n");
    assert.deepEqual(readdirSync(`/${TOP}a`), [], "still empty: the file went to the host");

    // A simulated tool inside a session, and the session's next command.
    const js = `require(${JSON.stringify(HOSTFS)}).ensureHostDir(process.env.PF_SANDBOX_HOST_DIR, "/${TOP}b/x")`;
    const r = ssh(a, `${process.execPath} -e '${js}' && echo same > /${TOP}b/x/f && cat /${TOP}b/x/f`);
    assert.deepEqual(r, { stdout: "same\n", stderr: "", code: 0 });
    assert.equal(readHostFile(a.dir, `/${TOP}b/x/f`), "same\n");
    assert.deepEqual(readdirSync(`/${TOP}b`), []);
  });

  it("binds a top-level directory the tree got some other way before the next command, once", async () => {
    writeHostFile(a.dir, `/${TOP}c/f`, "lazy\n");
    const results = await Promise.all(Array.from({ length: 10 }, () => sshAsync(a, `cat /${TOP}c/f`)));
    assert.deepEqual(results, Array(10).fill({ stdout: "lazy\n", stderr: "", code: 0 }));
    const mounts = ssh(a, "awk '{ print $5 }' /proc/self/mountinfo").stdout.split("\n");
    assert.equal(mounts.filter((m) => m === `/${TOP}c`).length, 1, "bound once, whatever the concurrency");
  });

  it("shows another host none of those files", () => {
    assert.deepEqual(ssh(b, `ls -A /${TOP}a /${TOP}c 2>&1; test -e /${TOP}x`), {
      stdout: `/${TOP}a:\n\n/${TOP}c:\n`,
      stderr: "",
      code: 1,
    });
    assert.equal(readHostFile(b.dir, `/${TOP}a`), undefined);
  });

  it("binds /etc, /usr/local/etc and the host's own top-level directories, never one this machine needs", () => {
    writeHostFile(a.dir, "/usr/local/etc/pf-test.conf", "local\n");
    writeHostFile(a.dir, `/var/${TOP}`, "only in the tree\n");
    assert.equal(ssh(a, "cat /usr/local/etc/pf-test.conf").stdout, "local\n");
    assert.equal(ssh(a, `test -e /var/${TOP}`).code, 1);
    const mounts = new Set(ssh(a, "awk '{ print $5 }' /proc/self/mountinfo").stdout.split("\n"));
    for (const own of ["/etc", "/usr/local/etc", "/zroot", `/${TOP}a`]) assert.ok(mounts.has(own), own);
    for (const machine of ["/usr", "/var", "/tmp", "/home", "/root", `/${a.dir.split("/")[1]}`]) {
      assert.ok(!mounts.has(machine), machine);
    }
  });

  it("stops without leaving a mount point, namespace or claim behind", async () => {
    const files = sandbox.hosts.map((h) => namespaceFile(h.dir));
    assert.ok(files.every((f) => machineMounts().includes(f)));
    assert.ok(ours().length > 0);
    await sandbox.stop();
    assert.deepEqual(ours(), [], "the mount points this sandbox made are gone");
    assert.deepEqual(
      machineMounts().filter((m) => files.includes(m) || m.startsWith(sandbox.root)),
      [],
    );
    assert.ok(files.every((f) => !existsSync(f)));
    const claims = readdirSync(MOUNTPOINTS_DIR).flatMap((key) => readdirSync(path.join(MOUNTPOINTS_DIR, key)));
    for (const f of files) assert.ok(!claims.includes(path.basename(f)), `a claim of ${f} is left`);
  });
});

describe("sandbox host filesystems with other shells and networks", () => {
  it("runs the login shell asked for (tcsh) inside the host's filesystem", async () => {
    await withSandbox({ loginShell: "/usr/bin/tcsh" }, async (csh) => {
      const box = csh.hosts[0]!;
      const r = ssh(box, "echo csh > /etc/motd.pf-test; cat /etc/motd.pf-test");
      assert.deepEqual(r, { stdout: "csh\n", stderr: "", code: 0 });
      assert.equal(readHostFile(box.dir, "/etc/motd.pf-test"), "csh\n");
      assert.ok(!existsSync("/etc/motd.pf-test"));
    });
  });

  it("isolates a host in its own network namespace too", async () => {
    await withSandbox({ netns: true }, async (sandbox) => {
      const box = sandbox.hosts[0]!;
      assert.deepEqual(ssh(box, "echo net > /etc/pf.conf; cat /etc/pf.conf"), { stdout: "net\n", stderr: "", code: 0 });
      assert.equal(readHostFile(box.dir, "/etc/pf.conf"), "net\n");
      assert.ok(!existsSync("/etc/pf.conf"));
    });
  });

  it("changes nothing on this machine for a directory that is not a running host (a unit test's)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pf-hostfs-"));
    try {
      assert.equal(ensureHostDir(dir, `/${TOP}u/x`), hostPath(dir, `/${TOP}u/x`));
      assert.ok(existsSync(hostPath(dir, `/${TOP}u/x`)));
      assert.ok(!existsSync(`/${TOP}u`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
