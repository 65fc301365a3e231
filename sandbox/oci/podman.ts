// Real podman and skopeo for each sandbox host. The provider runs `podman …` over SSH as on FreeBSD; the
// wrapper the sandbox puts first on PATH runs Debian's podman with this host's own configuration:
// storage (vfs driver) under the host directory, its own lock files, events, temporary files and networks,
// and registries.conf naming the sandbox's loopback registries. Files live where FreeBSD keeps them,
// /usr/local/etc/containers/, inside the simulated host's file tree (hostfs.ts).
//
// What differs from FreeBSD, and why:
// - storage driver vfs, not zfs: the sandbox's ZFS is simulated, so layers are plain directories.
// - runtime runc, not ocijail: containers run on Linux. crun 1.8 refuses hybrid cgroup hierarchies.
// - default_ulimits at or below this machine's hard limits: without CAP_SYS_RESOURCE podman's defaults
//   (nofile and nproc of 1048576) fail with "setrlimit … operation not permitted".
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { hostPath } from "../tools/hostfs";

export const PODMAN_BINARY = process.env.PF_SANDBOX_PODMAN ?? "/usr/bin/podman";
export const SKOPEO_BINARY = process.env.PF_SANDBOX_SKOPEO ?? "/usr/bin/skopeo";
export const CONTAINERS_ETC = "/usr/local/etc/containers";

/** A registry that this host's podman may reach over plain HTTP on loopback. */
export interface RegistryEntry {
  /** "127.0.0.1:PORT" */
  address: string;
  /** Registry namespaces served from this one, as a mirror would: e.g. "docker.io/freebsd" → ADDRESS/freebsd. */
  remaps?: Array<{ prefix: string; path: string }>;
}

function podmanDir(hostDir: string): string {
  return path.join(hostDir, "podman");
}

/** The environment under which podman and skopeo read this host's configuration. */
export function podmanEnv(hostDir: string): Record<string, string> {
  return {
    CONTAINERS_CONF: hostPath(hostDir, `${CONTAINERS_ETC}/containers.conf`),
    CONTAINERS_STORAGE_CONF: hostPath(hostDir, `${CONTAINERS_ETC}/storage.conf`),
    CONTAINERS_REGISTRIES_CONF: hostPath(hostDir, `${CONTAINERS_ETC}/registries.conf`),
    // Rootful podman keeps login state here; nothing of one host may leak to another.
    REGISTRY_AUTH_FILE: path.join(podmanDir(hostDir), "auth.json"),
  };
}

/** The hard limit of `name` ("Max open files") for this process, from /proc/self/limits. */
function hardLimit(name: string, fallback: number): number {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith(name));
    const hard = line?.slice(26).trim().split(/\s+/)[1];
    return hard === undefined || hard === "unlimited" ? fallback : Number.parseInt(hard, 10);
  } catch {
    return fallback;
  }
}

function toml(value: string): string {
  return JSON.stringify(value);
}

/** This host's bridge number: from a hash of its directory, so concurrent sandboxes' hosts rarely share one. */
function networkNumber(hostDir: string): number {
  return (createHash("sha256").update(path.resolve(hostDir)).digest().readUInt16BE(0) % 250) + 1;
}

/** The bridge interface of this host's "podman" network. */
export function bridgeOf(hostDir: string): string {
  return `cni-podman${networkNumber(hostDir)}`;
}

/**
 * The "podman" network of this host, as `podman network create` writes a CNI config: on FreeBSD it is the
 * bridge cni-podman0 on 10.88.0.0/16. Sandbox hosts share this machine's network stack, so each gets its own
 * bridge and /24 and its own address leases.
 */
