// One sandbox host's OpenSSH server: keys made with ssh-keygen, an sshd_config whose ForceCommand hands
// every command to the simulated host, and the daemon's life (it daemonizes; we follow its pid file).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { alive, childrenOf, killTree, waitFor } from "./procs";

export const SSHD = "/usr/sbin/sshd";

export interface SshdFiles {
  config: string;
  hostKey: string;
  clientKey: string;
  authorizedKeys: string;
  pidFile: string;
  log: string;
}

export function sshdFiles(dir: string): SshdFiles {
  return {
    config: path.join(dir, "ssh", "sshd_config"),
    hostKey: path.join(dir, "ssh", "host_ed25519"),
    clientKey: path.join(dir, "ssh", "client_ed25519"),
    authorizedKeys: path.join(dir, "ssh", "authorized_keys"),
    pidFile: path.join(dir, "run", "sshd.pid"),
    log: path.join(dir, "run", "sshd.log"),
  };
}

/** An ed25519 key pair; returns the public key as "ssh-ed25519 AAAA…" (no comment). */
export function makeKey(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  if (!existsSync(file)) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", file]);
  return publicKey(file);
}

export function publicKey(file: string): string {
  return readFileSync(`${file}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
}

export function renderSshdConfig(f: SshdFiles, listen: string, forceCommand: string): string {
  return [
    "# Written by the pulumi-freebsd sandbox: a FreeBSD-like host behind a real sshd.",
    `ListenAddress ${listen}`,
    `HostKey ${f.hostKey}`,
    `AuthorizedKeysFile ${f.authorizedKeys}`,
    `PidFile ${f.pidFile}`,
    "StrictModes no",
    "UsePAM no",
    "PermitRootLogin prohibit-password",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PubkeyAuthentication yes",
    "MaxSessions 10",
    "MaxStartups 100:30:200",
    // This machine's root must not leak into the simulated host: no ~/.ssh/rc, no motd, no lastlog.
    "PermitUserRC no",
    // sshd starts the ForceCommand through this machine's root login shell; bash then reads ~/.bashrc when
    // it believes it is the first shell of an SSH session (SHLVL < 2). That file belongs to this machine
    // (here it runs pyenv, which can block a minute on its lock), not to the simulated FreeBSD host.
    "SetEnv SHLVL=1",
    "PrintMotd no",
    "PrintLastLog no",
    "X11Forwarding no",
    "UseDNS no",
    `ForceCommand ${forceCommand}`,
    "",
  ].join("\n");
}

/** Checks the configuration the way sshd would at start, so a bad one fails with sshd's own words. */
export function testConfig(f: SshdFiles): void {
  const r = spawnSync(SSHD, ["-t", "-f", f.config], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`sandbox: sshd rejects ${f.config}: ${(r.stderr || r.stdout).trim()}`);
}

/** The listening daemon's pid, from its pid file (written once it listens). */
export function listenerPid(f: SshdFiles): number | undefined {
  try {
    const pid = Number(readFileSync(f.pidFile, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts sshd (inside the network namespace `netns` when given) and waits until `host:port` answers with an
 * SSH banner. Throws with sshd's log when it exits instead, e.g. because the port was taken meanwhile.
 */
export async function startSshd(f: SshdFiles, host: string, port: number, netns?: string): Promise<number> {
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 }); // privilege separation directory
  writeFileSync(f.log, "");
  const argv = [SSHD, "-f", f.config, "-E", f.log];
  // nsenter rather than `ip netns exec`, which would give sshd a mount namespace of its own: the kernel does
  // not copy namespace files into a new mount namespace, and the ForceCommand enters the host's by its file.
  const r =
    netns === undefined
      ? spawnSync(argv[0]!, argv.slice(1))
      : spawnSync("nsenter", [`--net=/run/netns/${netns}`, "--", ...argv]);
  if (r.status !== 0) throw new Error(`sandbox: ${argv.join(" ")} failed: ${String(r.stderr).trim()}`);
  await waitFor(`sshd on ${host}:${port} to greet`, async () => {
    const log = readFileSync(f.log, "utf8");
    if (/Cannot bind any address|fatal:/i.test(log)) throw new Error(`sandbox: sshd did not start: ${log.trim()}`);
    return (await banner(host, port)) && listenerPid(f) !== undefined;
  });
  return listenerPid(f)!;
}

/**
 * Listening daemons started with this config: the pid file's, and any other whose command line names the
 * config (a listener's title keeps its arguments), so a lost pid file leaves nothing running.
 */
export function listeners(f: SshdFiles): number[] {
  const found = new Set<number>();
  const pid = listenerPid(f);
  if (pid !== undefined) found.add(pid);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (/^(\/usr\/sbin\/)?sshd\b/.test(cmd) && cmd.includes(f.config)) found.add(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return [...found];
}

/** Kills the listener and every connection under it, and waits until all of them are gone. */
export async function stopSshd(f: SshdFiles): Promise<void> {
  const tree = listeners(f).flatMap((pid) => killTree(pid));
  await waitFor("sshd to exit", () => tree.every((p) => !alive(p)));
}

/** Ends every client connection (the per-connection sshd processes and what runs under them). */
export async function dropConnections(f: SshdFiles): Promise<void> {
  const pid = listenerPid(f);
  if (pid === undefined) return;
  const killed = childrenOf(pid).flatMap((child) => killTree(child));
  await waitFor("sshd connections to close", () => killed.every((p) => !alive(p)));
}

/** True when something at host:port speaks SSH ("SSH-2.0-…"). */
export function banner(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let seen = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("data", (chunk) => {
      seen += chunk.toString("latin1");
      if (seen.includes("\n")) done(seen.startsWith("SSH-"));
    });
    socket.on("error", () => done(false));
    socket.on("close", () => done(seen.startsWith("SSH-")));
  });
}

/** A port free on `host` right now (the kernel picks it); sshd may still lose a race for it. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
