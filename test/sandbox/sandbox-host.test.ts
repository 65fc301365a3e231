// Sandbox hosts through the real OpenSSH client: FreeBSD answers, the server's command log, injected
// failures, dropped connections, sshd restarts, network namespaces with latency, and a clean stop.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { loadSandbox, startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { sandboxNamespaces } from "../../sandbox/netns";
import { alive, descendants, waitFor } from "../../sandbox/procs";
import { ssh, withSandbox } from "../support/sandbox";

/** The sshd listener and every process under it. */
function sshdTree(host: SandboxHost): number[] {
  const pid = host.sshdPid();
  assert.ok(pid !== undefined, "sshd is not running");
  return [pid, ...descendants(pid)];
}

/**
 * One application-level round trip: after the server's banner, send ours and time the server's next packet
 * (its KEXINIT, which sshd sends once it has the client's version line).
 */
async function sshRoundTripMs(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let sentAt = 0;
    socket.on("data", (chunk) => {
      if (sentAt === 0) {
        assert.ok(chunk.toString("latin1").startsWith("SSH-2.0-"));
        sentAt = performance.now();
        socket.write("SSH-2.0-pf-sandbox-probe\r\n");
      } else {
        socket.destroy();
        resolve(performance.now() - sentAt);
      }
    });
    socket.on("error", reject);
  });
}

describe("sandbox host on loopback", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;

  before(async () => {
    sandbox = await startSandbox({ hosts: 1 });
    box = sandbox.hosts[0]!;
  });
  after(() => sandbox?.stop());

  it("answers as FreeBSD through the real ssh client, with the host key pinned", () => {
    const r = ssh(box, "uname -a");
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^FreeBSD sandbox0\.example\.org 14\.2-RELEASE-p1 FreeBSD 14\.2-RELEASE-p1 releng\/\S+ GENERIC {2}amd64\n$/,
    );
    assert.deepEqual(box.connection, {
      host: "127.0.0.1",
      port: box.connection.port,
      user: "root",
      privateKey: readFileSync(box.clientKeyFile, "utf8"),
      hostKey: readFileSync(path.join(box.dir, "ssh", "host_ed25519.pub"), "utf8").trim(),
    });
    assert.match(box.connection.hostKey, /^ssh-ed25519 AAAA\S+$/);
  });

  it("refuses a client that pins another key", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pf-kh-"));
    try {
      const wrong = path.join(dir, "known_hosts");
      spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "k")]);
      const other = readFileSync(path.join(dir, "k.pub"), "utf8").split(" ").slice(0, 2).join(" ");
      writeFileSync(wrong, `[127.0.0.1]:${box.connection.port} ${other}\n`);
      const before = box.commandLog().length;
      const r = ssh(box, "uname", ["-o", `UserKnownHostsFile=${wrong}`]);
      assert.equal(r.code, 255);
      assert.match(r.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
      assert.equal(box.commandLog().length, before, "the server must not have run anything");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("logs exactly what the server received, in order, newlines included", () => {
    const before = box.commandLog().length;
    ssh(box, "sysrc -n hostname");
    ssh(box, "printf '%s\\n' 'two\nlines'");
    assert.deepEqual(box.commandLog().slice(before), ["sysrc -n hostname", "printf '%s\\n' 'two\nlines'"]);
  });

  it("fails the next n commands before they run, then recovers", () => {
    box.failNext(2);
    const before = box.commandLog().length;
    for (let i = 0; i < 2; i++) {
      const r = ssh(box, "sysrc demo_enable=YES");
      assert.equal(r.code, 255);
      assert.match(r.stderr, /sandbox: injected failure \(exit 255\)/);
    }
    assert.equal(ssh(box, "sysrc -n demo_enable").stderr, "sysrc: unknown variable 'demo_enable'\n", "nothing ran");
    box.failNext(1, 3);
    assert.equal(ssh(box, "true").code, 3);
    assert.deepEqual(ssh(box, "uname -s"), { stdout: "FreeBSD\n", stderr: "", code: 0 });
    assert.equal(box.commandLog().length, before + 5, "failed commands are logged too");
  });

  it("drops client master connections", async () => {
    const control = path.join(mkdtempSync(path.join(tmpdir(), "pf-cm-")), "master");
    const master = ["-o", "ControlMaster=yes", "-o", `ControlPath=${control}`, "-o", "ControlPersist=60", "-f", "-N"];
    const start = spawnSync("ssh", [...master, ...box.sshArgs()], { encoding: "utf8" });
    assert.equal(start.status, 0, start.stderr);
    const check = () =>
      spawnSync("ssh", ["-o", `ControlPath=${control}`, "-O", "check", ...box.sshArgs()], { encoding: "utf8" }).status;
    assert.equal(check(), 0);
    const listener = box.sshdPid();
    await box.dropConnections();
    await waitFor("the master connection to drop", () => check() !== 0);
    assert.equal(box.sshdPid(), listener, "the listener stays");
    assert.equal(ssh(box, "uname").stdout, "FreeBSD\n");
    rmSync(path.dirname(control), { recursive: true, force: true });
  });

  it("restarts sshd on the same port with the same key", async () => {
    const old = sshdTree(box);
    const port = box.connection.port;
    await box.restartSshd();
    assert.ok(
      old.every((pid) => !alive(pid)),
      "the old listener is gone",
    );
    assert.notEqual(box.sshdPid(), old[0]);
    assert.equal(box.connection.port, port);
    assert.equal(ssh(box, "uname -r").stdout, "14.2-RELEASE-p1\n");
  });

  it("is found again by another process through sandbox.json", () => {
    const again = loadSandbox(sandbox.root);
    assert.deepEqual(again.hosts[0]!.connection, box.connection);
    assert.equal(again.hosts[0]!.sshdPid(), box.sshdPid());
  });

  it("runs commands in the login shell asked for (tcsh, as on older FreeBSD root accounts)", async () => {
    await withSandbox({ loginShell: "/usr/bin/tcsh" }, async (csh) => {
      const r = ssh(csh.hosts[0]!, "set x = csh; echo $x; uname -s");
      assert.deepEqual(r, { stdout: "csh\nFreeBSD\n", stderr: "", code: 0 });
    });
  });
});

