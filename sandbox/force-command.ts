// What sshd runs for every session of a sandbox host (its ForceCommand), the PATH wrappers that make the
// simulated FreeBSD tools answer to their FreeBSD names, and the host's own filesystem.
//
// Each host has one mount namespace, made when it starts and kept on a file under /run/pf-sandbox/mntns (as
// `ip netns` keeps network namespaces), in which <hostDir>/root/X is bound over X for /etc, /usr/local/etc and
// every top-level directory of <hostDir>/root that this machine does not need (/zroot, /jails, /data…). Every
// session enters it (nsenter, about a millisecond), so `cat > /etc/jail.conf.d/web.conf` or `mkdir
// /zroot/images/x/etc` change the simulated host, where the simulated tools read them through tools/hostfs.ts,
// and never this machine; two hosts never see each other's files. One namespace per host rather than one per
// session: binding costs milliseconds per mount, and a real host has one mount table too, so what podman or a
// tool mounts in one session is there in the next.
//
// A top-level directory that did not exist on this machine gets an empty mount point here, made under a
// machine-wide lock and recorded in /run/pf-sandbox/mountpoints/<encoded path>/ ("created", plus one claim
// per host that binds over it); the last host to stop removes it when it is still empty.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  rmdirSync,
  statSync,
  statfsSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { hostPath } from "./tools/hostfs";
import { toolNames } from "./tools/main";

/** The file names under <hostDir>/run that the ForceCommand and the fault-injection methods share. */
export function runFiles(dir: string) {
  return {
    lock: path.join(dir, "run", "session.lock"),
    log: path.join(dir, "run", "commands.log"),
    fault: path.join(dir, "run", "fault"),
    script: path.join(dir, "run", "force-command.sh"),
  };
}

