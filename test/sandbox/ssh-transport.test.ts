// The transport through real SSH to a sandbox host: host keys, secrets, one connection, faults, timeouts.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { closeAllHosts, hostFor, RemoteCommandError, transportCounters } from "../../provider/ssh";
import { fingerprint } from "../../provider/ssh/files";

/** Command lines of every running `ssh` client process, as the kernel shows them to all users. */
function sshProcessArgv(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv[0] === "ssh" || argv[0]?.endsWith("/ssh")) lines.push(argv.join(" "));
    } catch {
      // the process ended meanwhile
    }
  }
  return lines;
}

describe("ssh transport against a sandbox host", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;
  let jumpTarget: SandboxHost;

  before(async () => {
    sandbox = await startSandbox({ hosts: 2 });
    [box, jumpTarget] = sandbox.hosts as [SandboxHost, SandboxHost];
  });
  after(async () => {
    closeAllHosts();
    await sandbox?.stop();
  });

  it("runs a command with the pinned host key", async () => {
    const result = await hostFor(box.connection).exec(["uname", "-s"]);
    assert.equal(result.stdout, "FreeBSD\n");
    assert.equal(result.exitCode, 0);
  });

  it("refuses a host whose key is not the pinned one, naming the host and both fingerprints", async () => {
    const wrongKey = jumpTarget.connection.hostKey as string;
    const host = hostFor({ ...box.connection, hostKey: wrongKey });
    await assert.rejects(host.exec(["uname"]), (err: RemoteCommandError) => {
      assert.ok(err instanceof RemoteCommandError);
      assert.ok(err.transport);
      assert.match(err.message, new RegExp(`SSH connection to root@127\\.0\\.0\\.1:${box.connection.port} failed`));
      assert.ok(err.message.includes(fingerprint(box.connection.hostKey as string)), "presented key fingerprint");
      assert.ok(err.message.includes(fingerprint(wrongKey)), "pinned key fingerprint");
      return true;
    });
    assert.ok(!box.commandLog().includes("uname"), "no command may run on a host that failed verification");
  });

  it("never shows the inline private key in argv or in error text", async () => {
    const key = box.connection.privateKey as string;
    const keyBody = key.split("\n")[1]!;
    const host = hostFor(box.connection);
    const seen: string[] = [];
    const slow = host.exec(["sleep", "1"]);
    const deadline = Date.now() + 5000;
    while (seen.length === 0 && Date.now() < deadline) {
      seen.push(...sshProcessArgv());
      await new Promise((r) => setTimeout(r, 20));
    }
    await slow;
    assert.ok(seen.length > 0, "saw no ssh process to inspect");
    for (const argv of seen) assert.ok(!argv.includes(keyBody), `key material in argv: ${argv}`);
    const failure = await host.exec(["sh", "-c", "echo failing >&2; exit 7"]).catch((e: Error) => e);
    assert.ok(failure instanceof RemoteCommandError);
    assert.equal(failure.exitCode, 7);
    assert.match(failure.message, /^Command exited with code 7 on root@127\.0\.0\.1:\d+: sh -c/);
    for (const text of [failure.message, failure.stdout, failure.stderr, String(failure.stack)]) {
      assert.ok(!text.includes(keyBody));
    }
  });

  it("runs 200 concurrent commands over one SSH connection", async () => {
    closeAllHosts();
    transportCounters.reset();
    const host = hostFor(box.connection);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => host.exec(["echo", `n${i}`])));
    assert.deepEqual(
      results.map((r) => r.stdout),
      Array.from({ length: 200 }, (_, i) => `n${i}\n`),
    );
    assert.equal(transportCounters.connectionsOpened, 1);
    assert.equal(transportCounters.commandsRun, 200);
  });

  it("delivers arbitrary argv exactly, as the server's log and the command's own view show", async () => {
    const host = hostFor(box.connection);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom(..."'\"`$()\\\n !#&;|<>*? é€😀"), maxLength: 16 }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (argv) => {
          const result = await host.exec(["printf", "%s\\0", ...argv]);
          assert.deepEqual(result.stdout.split("\0").slice(0, -1), argv);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("retries read-only commands through an sshd restart, and fails mutating ones at once", async () => {
    const host = hostFor(box.connection);
    await host.exec(["true"]);
    box.failNext(1);
    await assert.rejects(host.exec(["sysrc", "demo_enable=YES"]), (err: RemoteCommandError) => err.transport);
    box.failNext(2);
    const read = await host.exec(["uname", "-r"], { retry: "safe" });
    assert.equal(read.stdout, "14.2-RELEASE-p1\n");

    transportCounters.reset();
    const reads = Array.from({ length: 20 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 50)).then(() => host.exec(["uname", "-s"], { retry: "safe" })),
    );
    await new Promise((r) => setTimeout(r, 300));
    await box.restartSshd();
    const results = await Promise.all(reads);
    assert.ok(results.every((r) => r.stdout === "FreeBSD\n"));
    assert.ok(transportCounters.connectionsOpened >= 1, "the restart must have forced a reconnect");
  });

  it("times out a hanging command with a clear error", async () => {
    const host = hostFor(box.connection);
    const started = Date.now();
    await assert.rejects(host.exec(["sleep", "30"], { timeoutMs: 1000 }), (err: RemoteCommandError) => {
      assert.ok(err.timedOut);
      assert.match(err.message, /^Command timed out after \d+ ms on root@127\.0\.0\.1:\d+: sleep 30/);
      return true;
    });
    assert.ok(Date.now() - started < 10_000);
  });

  it("reaches a host through another one (ProxyJump), verifying both keys", async () => {
    const host = hostFor({ ...jumpTarget.connection, proxy: box.connection });
    const result = await host.exec(["uname", "-n"]);
    assert.equal(result.exitCode, 0);
    assert.ok(result.stdout.length > 0);
  });
});
