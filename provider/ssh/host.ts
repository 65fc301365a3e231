// One Host per way of reaching a machine: a single ControlMaster connection that every command of this
// process shares, a queue that keeps concurrent sessions below sshd's MaxSessions, timeouts, and retries
// where retrying is safe.
import { spawnSync } from "node:child_process";
import { type Connection, connectionKey, connectionSchema, describeConnection } from "./connection";
import { RemoteCommandError, maskSecrets } from "./errors";
import { fingerprint, onExit } from "./files";
import { sshInvocation, type SshInvocation } from "./options";
import { remoteCommand, shellJoin } from "./quote";

export interface RunOptions {
  /** Bytes for the command's standard input: how scripts and secrets travel, never argv. */
  stdin?: string | Buffer;
  /** Kill the command after this long; 120 s by default. */
  timeoutMs?: number;
  /**
   * "safe" when running the command twice is harmless (reads, and writes idempotent by construction):
   * it is then retried with backoff after a transport failure. "never" (the default) fails at once.
   */
  retry?: "safe" | "never";
  /** Exit codes that are not failures; [0] by default. */
  okExitCodes?: number[];
  /** Strings to mask in errors (the command, stdout and stderr). */
  secrets?: string[];
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

/** Totals for this process, for tests and benchmarks. */
export const transportCounters = {
  connectionsOpened: 0,
  commandsRun: 0,
  retries: 0,
  reset(): void {
    this.connectionsOpened = 0;
    this.commandsRun = 0;
    this.retries = 0;
  },
};

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_SESSIONS = 8;
const RETRY_DELAYS_MS = [250, 1000, 3000];

/** A FIFO of waiters that lets at most `limit` tasks run at once. */
class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async use<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

interface RawResult {
  stdout: string;
  stderr: string;
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  durationMs: number;
}

/** How long after the remote limit the local side gives up on a silent connection. */
const LOCAL_GRACE_MS = 10_000;

async function runSsh(ssh: SshInvocation, args: string[], input: string | Buffer | undefined, timeoutMs: number) {
  const { execa } = await import("execa");
  const started = Date.now();
  const subprocess = execa("ssh", [...ssh.options, ...args], {
    input: input ?? "",
    reject: false,
    stripFinalNewline: false,
    env: ssh.env,
    encoding: "utf8",
  });
  // A backstop for a connection that hangs: kill the client and stop waiting for its pipes, which a
  // multiplexed session shares with the master connection.
  let localTimeout = false;
  const timer = setTimeout(() => {
    localTimeout = true;
    subprocess.kill("SIGKILL");
    subprocess.stdout?.destroy();
    subprocess.stderr?.destroy();
  }, timeoutMs + LOCAL_GRACE_MS);
  const result = await subprocess;
  clearTimeout(timer);
  const durationMs = Date.now() - started;
  const raw: RawResult = {
    stdout: String(result.stdout ?? ""),
    stderr: String(result.stderr ?? ""),
    exitCode: localTimeout ? undefined : result.exitCode,
    signal: localTimeout ? undefined : (result.signal ?? undefined),
    // timeout(1) exits 124 when it had to stop the command.
    timedOut: localTimeout || (result.exitCode === 124 && durationMs >= timeoutMs - 1000),
    durationMs,
  };
  return raw;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class Host {
  readonly name: string;
  private readonly ssh: SshInvocation;
  private readonly sessions: Semaphore;
  private master: Promise<void> | undefined;

  constructor(readonly connection: Connection) {
    this.name = describeConnection(connection);
    this.ssh = sshInvocation(connection);
    this.sessions = new Semaphore(Math.max(1, connection.maxSessions ?? DEFAULT_MAX_SESSIONS));
  }

  /** Runs one command given as argv; each word is quoted by the one quoting function. */
  exec(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    return this.script(shellJoin(argv), opts);
  }

  /** Runs a /bin/sh script built from quoted words (see shellJoin); the login shell never parses it. */
  async script(script: string, opts: RunOptions = {}): Promise<CommandResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const command = remoteCommand(script, this.connection.become, timeoutMs / 1000);
    const secrets = opts.secrets ?? [];
    const okExitCodes = opts.okExitCodes ?? [0];
    const attempts = opts.retry === "safe" ? RETRY_DELAYS_MS.length + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const raw = await this.sessions.use(async () => {
        await this.ensureMaster();
        transportCounters.commandsRun++;
        return runSsh(this.ssh, ["-o", "ControlMaster=no", this.ssh.destination, command], opts.stdin, timeoutMs);
      });
      const transport = raw.exitCode === 255 && !raw.timedOut;
      if (!raw.timedOut && raw.exitCode !== undefined && okExitCodes.includes(raw.exitCode)) {
        return { stdout: raw.stdout, stderr: raw.stderr, exitCode: raw.exitCode, durationMs: raw.durationMs };
      }
      if (transport) this.master = undefined; // the master may be gone: the next attempt checks
      if (transport && attempt < attempts) {
        transportCounters.retries++;
        await sleep(RETRY_DELAYS_MS[attempt - 1]!);
        continue;
      }
      throw new RemoteCommandError({
        host: this.name,
        command: maskSecrets(script, secrets),
        exitCode: raw.exitCode,
        signal: raw.signal,
        stdout: maskSecrets(raw.stdout, secrets),
        stderr: maskSecrets(raw.stderr, secrets),
        durationMs: raw.durationMs,
        timedOut: raw.timedOut,
        transport,
      });
    }
  }