export function defaultNetwork(hostDir: string): string {
  const n = networkNumber(hostDir);
  const config = {
    cniVersion: "0.4.0",
    name: "podman",
    plugins: [
      {
        type: "bridge",
        bridge: bridgeOf(hostDir),
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          dataDir: path.join(podmanDir(hostDir), "cni-leases"),
          routes: [{ dst: "0.0.0.0/0" }],
          ranges: [[{ subnet: `10.88.${n}.0/24`, gateway: `10.88.${n}.1` }]],
        },
      },
      { type: "portmap", capabilities: { portMappings: true } },
      { type: "firewall", backend: "" },
      { type: "tuning" },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** storage.conf and containers.conf for this host; kept if present, so a test may change them. */
export function writeEngineConfig(hostDir: string): void {
  const dir = podmanDir(hostDir);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(dir, "auth.json")))
    writeFileSync(path.join(dir, "auth.json"), '{"auths":{}}\n', { mode: 0o600 });
  const storageConf = hostPath(hostDir, `${CONTAINERS_ETC}/storage.conf`);
  const containersConf = hostPath(hostDir, `${CONTAINERS_ETC}/containers.conf`);
  mkdirSync(path.dirname(storageConf), { recursive: true });
  if (!existsSync(storageConf)) {
    writeFileSync(
      storageConf,
      [
        '# pulumi-freebsd sandbox: FreeBSD uses driver "zfs" with graphroot /var/db/containers/storage.',
        "[storage]",
        'driver = "vfs"',
        `graphroot = ${toml(path.join(dir, "storage"))}`,
        `runroot = ${toml(path.join(dir, "run"))}`,
        "",
      ].join("\n"),
    );
  }
  const networkFile = path.join(dir, "networks", "87-podman-bridge.conflist");
  if (!existsSync(networkFile)) {
    mkdirSync(path.dirname(networkFile), { recursive: true });
    writeFileSync(networkFile, defaultNetwork(hostDir));
  }
  if (!existsSync(containersConf)) {
    // nproc stays low: conmon itself runs with at most 32768, and a container cannot raise it.
    const nofile = Math.min(hardLimit("Max open files", 1024), 1048576);
    const nproc = Math.min(hardLimit("Max processes", 4096), 4096);
    writeFileSync(
      containersConf,
      [
        "# pulumi-freebsd sandbox: FreeBSD uses the ocijail runtime.",
        "[containers]",
        `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
        "",
        "[engine]",
        'runtime = "runc"',
        'cgroup_manager = "cgroupfs"',
        'events_logger = "file"',
        `events_logfile_path = ${toml(path.join(dir, "events.log"))}`,
        // Per-host locks and temporary state: the default shared-memory lock table and /run/libpod are
        // machine-wide, and sandbox hosts must not see each other's containers.
        'lock_type = "file"',
        `tmp_dir = ${toml(path.join(dir, "tmp"))}`,
        "",
        "[network]",
        `network_config_dir = ${toml(path.join(dir, "networks"))}`,
        "",
      ].join("\n"),
    );
  }
}

/** registries.conf(5): the sandbox registries, reachable over plain HTTP on loopback. */
export function registriesConf(registries: readonly RegistryEntry[]): string {
  const lines = [
    "# pulumi-freebsd sandbox: registries on loopback, plain HTTP.",
    "unqualified-search-registries = []",
    "",
  ];
  for (const r of registries) {
    lines.push("[[registry]]", `location = ${toml(r.address)}`, "insecure = true", "");
    for (const remap of r.remaps ?? []) {
      lines.push(
        "[[registry]]",
        `prefix = ${toml(remap.prefix)}`,
        `location = ${toml(`${r.address}/${remap.path}`)}`,
        "insecure = true",
        "",
      );
    }
  }
  return lines.join("\n");
}

/** Gives a sandbox host its podman configuration and the registries it may use. */
export function configurePodmanHost(hostDir: string, registries: readonly RegistryEntry[]): void {
  writeEngineConfig(hostDir);
  const file = hostPath(hostDir, `${CONTAINERS_ETC}/registries.conf`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, registriesConf(registries));
}

/** Runs the real podman (or skopeo) as this host, with stdio passed through; returns its exit status. */
export function runAsHost(hostDir: string, binary: string, args: readonly string[]): number {
  writeEngineConfig(hostDir);
  const registries = hostPath(hostDir, `${CONTAINERS_ETC}/registries.conf`);
  if (!existsSync(registries)) writeFileSync(registries, registriesConf([]));
  const result = spawnSync(binary, args, {
    stdio: "inherit",
    env: { ...process.env, ...podmanEnv(hostDir) },
  });
  if (result.error) {
    process.stderr.write(`${path.basename(binary)}: ${result.error.message}\n`);
    return 127;
  }
  return result.status ?? 128 + 9;
}

/** Podman as the host's own: captured output, for the sandbox's setup, tests and cleanup. */
export function podmanOnHost(hostDir: string, args: readonly string[], input?: string) {
  writeEngineConfig(hostDir);
  return spawnSync(PODMAN_BINARY, args, {
    encoding: "utf8",
    input,
    env: { ...process.env, ...podmanEnv(hostDir) },
    maxBuffer: 1 << 28,
  });
}

/**
 * Removes every container of a sandbox host. conmon keeps containers running after the SSH session ends, so a
 * host that stops must stop them (their ports, addresses and mounts). The command runs as a session of the
 * host runs it: through the host's ForceCommand when it has one (its own filesystem, its tools first on
 * PATH), else through `loginShell` with that PATH.
 */
export function stopPodmanHost(hostDir: string, loginShell = "/bin/sh"): void {
  if (!existsSync(hostPath(hostDir, `${CONTAINERS_ETC}/containers.conf`))) return;
  const command = "podman rm --all --force --time 0";
  const forceCommand = path.join(hostDir, "run", "force-command.sh");
  const env = {
    ...process.env,
    PF_SANDBOX_HOST_DIR: hostDir,
    PATH: `${path.join(hostDir, "bin")}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    SSH_ORIGINAL_COMMAND: command,
  };
  const [file, args] = existsSync(forceCommand) ? [forceCommand, []] : [loginShell, ["-c", command]];
  spawnSync(file, args, { stdio: "ignore", timeout: 120_000, env });
  // CNI leaves a network's bridge behind when its last container goes; this one is only this host's.
  if (existsSync(`/sys/class/net/${bridgeOf(hostDir)}`)) {
    spawnSync("ip", ["link", "delete", bridgeOf(hostDir)], { stdio: "ignore" });
  }
}
