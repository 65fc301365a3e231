// A real OCI registry on loopback: Debian's docker-registry (the CNCF distribution registry, 2.8), one process
// per Registry, its storage in a temporary directory. With `auth`, clients must log in (htpasswd, bcrypt).
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";

export const REGISTRY_BINARY = process.env.PF_SANDBOX_REGISTRY ?? "/usr/bin/docker-registry";

/**
 * The fixed credentials of the sandbox's authenticated registry, public like the sandbox's passphrase.
 * The hash is `htpasswd -nbB -C 10 pulumi sandbox-registry-password`, kept here so setup needs no apache2-utils.
 */
export const SANDBOX_REGISTRY_USER = "pulumi";
export const SANDBOX_REGISTRY_PASSWORD = "sandbox-registry-password";
const SANDBOX_HTPASSWD = "pulumi:$2y$10$thpw5JydqsyPkvbbEgB1G.Koo/7fCOYrUIyYidcGSZsoNDtVKCPMu\n";

export interface Registry {
  /** "127.0.0.1:PORT": the registry part of an image reference. */
  address: string;
  /** Whether clients must log in (as SANDBOX_REGISTRY_USER). */
  authenticated: boolean;
  /** The registry process and its directory, for stopRegistryProcess from another process. */
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Clients must log in as SANDBOX_REGISTRY_USER. */
  auth?: boolean;
  /** Outlive this process (a CLI `start`); stop it later with stopRegistryProcess(pid, dir). */
  keepRunning?: boolean;
}

/** Stops a registry started by another process; checks the pid is still that registry first. */
export function stopRegistryProcess(pid: number, dir: string): void {
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    // gone already
  }
  if (cmdline.includes(path.join(dir, "config.yml"))) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // ended meanwhile
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function waitReady(address: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}:\n${log()}`);
    try {
      // /v2/ answers 200, or 401 when authentication is on: either way it serves.
      const res = await fetch(`http://${address}/v2/`);
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer on ${address} within 15 s:\n${log()}`);
}

/** Starts a registry on a free loopback port; `stop()` ends it and removes its storage. */
export async function startRegistry(opts: RegistryOptions = {}): Promise<Registry> {
  const dir = mkdtempSync(path.join(tmpdir(), "pf-registry-"));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const authLines = opts.auth
    ? [`auth:`, `  htpasswd:`, `    realm: pulumi-freebsd-sandbox`, `    path: ${path.join(dir, "htpasswd")}`]
    : [];
  if (opts.auth) writeFileSync(path.join(dir, "htpasswd"), SANDBOX_HTPASSWD);
  // configuration.md of distribution 2.8; delete is on so a test can remove a tag's manifest.
  const config = [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${path.join(dir, "data")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${address}`,
    ...authLines,
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "config.yml"), config);
  // Output to a file, not a pipe: a registry that outlives this process must not hold its pipes.
  const logFile = path.join(dir, "registry.log");
  const log = openSync(logFile, "a");
  const child = spawn(REGISTRY_BINARY, ["serve", path.join(dir, "config.yml")], {
    stdio: ["ignore", log, log],
    detached: opts.keepRunning === true,
  });
  closeSync(log);
  const readLog = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // A test runner that is killed still ends its registries (nothing asynchronous runs at exit).
  const atExit = () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  if (opts.keepRunning) child.unref();
  else process.once("exit", atExit);
  try {
    await waitReady(address, child, readLog);
  } catch (err) {
    process.removeListener("exit", atExit);
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    address,
    authenticated: opts.auth === true,
    pid: child.pid!,
    dir,
    async stop() {
      process.removeListener("exit", atExit);
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