  /** Opens the master connection once; concurrent callers wait for the same attempt. */
  private ensureMaster(): Promise<void> {
    this.master ??= this.openMaster().catch((err: unknown) => {
      this.master = undefined;
      throw err;
    });
    return this.master;
  }

  private async openMaster(): Promise<void> {
    const check = await runSsh(this.ssh, ["-O", "check", this.ssh.destination], undefined, 10_000);
    if (check.exitCode === 0) return;
    // -f -N: authenticate, then go to the background holding the connection; exit 0 once it is up.
    const raw = await runSsh(
      this.ssh,
      ["-f", "-N", "-o", "ControlMaster=yes", this.ssh.destination],
      undefined,
      ((this.connection.connectTimeout ?? 20) + 10) * 1000,
    );
    if (raw.exitCode === 0 && !raw.timedOut) {
      transportCounters.connectionsOpened++;
      registerMaster(this.ssh);
      return;
    }
    throw new RemoteCommandError(
      {
        host: this.name,
        command: "",
        exitCode: raw.exitCode,
        signal: raw.signal,
        stdout: "",
        stderr: raw.stderr,
        durationMs: raw.durationMs,
        timedOut: raw.timedOut,
        transport: true,
      },
      explainConnectFailure(this.name, this.connection, raw.stderr),
    );
  }
}

/** A sentence that says what to do about the usual connection failures. */
function explainConnectFailure(name: string, conn: Connection, stderr: string): string | undefined {
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/.test(stderr)) {
    const presented = /(SHA256:[A-Za-z0-9+/]+)/.exec(stderr)?.[1] ?? "(not shown by ssh)";
    const pinned = conn.hostKey === undefined ? [] : Array.isArray(conn.hostKey) ? conn.hostKey : [conn.hostKey];
    const expected = pinned.length > 0 ? pinned.map(fingerprint).join(", ") : "the key in known_hosts";
    return (
      `The host key of ${name} does not match: the host presented ${presented}, expected ${expected}. ` +
      `If the host was reinstalled, update [hostKey] or [knownHosts]; otherwise someone may be intercepting.`
    );
  }
  if (/Permission denied/.test(stderr)) {
    return `Authentication to ${name} failed: check [privateKey], [agentSocketPath] and [user].`;
  }
  return undefined;
}

const masters = new Map<string, SshInvocation>();

/** Masters are closed when the process exits, so no connection outlives the Pulumi operation. */
function registerMaster(ssh: SshInvocation): void {
  if (masters.size === 0) {
    onExit(() => {
      for (const m of masters.values()) {
        spawnSync("ssh", [...m.options, "-O", "exit", m.destination], {
          stdio: "ignore",
          timeout: 5000,
          env: { ...process.env, ...m.env },
        });
      }
    });
  }
  masters.set(ssh.controlPath, ssh);
}

const hosts = new Map<string, Host>();

/** The Host for a connection; the same connection always yields the same Host (and master). */
export function hostFor(connection: Connection): Host {
  const parsed = connectionSchema.parse(connection);
  const key = connectionKey(parsed);
  let host = hosts.get(key);
  if (host === undefined) {
    host = new Host(parsed);
    hosts.set(key, host);
  }
  return host;
}

/** Closes every master connection now (tests; the process exit does it too). */
export function closeAllHosts(): void {
  for (const m of masters.values()) {
    spawnSync("ssh", [...m.options, "-O", "exit", m.destination], {
      stdio: "ignore",
      timeout: 5000,
      env: { ...process.env, ...m.env },
    });
  }
  masters.clear();
  hosts.clear();
}
