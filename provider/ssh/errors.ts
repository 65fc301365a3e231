// The one error a remote command raises, with what a person needs to act on it.

export interface RemoteCommandFailure {
  /** "user@host:port" */
  host: string;
  /** The command as sent, secrets masked. */
  command: string;
  exitCode?: number;
  signal?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** A failure of SSH itself (connection, authentication, host key), not of the remote command. */
  transport: boolean;
}

const MAX_QUOTED_OUTPUT = 2000;

function tail(text: string): string {
  const t = text.trim();
  return t.length > MAX_QUOTED_OUTPUT ? `…${t.slice(-MAX_QUOTED_OUTPUT)}` : t;
}

/** The message leads with the cause: timeout, then signal, then SSH failure, then the exit code. */
function headline(f: RemoteCommandFailure): string {
  if (f.timedOut) return `timed out after ${f.durationMs} ms on ${f.host}`;
  if (f.signal) return `killed by ${f.signal} on ${f.host}`;
  if (f.transport) return `could not run over SSH on ${f.host}`;
  return `exited with code ${f.exitCode} on ${f.host}`;
}

export class RemoteCommandError extends Error implements RemoteCommandFailure {
  readonly host: string;
  readonly command: string;
  readonly exitCode?: number;
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly transport: boolean;

  constructor(f: RemoteCommandFailure, detail?: string) {
    const stderr = tail(f.stderr);
    // An empty command means the connection itself failed.
    const lines = [f.command === "" ? `SSH connection to ${f.host} failed` : `Command ${headline(f)}: ${f.command}`];
    if (detail) lines.push(detail);
    if (stderr) lines.push(stderr);
    super(lines.join("\n"));
    this.name = "RemoteCommandError";
    this.host = f.host;
    this.command = f.command;
    this.exitCode = f.exitCode;
    this.signal = f.signal;
    this.stdout = f.stdout;
    this.stderr = f.stderr;
    this.durationMs = f.durationMs;
    this.timedOut = f.timedOut;
    this.transport = f.transport;
  }
}

/** Replaces every occurrence of each secret (and each line of a multi-line secret) with "[secret]". */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  const pieces = secrets
    .flatMap((s) => [s, ...s.split("\n").map((l) => l.trim())])
    .filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length);
  for (const piece of pieces) out = out.split(piece).join("[secret]");
  return out;
}
