// --netns mode: each host in its own network namespace pf-sbx-<n>, joined to this machine by a veth pair on
// 10.203.<n>.0/30 (this side .1, the host .2), with `tc netem` latency and loss on both ends when asked.
// Engineers share this machine, so a namespace is claimed under a lock and only a stale one (no process in
// it, no live claimer) is ever removed.
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { alive } from "./procs";

const RUN_DIR = "/run/pf-sandbox";
const LOCK = path.join(RUN_DIR, "netns.lock");
const MAX_INDEX = 255;

export interface Netns {
  index: number;
  name: string;
  /** The veth end on this machine, and the one inside the namespace. */
  vethHost: string;
  vethNs: string;
  hostAddr: string;
  nsAddr: string;
}

export function netnsFor(index: number): Netns {
  return {
    index,
    name: `pf-sbx-${index}`,
    vethHost: `pfsbx${index}h`,
    vethNs: `pfsbx${index}n`,
    hostAddr: `10.203.${index}.1`,
    nsAddr: `10.203.${index}.2`,
  };
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`sandbox: ${cmd} ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

function exists(name: string): boolean {
  return run("ip", ["netns", "list"])
    .split("\n")
    .some((line) => line.split(" ")[0] === name);
}

/** Processes whose network namespace is `name`. */
export function namespacePids(name: string): number[] {
  const r = spawnSync("ip", ["netns", "pids", name], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.split("\n").filter(Boolean).map(Number) : [];
}

function claimFile(name: string): string {
  return path.join(RUN_DIR, `${name}.claim`);
}

function inUse(ns: Netns): boolean {
  if (namespacePids(ns.name).length > 0) return true;
  try {
    return alive(Number(readFileSync(claimFile(ns.name), "utf8")));
  } catch {
    return false;
  }
}

async function withLock<T>(fn: () => T): Promise<T> {
  mkdirSync(RUN_DIR, { recursive: true });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      closeSync(openSync(LOCK, "wx"));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // A holder that crashed leaves the lock behind; allocation never takes this long.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 30_000) rmSync(LOCK, { force: true });
      if (Date.now() > deadline) throw new Error(`sandbox: ${LOCK} stayed locked for 30 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** Removes a namespace and its veth pair (deleting either end deletes both). */
export function removeNetns(ns: Netns): void {
  spawnSync("ip", ["link", "del", ns.vethHost]);
  spawnSync("ip", ["netns", "del", ns.name]);
  rmSync(claimFile(ns.name), { force: true });
}

/**
 * Claims the lowest free index (clearing a stale namespace found on the way), creates the namespace and its
 * veth pair, and marks it claimed by this process until processes run inside it.
 */
export function createNetns(): Promise<Netns> {
  return withLock(() => {
    for (let i = 0; i <= MAX_INDEX; i++) {
      const ns = netnsFor(i);
      if (exists(ns.name)) {
        if (inUse(ns)) continue;
        removeNetns(ns);
      } else {
        spawnSync("ip", ["link", "del", ns.vethHost]); // a veth left without its namespace
      }
      writeFileSync(claimFile(ns.name), String(process.pid));
      try {
        run("ip", ["netns", "add", ns.name]);
        run("ip", ["link", "add", ns.vethHost, "type", "veth", "peer", "name", ns.vethNs, "netns", ns.name]);
        run("ip", ["addr", "add", `${ns.hostAddr}/30`, "dev", ns.vethHost]);
        run("ip", ["link", "set", ns.vethHost, "up"]);
        run("ip", ["-n", ns.name, "addr", "add", `${ns.nsAddr}/30`, "dev", ns.vethNs]);
        run("ip", ["-n", ns.name, "link", "set", ns.vethNs, "up"]);
        run("ip", ["-n", ns.name, "link", "set", "lo", "up"]);
      } catch (err) {
        removeNetns(ns);
        throw err;
      }
      return ns;
    }
    throw new Error(`sandbox: all ${MAX_INDEX + 1} pf-sbx-<n> network namespaces are in use`);
  });
}

/** Drops the claim once the namespace holds a process (its sshd), which marks it in use from then on. */
export function releaseClaim(ns: Netns): void {
  rmSync(claimFile(ns.name), { force: true });
}

/**
 * `tc qdisc add dev <veth> root netem delay Lms loss P%` on both ends. Returns false, changing nothing, when
 * the kernel has no netem (sch_netem); the caller then delays in user space.
 */
export function applyNetem(ns: Netns, latencyMs: number, lossPct: number): boolean {
  const spec = ["netem", "delay", `${latencyMs}ms`, ...(lossPct > 0 ? ["loss", `${lossPct}%`] : [])];
  const probe = spawnSync("tc", ["qdisc", "add", "dev", ns.vethHost, "root", ...spec], { encoding: "utf8" });
  if (probe.status !== 0) {
    if (/qdisc kind is unknown|No such file or directory/i.test(probe.stderr)) return false;
    throw new Error(`sandbox: tc qdisc add dev ${ns.vethHost} root ${spec.join(" ")} failed: ${probe.stderr.trim()}`);
  }
  run("ip", ["netns", "exec", ns.name, "tc", "qdisc", "add", "dev", ns.vethNs, "root", ...spec]);
  return true;
}

/** Names of the pf-sbx-<n> namespaces that exist now (for tests and `status`). */
export function sandboxNamespaces(): string[] {
  return run("ip", ["netns", "list"])
    .split("\n")
    .map((line) => line.split(" ")[0]!)
    .filter((name) => /^pf-sbx-\d+$/.test(name));
}
