// The sandbox's library API: start FreeBSD-like hosts (a real sshd each, simulated FreeBSD tools on PATH),
// reach them with a pinned host key, inject faults, and stop everything that was started.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { removeHostNamespace, runFiles } from "./force-command";
import { startHost, stopHost } from "./host-setup";
import { killTree } from "./procs";
import { readRecord, removeRecord, writeRecord, type HostRecord, type SandboxRecord } from "./record";
import { dropConnections, listenerPid, listeners, publicKey, sshdFiles, startSshd, stopSshd } from "./sshd";
import { StateStore } from "./state";
import { removeNetns } from "./netns";

export interface SandboxOptions {
  /** How many hosts; 1 by default. */
  hosts?: number;
  /** Where host directories and sandbox.json live; a fresh temporary directory (removed by stop) by default. */
  root?: string;
  /** Each host in its own network namespace, reached on 10.203.<n>.2:22. */
  netns?: boolean;
  /** One-way delay added on both veth ends (netns mode only), so a round trip takes twice this. */
  latencyMs?: number;
  /** Packet loss on both veth ends, in percent (netns mode with tc netem only). */
  lossPct?: number;
  /** The login shell that runs each command, /bin/sh by default (tcsh shows how csh parses commands). */
  loginShell?: string;
  /** Leave the hosts running when this process exits (the CLI's `start`); they are stopped on exit otherwise. */
  keepRunning?: boolean;
}

/** A plain object in the shape of ConnectionArgs (sdk/connection.ts), its host key pinned. */
export interface SandboxConnection {
  host: string;
  port: number;
  user: "root";
  privateKey: string;
  /** The sshd's public host key, authorized_keys format: "ssh-ed25519 AAAA…". */
  hostKey: string;
}

export interface Sandbox {
  root: string;
  hosts: SandboxHost[];
  /** Stops every sshd, proxy and namespace of the sandbox, and removes a temporary root. */
  stop(): Promise<void>;
}

export class SandboxHost {
  readonly name: string;
  /** The host's directory: its state, simulated files, keys and logs (PF_SANDBOX_HOST_DIR of its tools). */
  readonly dir: string;
  readonly connection: SandboxConnection;
  /** The client's private key, mode 0600, for `ssh -i`. */
  readonly clientKeyFile: string;
  /** known_hosts holding only this host's key, for `ssh -o UserKnownHostsFile=…`. */
  readonly knownHostsFile: string;
  /** The simulated host's state, shared with its tools. */
  readonly state: StateStore;

  constructor(readonly record: HostRecord) {
    const files = sshdFiles(record.dir);
    this.name = record.name;
    this.dir = record.dir;
    this.clientKeyFile = files.clientKey;
    this.knownHostsFile = path.join(record.dir, "ssh", "known_hosts");
    this.state = new StateStore(record.dir);
    this.connection = {
      host: record.host,
      port: record.port,
      user: "root",
      privateKey: readFileSync(files.clientKey, "utf8"),
      hostKey: publicKey(files.hostKey),
    };
    if (!existsSync(this.knownHostsFile)) writeFileSync(this.knownHostsFile, `${this.knownHostsLine()}\n`);
  }

  /** This host's line for a known_hosts file: "[127.0.0.1]:PORT ssh-ed25519 AAAA…". */
  knownHostsLine(): string {
    const { host, port, hostKey } = this.connection;
    return `${port === 22 ? host : `[${host}]:${port}`} ${hostKey}`;
  }

  /** Arguments that make the real `ssh` reach this host with its pinned key: `ssh ...sshArgs() uname -a`. */
  sshArgs(): string[] {
    return [
      "-i", this.clientKeyFile, "-o", "IdentitiesOnly=yes", "-o", `UserKnownHostsFile=${this.knownHostsFile}`,
      "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-p", String(this.connection.port),
      `root@${this.connection.host}`,
    ]; // prettier-ignore
  }