/** POSIX single quotes; paths of the sandbox never hold a NUL. */
function sq(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

const programs = new Map<string, string>();

/**
 * This machine's program `cmd`, as an absolute path: never a simulated tool of the host this process may run
 * for (mount and umount are simulated too).
 */
export function which(cmd: string): string {
  let found = programs.get(cmd);
  if (found === undefined) programs.set(cmd, (found = lookUp(cmd)));
  return found;
}

function lookUp(cmd: string): string {
  const host = process.env.PF_SANDBOX_HOST_DIR;
  const dirs = (process.env.PATH ?? "")
    .split(":")
    .filter((d) => d.startsWith("/") && (host === undefined || path.resolve(d) !== path.resolve(host, "bin")));
  const PATH = [...dirs, "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].join(":");
  const r = spawnSync("/bin/sh", ["-c", `command -v ${cmd}`], { encoding: "utf8", env: { ...process.env, PATH } });
  if (r.status !== 0) throw new Error(`sandbox: ${cmd} is needed and not on PATH`);
  return r.stdout.trim();
}

const RUN_DIR = "/run/pf-sandbox";
/** Where each host's mount namespace is kept: <id> (the namespace) and <id>.json (its HostNamespace). */
export const NAMESPACES_DIR = path.join(RUN_DIR, "mntns");
/** The real directories that hosts bind their own over: <encoded path>/created and /<host id> claims. */
export const MOUNTPOINTS_DIR = path.join(RUN_DIR, "mountpoints");
const LOCK = path.join(RUN_DIR, "mountpoints.lock");
const NSFS_MAGIC = 0x6e736673;

/** Always the host's own, whatever this machine has there: its configuration. */
export const HOST_OWNED: readonly string[] = ["/etc", "/usr/local/etc"];

/**
 * Top-level directories that stay this machine's in every session: its programs and libraries, devices,
 * kernel interfaces, home and temporary directories. /etc is here because HOST_OWNED binds it already.
 */
const MACHINE_TOP_LEVEL = [
  "bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "lost+found", "media", "mnt",
  "nix", "opt", "proc", "root", "run", "sbin", "snap", "srv", "sys", "tmp", "usr", "var",
]; // prettier-ignore

/** Names the ForceCommand can test without quoting; any other top-level directory stays this machine's. */
const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

function topLevel(p: string): string {
  return path.resolve(p).split("/")[1] ?? "";
}

/** Top-level names never bound: this machine's own, and those the sandbox itself runs from. */
export function machineTopLevel(hostDir: string): Set<string> {
  return new Set([...MACHINE_TOP_LEVEL, topLevel(hostDir), topLevel(process.execPath), topLevel(__dirname)]);
}

function bindable(name: string, machine: Set<string>): boolean {
  return PLAIN_NAME.test(name) && !machine.has(name);
}

/** The host's mount namespace: its file, and the namespace's inode (which /proc/PID/ns/mnt shows too). */
export interface HostNamespace {
  hostDir: string;
  file: string;
  ino: number;
}

function hostId(hostDir: string): string {
  return createHash("sha256").update(path.resolve(hostDir)).digest("hex").slice(0, 16);
}

export function namespaceFile(hostDir: string): string {
  return path.join(NAMESPACES_DIR, hostId(hostDir));
}

function isNamespace(file: string): boolean {
  try {
    return statfsSync(file).type === NSFS_MAGIC;
  } catch {
    return false;
  }
}

/** The running host's namespace, undefined when the host has none (not started, stopped, or a bare test dir). */
export function hostNamespace(hostDir: string): HostNamespace | undefined {
  const ns = readNamespaceFile(`${namespaceFile(hostDir)}.json`);
  return ns?.hostDir === path.resolve(hostDir) ? ns : undefined;
}

function readNamespaceFile(file: string): HostNamespace | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as HostNamespace;
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) {
    const why = r.error?.message ?? (r.stderr || r.stdout).trim();
    throw new Error(`sandbox: ${cmd} ${args.join(" ")} failed: ${why}`);
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Machine-wide, for every sandbox on this machine: mount points are made, claimed and removed under it. */
function withLock<T>(fn: () => T): T {
  mkdirSync(RUN_DIR, { recursive: true });
  const deadline = Date.now() + 30_000;
  for (let attempt = 0; ; attempt++) {
    try {
      closeSync(openSync(LOCK, "wx"));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    // A holder that crashed leaves the lock behind; nothing done under it takes this long.
    const since = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
    if (since !== undefined && Date.now() - since > 30_000) rmSync(LOCK, { force: true });
    if (Date.now() > deadline) throw new Error(`sandbox: ${LOCK} stayed locked for 30 s`);
    sleep(Math.min(2 + attempt, 20));
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/**
 * Runs `script` inside the host's namespace: directly when this process is in it already (a simulated tool
 * in a session), else through nsenter. Never anywhere else: the script detaches and binds mounts.
 */
function inNamespace(ns: HostNamespace, script: string): void {
  if (statSync("/proc/self/ns/mnt").ino === ns.ino) return run("/bin/sh", ["-c", script]);
  if (!isNamespace(ns.file) || statSync(ns.file).ino !== ns.ino) {
    throw new Error(`sandbox: the mount namespace of ${ns.hostDir} is gone (${ns.file})`);
  }
  run(which("nsenter"), [`--mount=${ns.file}`, "/bin/sh", "-c", script]);
}

/** A directory that is a mount point of its own, from this process's mount table. */
function isMountPoint(dir: string): boolean {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((line) => line.split(" ")[4] === dir);
}

function entryOf(mountPoint: string): string {
  return path.join(MOUNTPOINTS_DIR, encodeURIComponent(mountPoint));
}

/** Under the lock: binds <hostDir>/root/P over P in the namespace for each P this host has not claimed yet. */
function claimLocked(ns: HostNamespace, mountPoints: readonly string[]): void {
  const id = path.basename(ns.file);
  const binds: Array<[string, string]> = [];
  for (const p of new Set(mountPoints)) {
    const entry = entryOf(p);
    if (existsSync(path.join(entry, id))) continue;
    const source = hostPath(ns.hostDir, p);
    mkdirSync(source, { recursive: true });
    mkdirSync(entry, { recursive: true });
    const real = lstatSync(p, { throwIfNoEntry: false });
    if (real === undefined) {
      // Recorded first: a crash between the two leaves a record of an empty directory, never an unknown one.
      writeFileSync(path.join(entry, "created"), "");
      mkdirSync(p);
    } else if (!real.isDirectory()) {
      throw new Error(`sandbox: ${p} is not a directory on this machine; the host's ${p} cannot be bound over it`);
    }
    binds.push([source, p]);
  }
  if (binds.length === 0) return;
  const umount = which("umount");
  const mount = which("mount");
  // Whatever the namespace had there (this machine's own mounts, copied when it was made) goes first.
  inNamespace(
    ns,
    binds
      .map(([src, dst]) => `${umount} -R -l ${sq(dst)} 2>/dev/null; ${mount} --bind ${sq(src)} ${sq(dst)} || exit 1`)
      .join("\n"),
  );
  for (const [, p] of binds) writeFileSync(path.join(entryOf(p), id), `${ns.file}\n`);
}

/** What a new namespace binds: the owned directories and the tree's top-level ones. */
function initialMounts(hostDir: string): string[] {
  const machine = machineTopLevel(hostDir);
  const wanted = [...HOST_OWNED];
  for (const e of readdirSync(path.join(hostDir, "root"), { withFileTypes: true })) {
    if (e.isDirectory() && bindable(e.name, machine)) wanted.push(`/${e.name}`);
  }
  return wanted;
}

/** Makes `dir` a private mount of itself, so namespace files can be bound on it (as `ip netns` does). */
function privateMountPoint(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (isMountPoint(dir)) return;
  run(which("mount"), ["--bind", dir, dir]);
  run(which("mount"), ["--make-private", dir]);
}

/**
 * Makes the host's mount namespace (replacing one a crash left for the same directory) with its owned and
 * top-level directories bound. <hostDir>/root/etc and /usr/local/etc must exist.
 */
export function createHostNamespace(hostDir: string): HostNamespace {
  const dir = path.resolve(hostDir);
  return withLock(() => {
    dropLocked(dir);
    pruneLocked();
    privateMountPoint(NAMESPACES_DIR);
    mkdirSync(MOUNTPOINTS_DIR, { recursive: true });
    const file = namespaceFile(dir);
    writeFileSync(file, "");
    run(which("unshare"), [`--mount=${file}`, "--propagation", "private", "true"]);
    const ns: HostNamespace = { hostDir: dir, file, ino: statSync(file).ino };
    if (!isNamespace(file) || ns.ino === statSync("/proc/self/ns/mnt").ino) {
      throw new Error(`sandbox: unshare did not make a mount namespace on ${file}`);
    }
    writeFileSync(`${file}.json`, `${JSON.stringify(ns)}\n`);
    try {
      claimLocked(ns, initialMounts(dir));
    } catch (err) {
      dropLocked(dir);
      throw err;
    }
    return ns;
  });
}

/**
 * Binds the host's own `mountPoints` (top-level directories such as "/jails") into its namespace, making
 * the empty directories on this machine where missing. The ForceCommand calls it for directories new since
 * the last session; tools reach it through ensureHostDir (tools/hostfs.ts).
 */
export function claimMountPoints(hostDir: string, mountPoints: readonly string[]): void {
  const machine = machineTopLevel(hostDir);
  const wanted = mountPoints.filter((p) => p.startsWith("/") && bindable(p.slice(1), machine));
  if (wanted.length === 0) return;
  withLock(() => {
    const ns = hostNamespace(hostDir);
    if (ns === undefined) throw new Error(`sandbox: ${hostDir} has no mount namespace (is the host running?)`);
    claimLocked(ns, wanted);
  });
}

/**
 * Makes the simulated directory `dir` visible at `dir` in the running host's sessions, including the one this
 * process runs in: binds its top-level directory if this machine does not need it. Owned directories (/etc,
 * /usr/local/etc) are visible already; under this machine's own (/var, /tmp…) nothing can be. A host that
 * is not running (a unit test's directory) is left alone: nothing on this machine changes.
 */
export function showHostDir(hostDir: string, dir: string): void {
  const top = topLevel(path.posix.join("/", dir));
  if (top === "" || !bindable(top, machineTopLevel(hostDir))) return;
  const ns = hostNamespace(hostDir);
  if (ns === undefined || existsSync(path.join(entryOf(`/${top}`), path.basename(ns.file)))) return;
  claimMountPoints(hostDir, [`/${top}`]);
}

/** Unmounts and forgets the host's namespace file and its claims (the caller holds the lock). */
function dropLocked(hostDir: string): void {
  const file = namespaceFile(hostDir);
  if (isNamespace(file)) spawnSync(which("umount"), [file]);
  rmSync(file, { force: true });
  rmSync(`${file}.json`, { force: true });
  const id = path.basename(file);
  for (const key of readdirOrEmpty(MOUNTPOINTS_DIR)) rmSync(path.join(MOUNTPOINTS_DIR, key, id), { force: true });
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Forgets namespaces whose host directory is gone (a crash), drops claims whose namespace is gone, and removes
 * the mount points the sandbox made that no host claims any more, if they are still empty.
 */
function pruneLocked(): void {
  for (const name of readdirOrEmpty(NAMESPACES_DIR)) {
    if (!name.endsWith(".json")) continue;
    const ns = readNamespaceFile(path.join(NAMESPACES_DIR, name));
    if (ns === undefined || !existsSync(ns.hostDir) || !isNamespace(ns.file)) {
      if (ns !== undefined) dropLocked(ns.hostDir);
      rmSync(path.join(NAMESPACES_DIR, name), { force: true });
    }
  }
  for (const key of readdirOrEmpty(MOUNTPOINTS_DIR)) {
    const entry = path.join(MOUNTPOINTS_DIR, key);
    let claimed = false;
    for (const claim of readdirOrEmpty(entry)) {
      if (claim === "created") continue;
      const file = readFileSync(path.join(entry, claim), "utf8").trim();
      if (isNamespace(file)) claimed = true;
      else rmSync(path.join(entry, claim), { force: true });
    }
    if (claimed) continue;
    if (existsSync(path.join(entry, "created"))) {
      try {
        rmdirSync(decodeURIComponent(key));
      } catch (err) {
        // Not empty: something wrote to this machine's directory; it is left for its owner to look at.
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") continue;
      }
    }
    rmSync(entry, { recursive: true, force: true });
  }
  if (readdirOrEmpty(NAMESPACES_DIR).length === 0 && isMountPoint(NAMESPACES_DIR)) {
    spawnSync(which("umount"), [NAMESPACES_DIR]);
  }
}

/**
 * Removes the host's namespace and its claims, and each mount point it made that no other host uses; safe to
 * call twice and for a host that never had one. Sessions still running keep their view until they end.
 */
export function removeHostNamespace(hostDir: string): void {
  if (!existsSync(NAMESPACES_DIR) && !existsSync(MOUNTPOINTS_DIR)) return;
  withLock(() => {
    dropLocked(path.resolve(hostDir));
    pruneLocked();
  });
}

/**
 * The ForceCommand: under one lock it appends the command to the log (NUL-terminated, so commands may hold
 * newlines) and consumes one injected failure if any are pending; then it binds any top-level directory of
 * the simulated tree new since the last session, and runs the command in the host's mount namespace with the
 * simulated tools first on PATH, through `shell -c` as a FreeBSD login shell would.
 */
export function renderForceCommand(dir: string, flock: string, shell: string): string {
  const f = runFiles(dir);
  const id = path.basename(namespaceFile(dir));
  const skip = [...machineTopLevel(dir)].filter((n) => PLAIN_NAME.test(n)).sort();
  const names = ["'*'", ".*", "*[!A-Za-z0-9._-]*", ...skip.map(sq)].join("|");
  const claim = `require(${JSON.stringify(__filename)}).claimMountPoints(process.argv[1], process.argv.slice(2))`;
  const enter = `${sq(which("nsenter"))} --mount=${sq(namespaceFile(dir))} --wd="\${PWD:-/}" --`;
  return `#!/bin/sh
# Written by the pulumi-freebsd sandbox: the ForceCommand of ${dir}.
PF_SANDBOX_HOST_DIR=${sq(dir)}
export PF_SANDBOX_HOST_DIR
PATH=${sq(path.join(dir, "bin"))}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
fail=
exec 9>>${sq(f.lock)}
${flock} 9
printf '%s\\0' "\${SSH_ORIGINAL_COMMAND-}" >>${sq(f.log)}
if [ -s ${sq(f.fault)} ]; then
  read -r left code <${sq(f.fault)}
  if [ "\${left:-0}" -gt 0 ]; then
    echo "$((left - 1)) $code" >${sq(f.fault)}
    fail=$code
  fi
fi
exec 9>&-
if [ -n "$fail" ]; then
  echo "sandbox: injected failure (exit $fail)" >&2
  exit "$fail"
fi
# A top-level directory of the host's tree that its mount namespace does not bind yet (zfs made /jails since
# the last session, say) is bound before the command runs.
new=
for d in ${sq(path.join(dir, "root"))}/*/; do
  d=\${d%/}; d=\${d##*/}
  case $d in ${names}) continue ;; esac
  [ -e ${sq(MOUNTPOINTS_DIR)}/%2F"$d"/${id} ] || new="$new /$d"
done
if [ -n "$new" ]; then
  ${sq(process.execPath)} -e ${sq(claim)} "$PF_SANDBOX_HOST_DIR" $new || exit 70
fi
if [ -z "\${SSH_ORIGINAL_COMMAND-}" ]; then
  exec ${enter} ${sq(shell)} -i
fi
exec ${enter} ${sq(shell)} -c "$SSH_ORIGINAL_COMMAND"
`;
}

export function writeForceCommand(dir: string, flock: string, shell: string): string {
  const f = runFiles(dir);
  mkdirSync(path.dirname(f.script), { recursive: true });
  writeFileSync(f.script, renderForceCommand(dir, flock, shell), { mode: 0o755 });
  chmodSync(f.script, 0o755);
  return f.script;
}

/** <hostDir>/bin/NAME for each simulated tool: exec this Node on the tools' entry point. */
export function writeToolWrappers(dir: string): void {
  const bin = path.join(dir, "bin");
  rmSync(bin, { recursive: true, force: true });
  mkdirSync(bin, { recursive: true });
  const entry = path.join(__dirname, "tools", "main.js");
  for (const name of toolNames()) {
    const text = `#!/bin/sh\nexec ${sq(process.execPath)} ${sq(entry)} ${sq(name)} "$@"\n`;
    writeFileSync(path.join(bin, name), text, { mode: 0o755 });
  }
}