describe("stopping a sandbox", () => {
  it("leaves no sshd process and removes a temporary root", async () => {
    const sandbox = await startSandbox({ hosts: 2 });
    ssh(sandbox.hosts[0]!, "true");
    const pids = sandbox.hosts.flatMap(sshdTree);
    await sandbox.stop();
    assert.deepEqual(
      pids.filter((p) => alive(p)),
      [],
    );
    assert.throws(() => readFileSync(path.join(sandbox.root, "sandbox.json")));
  });
});

describe("sandbox host in a network namespace", () => {
  const LATENCY = 40;
  let sandbox: Sandbox;
  let box: SandboxHost;

  before(async () => {
    sandbox = await startSandbox({ hosts: 1, netns: true, latencyMs: LATENCY });
    box = sandbox.hosts[0]!;
  });
  after(() => sandbox?.stop());

  it("is reached on its namespace address, port 22", () => {
    const ns = box.record.netns!;
    assert.match(ns.name, /^pf-sbx-\d+$/);
    assert.equal(box.connection.host, `10.203.${ns.index}.2`);
    assert.equal(box.connection.port, 22);
    assert.ok(sandboxNamespaces().includes(ns.name));
    assert.deepEqual(ssh(box, "uname -n"), { stdout: "sandbox0.example.org\n", stderr: "", code: 0 });
  });

  it("delays traffic: a round trip takes at least twice the one-way latency", async () => {
    const samples = [];
    for (let i = 0; i < 3; i++) samples.push(await sshRoundTripMs(box.connection.host, 22));
    const best = Math.min(...samples);
    console.log(
      `# netns round trip with ${LATENCY} ms each way (${box.record.delay?.mode}): ${samples.map((s) => s.toFixed(1)).join(", ")} ms`,
    );
    assert.ok(best >= 2 * LATENCY * 0.95, `round trip ${best} ms`);
  });

  it("removes its namespace and veth pair on stop", async () => {
    const ns = box.record.netns!;
    const pids = sshdTree(box);
    await sandbox.stop();
    assert.ok(!sandboxNamespaces().includes(ns.name));
    assert.notEqual(spawnSync("ip", ["link", "show", ns.vethHost]).status, 0, "the veth is gone");
    assert.ok(pids.every((p) => !alive(p)));
  });
});
