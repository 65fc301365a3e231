// Bringing one sandbox host up and down: its files, keys and state, its own filesystem (a mount namespace,
// force-command.ts), its sshd (on loopback or in a network namespace), and the latency in front of it.
import { spawn } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { createHostNamespace, removeHostNamespace, which, writeForceCommand, writeToolWrappers } from "./force-command";
import { applyNetem, createNetns, releaseClaim, removeNetns, type Netns } from "./netns";
import { alive, signal, waitFor } from "./procs";
import type { HostRecord } from "./record";
import { seedHostState } from "./seed";
import { freePort, makeKey, renderSshdConfig, sshdFiles, startSshd, stopSshd, testConfig } from "./sshd";

export interface HostOptions {
  netns?: boolean;
  latencyMs?: number;
  lossPct?: number;
  /** The simulated login shell that runs each command (`/bin/sh` by default; e.g. tcsh to test csh). */
  loginShell?: string;
}

/**
 * Copies what any user of this machine may read under `src` to `dst`, owners, modes and times kept, without
 * replacing anything already there: no shadow file, no private keys.
 */
function copyReadable(src: string, dst: string): void {
  let st;
  try {
    st = lstatSync(src);
  } catch {
    return; // removed meanwhile
  }
  const there = lstatSync(dst, { throwIfNoEntry: false });
  if (st.isSymbolicLink()) {
    if (there !== undefined) return;
    symlinkSync(readlinkSync(src), dst);
    lchownSync(dst, st.uid, st.gid);
  } else if (st.isDirectory()) {
    if ((st.mode & 0o005) !== 0o005) return;
    if (there === undefined) mkdirSync(dst);
    if (there === undefined || there.isDirectory()) {
      for (const name of readdirSync(src)) copyReadable(path.join(src, name), path.join(dst, name));
    }
    if (there !== undefined) return;
    chmodSync(dst, st.mode & 0o7777);
    lchownSync(dst, st.uid, st.gid);
    utimesSync(dst, st.atime, st.mtime);
  } else if (st.isFile() && (st.mode & 0o004) !== 0 && there === undefined) {
    copyFileSync(src, dst);
    chmodSync(dst, st.mode & 0o7777);
    lchownSync(dst, st.uid, st.gid);
    utimesSync(dst, st.atime, st.mtime);
  }
}

/**
 * The host's own configuration directories, which its sessions see at /etc and /usr/local/etc: /etc starts as
 * this machine's (about 4 MB), so that Linux programs run over SSH still find passwd, nsswitch.conf and
 * ld.so.cache, under the files the simulated tools wrote already (rc.conf…), which stay theirs.
 * /usr/local/etc starts with what the tools put there. /zroot is the pool's mountpoint on a ZFS install.
 */
function seedHostFiles(dir: string): void {
  copyReadable("/etc", path.join(dir, "root", "etc"));
  for (const own of ["usr/local/etc", "zroot"]) mkdirSync(path.join(dir, "root", own), { recursive: true });
}

export async function startHost(root: string, index: number, opts: HostOptions): Promise<HostRecord> {
  const name = `host-${index}`;
  const dir = path.join(root, name);
  removeHostNamespace(dir); // one a crash left
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ["ssh", "run", "root"]) mkdirSync(path.join(dir, sub), { recursive: true });
  const files = sshdFiles(dir);
  makeKey(files.hostKey);
  writeFileSync(files.authorizedKeys, `${makeKey(files.clientKey)}\n`);
  const hostname = `sandbox${index}.example.org`;
  seedHostState(dir, hostname);
  seedHostFiles(dir);
  writeToolWrappers(dir);
  const shell = opts.loginShell ?? "/bin/sh";
  const forceCommand = writeForceCommand(dir, which("flock"), shell);

  const latencyMs = opts.latencyMs ?? 0;
  const lossPct = opts.lossPct ?? 0;
  if (!opts.netns) {
    if (latencyMs > 0 || lossPct > 0) throw new Error("sandbox: latency and loss need netns mode (--netns)");
    createHostNamespace(dir);
    try {
      return await startOnLoopback({ name, dir, hostname, shell }, forceCommand);
    } catch (err) {
      removeHostNamespace(dir);
      throw err;
    }
  }

  const ns = await createNetns();
  try {
    createHostNamespace(dir); // before sshd: its sessions enter it
    const record: HostRecord = {
      name,
      dir,
      host: ns.nsAddr,
      port: 22,
      listen: `${ns.nsAddr}:22`,
      hostname,
      shell,
      netns: ns,
    };
    if (latencyMs > 0 || lossPct > 0) {
      if (applyNetem(ns, latencyMs, lossPct)) {
        record.delay = { latencyMs, lossPct, mode: "netem" };
      } else {
        if (lossPct > 0) throw new Error("sandbox: packet loss needs tc netem, and this kernel has no sch_netem");
        // sshd listens on the namespace's loopback; the proxy takes the namespace address.
        record.listen = "127.0.0.1:22";
        record.delay = { latencyMs, lossPct, mode: "proxy", proxyPid: startProxy(dir, ns, latencyMs) };
      }
    }
    writeFileSync(files.config, renderSshdConfig(files, record.listen, forceCommand));
    testConfig(files);
    await startSshd(files, record.host, record.port, ns.name);
    releaseClaim(ns);
    return record;
  } catch (err) {
    await stopHost({ name, dir, host: ns.nsAddr, port: 22, listen: "", hostname, shell, netns: ns });
    throw err;
  }
}

async function startOnLoopback(
  base: Pick<HostRecord, "name" | "dir" | "hostname" | "shell">,
  forceCommand: string,
): Promise<HostRecord> {
  const files = sshdFiles(base.dir);
  // The kernel's free port may be taken by someone else before sshd binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort("127.0.0.1");
    const record: HostRecord = { ...base, host: "127.0.0.1", port, listen: `127.0.0.1:${port}` };
    writeFileSync(files.config, renderSshdConfig(files, record.listen, forceCommand));
    testConfig(files);
    try {
      await startSshd(files, record.host, record.port);
      return record;
    } catch (err) {
      await stopSshd(files);
      if (attempt >= 5 || !/Cannot bind|Address already in use/.test(String(err))) throw err;
    }
  }
}

/** The delay proxy, detached so it outlives a CLI `start`; it runs inside the namespace. */
function startProxy(dir: string, ns: Netns, latencyMs: number): number {
  const log = openSync(path.join(dir, "run", "delay-proxy.log"), "a");
  const script = path.join(__dirname, "delay-proxy.js");
  const child = spawn(
    "ip",
    ["netns", "exec", ns.name, process.execPath, script, ns.nsAddr, "22", "127.0.0.1", "22", String(latencyMs)],
    { detached: true, stdio: ["ignore", log, log] },
  );
  child.unref();
  return child.pid!;
}

/** Stops everything the host runs and removes its namespace; safe to call twice. */
export async function stopHost(record: HostRecord): Promise<void> {
  await stopSshd(sshdFiles(record.dir));
  const proxy = record.delay?.proxyPid;
  // The pid is checked to still be our proxy: after a crash it may belong to someone else by now.
  if (proxy !== undefined && alive(proxy) && cmdline(proxy).includes("delay-proxy.js")) {
    signal(proxy, "SIGKILL");
    await waitFor("the delay proxy to exit", () => !alive(proxy));
  }
  if (record.netns !== undefined) removeNetns(record.netns);
  removeHostNamespace(record.dir);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}
