// <root>/sandbox.json: what a running sandbox is made of, so `stop` and `status` work from another process.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Netns } from "./netns";

export interface HostRecord {
  /** host-0, host-1, … */
  name: string;
  dir: string;
  /** Where clients connect. */
  host: string;
  port: number;
  /** sshd's ListenAddress (differs from host:port when a delay proxy sits in front). */
  listen: string;
  hostname: string;
  shell: string;
  netns?: Netns;
  /** How latency/loss are applied: tc netem, or the user-space delay proxy (pid) on kernels without it. */
  delay?: { latencyMs: number; lossPct: number; mode: "netem" | "proxy"; proxyPid?: number };
}

export interface SandboxRecord {
  version: 1;
  root: string;
  /** The root was a temporary directory made by startSandbox: stop removes it. */
  ownsRoot: boolean;
  startedAt: string;
  /** The process that started it (informational). */
  pid: number;
  hosts: HostRecord[];
}

export function recordFile(root: string): string {
  return path.join(root, "sandbox.json");
}

export function writeRecord(record: SandboxRecord): void {
  writeFileSync(recordFile(record.root), `${JSON.stringify(record, null, 2)}\n`);
}

export function readRecord(root: string): SandboxRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordFile(root), "utf8")) as SandboxRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export function removeRecord(root: string): void {
  rmSync(recordFile(root), { force: true });
}