  /**
   * The next `n` commands fail before they run, exiting `exitCode`: 255 (the default) is what the client
   * sees when the connection fails, so transports treat it as a transport failure. `failNext(0)` clears.
   */
  failNext(n: number, exitCode = 255): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`failNext: n must be a count, got ${n}`);
    if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255)
      throw new RangeError(`failNext: bad exit code ${exitCode}`);
    const f = runFiles(this.dir);
    // Under the ForceCommand's lock, so a session consuming a failure never overwrites this.
    const r = spawnSync("flock", [
      f.lock,
      "sh",
      "-c",
      'printf "%s %s\\n" "$1" "$2" >"$3"',
      "sh",
      String(n),
      String(exitCode),
      f.fault,
    ]);
    if (r.status !== 0) throw new Error(`sandbox: could not set faults: ${String(r.stderr).trim()}`);
  }

  /** The SSH_ORIGINAL_COMMAND of every session, in the order the server received them. */
  commandLog(): string[] {
    try {
      return readFileSync(runFiles(this.dir).log, "utf8").split("\0").slice(0, -1);
    } catch {
      return [];
    }
  }

  /** Kills every per-connection sshd (and what runs under it): clients' master connections drop. */
  dropConnections(): Promise<void> {
    return dropConnections(sshdFiles(this.dir));
  }

  /** Stops the listener and all its connections, then starts it again on the same address with the same keys. */
  async restartSshd(): Promise<void> {
    const files = sshdFiles(this.dir);
    await stopSshd(files);
    await startSshd(files, this.connection.host, this.connection.port, this.record.netns?.name);
  }

  /** The listening sshd's pid, while it runs. */
  sshdPid(): number | undefined {
    return listenerPid(sshdFiles(this.dir));
  }
}

const UNSAFE_ROOT = /[\s'"\\%#]/;

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const count = opts.hosts ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`sandbox: hosts must be 1 or more, got ${count}`);
  const ownsRoot = opts.root === undefined;
  const root = ownsRoot ? mkdtempSync(path.join(tmpdir(), "pf-sandbox-")) : path.resolve(opts.root!);
  // sshd_config and the ForceCommand take these paths verbatim.
  if (UNSAFE_ROOT.test(root))
    throw new Error(`sandbox: the root ${JSON.stringify(root)} must not contain blanks, quotes, \\, % or #`);
  mkdirSync(root, { recursive: true });
  const previous = readRecord(root);
  if (previous !== undefined) {
    if (isRunning(previous)) {
      throw new Error(
        `sandbox: one is already running in ${root}; stop it first (pulumi-freebsd-sandbox stop --root ${root})`,
      );
    }
    await stopRecord(previous);
  }
  const record: SandboxRecord = {
    version: 1,
    root,
    ownsRoot,
    startedAt: new Date().toISOString(),
    pid: process.pid,
    hosts: [],
  };
  try {
    for (let i = 0; i < count; i++) {
      record.hosts.push(await startHost(root, i, opts));
      writeRecord(record);
    }
  } catch (err) {
    await stopRecord(record);
    throw err;
  }
  return sandboxOf(record, !opts.keepRunning);
}

/** The sandbox described by <root>/sandbox.json, e.g. one a CLI `start` left running. */
export function loadSandbox(root: string): Sandbox {
  const record = readRecord(path.resolve(root));
  if (record === undefined) throw new Error(`sandbox: none is running in ${path.resolve(root)} (no sandbox.json)`);
  return sandboxOf(record, false);
}

/** Stops the sandbox described by <root>/sandbox.json, whatever state its files are in; returns its host count. */
export async function stopSandbox(root: string): Promise<number> {
  const record = readRecord(path.resolve(root));
  if (record === undefined) return 0;
  await stopRecord(record);
  return record.hosts.length;
}

/** True while any host's sshd listens. */
export function isRunning(record: SandboxRecord): boolean {
  return record.hosts.some((h) => listeners(sshdFiles(h.dir)).length > 0);
}

async function stopRecord(record: SandboxRecord): Promise<void> {
  for (const host of record.hosts) await stopHost(host);
  removeRecord(record.root);
  if (record.ownsRoot) rmSync(record.root, { recursive: true, force: true });
}

const live = new Set<SandboxRecord>();
let exitHook = false;

function sandboxOf(record: SandboxRecord, stopOnExit: boolean): Sandbox {
  if (stopOnExit) {
    live.add(record);
    if (!exitHook) {
      exitHook = true;
      process.on("exit", () => {
        for (const r of live) stopSync(r);
      });
    }
  }
  let stopped: Promise<void> | undefined;
  return {
    root: record.root,
    hosts: record.hosts.map((h) => new SandboxHost(h)),
    // Once only: a namespace name freed by this stop may belong to another sandbox a moment later.
    stop() {
      live.delete(record);
      return (stopped ??= stopRecord(record));
    },
  };
}

/** Best effort at process exit, when nothing asynchronous can run: kill, unnamespace, unmount, clean up. */
function stopSync(record: SandboxRecord): void {
  for (const host of record.hosts) {
    for (const pid of listeners(sshdFiles(host.dir))) killTree(pid);
    if (host.delay?.proxyPid !== undefined) killTree(host.delay.proxyPid);
    if (host.netns !== undefined) removeNetns(host.netns);
    try {
      removeHostNamespace(host.dir);
    } catch {
      // best effort: the next start in this root, or any host's start, removes what is left
    }
  }
  removeRecord(record.root);
  if (record.ownsRoot) rmSync(record.root, { recursive: true, force: true });
}
