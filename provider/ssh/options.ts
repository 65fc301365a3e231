// The OpenSSH client's command line for one connection. Only paths and names appear here: secrets are in
// 0600 files (files.ts), so nothing sensitive ever reaches argv, where every user of the machine can read it.
import { type Connection, connectionKey } from "./connection";
import { privateDirectory, privateFile, privateScript } from "./files";
import { quote } from "./quote";

export const DEFAULT_CONNECT_TIMEOUT_S = 20;
/** Seconds an idle master connection outlives its last command. */
const CONTROL_PERSIST_S = 30;

export interface SshInvocation {
  /** Options for every ssh process of this connection (before the destination). */
  options: string[];
  /** "user@host" or the host alias given to ssh. */
  destination: string;
  /** The control socket shared by the master and every command. */
  controlPath: string;
  /** Extra environment (SSH_ASKPASS for a key passphrase). */
  env: Record<string, string>;
  /** The alias under which pinned host keys are recorded, if keys were pinned. */
  hostKeyAlias?: string;
}

/** The lines of the known_hosts file that pins `keys` for `alias`. */
export function pinnedKnownHosts(alias: string, keys: string | string[]): string {
  const list = Array.isArray(keys) ? keys : keys.split("\n");
  return list
    .map((k) => k.trim())
    .filter((k) => k !== "" && !k.startsWith("#"))
    .map((k) => {
      const [type, blob] = k.split(/\s+/);
      return `${alias} ${type} ${blob}`;
    })
    .join("\n");
}

/** The ssh options for `conn`; the same connection always maps to the same files and socket. */
export function sshInvocation(conn: Connection): SshInvocation {
  const key = connectionKey(conn);
  const options: string[] = [
    "-o", "BatchMode=yes",
    // Never trust on first use; a changed key is an error.
    "-o", "StrictHostKeyChecking=yes",
    "-o", `ConnectTimeout=${conn.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_S}`,
    "-o", "ServerAliveInterval=10",
    "-o", "ServerAliveCountMax=3",
    "-o", "LogLevel=ERROR",
    "-o", "ForwardAgent=no",
    "-o", "ClearAllForwardings=yes",
    "-o", "PasswordAuthentication=no",
    "-o", "KbdInteractiveAuthentication=no",
  ]; // prettier-ignore
  const env: Record<string, string> = {};
  let hostKeyAlias: string | undefined;

  if (conn.hostKey !== undefined) {
    hostKeyAlias = `pulumi-freebsd-${key}`;
    const file = privateFile(`known-${key}`, pinnedKnownHosts(hostKeyAlias, conn.hostKey));
    options.push("-o", `HostKeyAlias=${hostKeyAlias}`);
    options.push("-o", `UserKnownHostsFile=${file}`, "-o", "GlobalKnownHostsFile=/dev/null");
  } else if (conn.knownHosts !== undefined) {
    const file = privateFile(`known-${key}`, conn.knownHosts);
    options.push("-o", `UserKnownHostsFile=${file}`, "-o", "GlobalKnownHostsFile=/dev/null");
  }

  if (conn.privateKey !== undefined) {
    const file = privateFile(`id-${key}`, conn.privateKey);
    options.push("-o", "IdentitiesOnly=yes", "-i", file);
  }
  if (conn.agentSocketPath !== undefined) {
    options.push("-o", `IdentityAgent=${conn.agentSocketPath}`);
  } else if (conn.privateKey !== undefined) {
    options.push("-o", "IdentityAgent=none");
  }
  if (conn.privateKeyPassword !== undefined) {
    // OpenSSH reads passphrases only from a terminal or an askpass program: ours prints a 0600 file.
    const secret = privateFile(`pass-${key}`, conn.privateKeyPassword);
    env.SSH_ASKPASS = privateScript(`askpass-${key}`, `#!/bin/sh\nexec cat ${quote(secret)}\n`);
    env.SSH_ASKPASS_REQUIRE = "force";
    options[options.indexOf("BatchMode=yes")] = "BatchMode=no";
  }

  if (conn.proxy !== undefined) {
    // A jump host with its own keys and pins: ProxyCommand runs a second ssh built the same way.
    const jump = sshInvocation(conn.proxy);
    const argv = ["ssh", ...jump.options, "-o", "ControlMaster=no", "-W", "%h:%p", jump.destination];
    options.push("-o", `ProxyCommand=${argv.map(quote).join(" ")}`);
    Object.assign(env, jump.env);
  }

  const controlPath = `${privateDirectory()}/cm-${key}`;
  options.push("-o", `ControlPath=${controlPath}`, "-o", `ControlPersist=${CONTROL_PERSIST_S}`);
  options.push("-p", String(conn.port ?? 22), "-l", conn.user ?? "root");
  return { options, destination: conn.host, controlPath, env, hostKeyAlias };
}
