// Fidelity: one scenario run on the simulated zfs and on a real ZFS (Debian's zfs-fuse, file-backed pool started
// by zfs-fuse.sh), comparing stdout, stderr and exit codes step by step. zfs-fuse is an old ZFS (pool version 23,
// OpenSolaris-era zfs(8)), so steps where OpenZFS 2.2 really differs run on both sides but are not compared; each
// names the difference, and the test prints them. Needs root, /dev/fuse and `apt-get install zfs-fuse`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

const MAIN = path.resolve(__dirname, "../../sandbox/tools/main.js");
const SCRIPT = path.resolve(__dirname, "../../../test/fidelity/zfs-fuse.sh");

interface Result {
  out: string;
  err: string;
  code: number | null;
}

interface Step {
  args: string[];
  /** Why OpenZFS 2.2 differs from zfs-fuse here: the step runs on both sides but is not compared. */
  differs?: string;
  /** The order of the lines after the error header is the kernel's hash order on real ZFS: compare them as a set. */
  unordered?: boolean;
}

// Sizes (used, available, referenced…) are never compared: zfs-fuse's on-disk accounting differs (a new
// filesystem refers 112K there, 96K on OpenZFS 2.2 at ashift 12), and the sandbox's pool is not this pool.
const SCENARIO: Step[] = [
  // The scenario's datasets are not mounted: zfs-fuse cannot unmount FUSE mounts here, so renames and destroys of
  // mounted datasets fail with "dataset is busy" on the real side.
  { args: ["create", "-o", "mountpoint=none", "-o", "compression=gzip", "-o", "org.example:role=test", "zroot/fid"] },
  { args: ["create", "zroot/fid/a"] },
  { args: ["create", "-p", "zroot/fid/b/c"] },
  {
    args: [
      "get",
      "-H",
      "-p",
      "-o",
      "name,property,value,source",
      "compression,atime,mountpoint,org.example:role,readonly,recordsize,quota,reservation,canmount,type,checksum,copies,snapdir,exec,setuid,devices,mounted",
      "zroot/fid/a",
    ],
  },
  {
    args: ["get", "compression,atime", "zroot/fid/a"],
    differs: "VALUE column width: 2.2's compression values reach zstd-fast-1000 (14 characters), zfs-fuse's gzip-9",
  },
  { args: ["set", "compression=gzip-9", "zroot/fid/a"] },
  { args: ["get", "-H", "-o", "name,property,value,source", "compression", "zroot/fid/a"] },
  {
    args: ["set", "compression=foo", "zroot/fid/a"],
    differs:
      "2.2 lists lz4 and zstd among the values, and set exits 255 (set_callback returns -1 into zfs_for_each); zfs-fuse exits 1",
  },
  { args: ["inherit", "compression", "zroot/fid/a"] },
  { args: ["get", "-H", "-o", "name,property,value,source", "compression", "zroot/fid/a"] },
  { args: ["set", "org.example:role=x", "zroot/fid/a"] },
  { args: ["get", "-H", "-o", "name,property,value,source", "-r", "org.example:role", "zroot/fid"] },
  { args: ["snapshot", "zroot/fid/a@s1"] },
  { args: ["snapshot", "zroot/fid/a@s1"] },
  { args: ["list", "-H", "-o", "name,mountpoint,canmount", "-r", "zroot/fid"] },
  { args: ["create", "-o", "canmount=noauto", "-o", "mountpoint=/fidmp", "zroot/fid/m"] },
  { args: ["create", "-o", "canmount=noauto", "zroot/fid/m/k"] },
  { args: ["get", "-H", "-o", "name,property,value,source", "mountpoint,canmount", "zroot/fid/m/k"] },
  { args: ["rename", "zroot/fid/a", "zroot/fid/renamed"] },
  { args: ["rename", "zroot/fid/renamed@s1", "zroot/fid/renamed@s2"] },
  { args: ["list", "-H", "-o", "name", "-t", "all", "-r", "zroot/fid"] },
  { args: ["snapshot", "zroot/fid/b@s"] },
  { args: ["destroy", "zroot/fid/b"] },
  { args: ["get", "compression", "zroot/fid/nope"] },
  { args: ["create", "zroot/fid/x/y"] },
  { args: ["create", "zroot/fid/renamed"] },
  // Trap 1: create -p on an existing dataset exits 0 and ignores -o.
  { args: ["create", "-p", "-o", "compression=gzip-1", "zroot/fid/renamed"] },
  { args: ["get", "-H", "-o", "value,source", "compression", "zroot/fid/renamed"] },
  { args: ["destroy", "-r", "zroot/fid/b"] },
  { args: ["list", "zroot/fid/b"] },
  { args: ["clone", "zroot/fid/renamed@s2", "zroot/fid/clone"] },
  { args: ["get", "-H", "-o", "name,property,value,source", "origin", "zroot/fid/clone"] },
  { args: ["destroy", "zroot/fid/renamed@s2"] },
  { args: ["promote", "zroot/fid/clone"] },
  { args: ["get", "-H", "-o", "name,property,value,source", "origin", "zroot/fid/renamed", "zroot/fid/clone"] },
  { args: ["list", "-H", "-o", "name", "-t", "snapshot", "-r", "zroot/fid"] },
  { args: ["set", "quota=1G", "zroot/fid/clone"] },
  { args: ["get", "-H", "-p", "-o", "name,property,value,source", "quota,reservation,refquota", "zroot/fid/clone"] },
  {
    args: ["set", "volsize=1G", "zroot/fid/clone"],
    differs: "exit 255 on 2.2 (set_callback), 1 on zfs-fuse; the message is the same",
  },
  {
    args: ["inherit", "quota", "zroot/fid/clone"],
    differs: "2.2 adds \"use 'zfs inherit -S quota' to revert to received value\"",
  },
  { args: ["set", "readonly=on", "zroot/fid/clone"] },
  {
    args: ["list", "-H", "-p", "-o", "name,quota", "-r", "zroot/fid"],
    differs: "zfs-fuse's zfs list has no -p (invalid option 'p', usage, exit 2)",
  },
  {
    args: ["destroy", "zroot/fid/renamed@nope"],
    differs:
      "2.2 says 'could not find any snapshots to destroy; check snapshot names.', zfs-fuse 'cannot open …: dataset does not exist'",
  },
  { args: ["rename", "zroot/fid/renamed", "zroot/fid/nope/x"] },
  { args: ["inherit", "-r", "org.example:role", "zroot/fid"] },
  { args: ["list", "-H", "-o", "name,org.example:role", "-r", "zroot/fid"] },
  { args: ["get", "-H", "-s", "local", "-o", "name,property,value", "all", "zroot/fid/clone"] },
  {
    args: ["destroy", "zroot/fid"],
    unordered: true,
    differs:
      "2.2's zfs_iter_dependents does not deduplicate: zroot/fid/renamed, a child and (after the promote) a clone of zroot/fid/clone@s2, is listed twice; zfs-fuse lists it once",
  },
  { args: ["destroy", "zroot/fid/m"], unordered: true },
  { args: ["destroy", "-r", "zroot/fid"] },
  { args: ["list", "zroot/fid"] },
];

// Not run on the real side at all, with why.
const NOT_COMPARED = [
  "zfs set with several property=value pairs: zfs-fuse's set takes one (it reads the second as a dataset name)",
  "volumes (zfs create -V): zfs-fuse aborts with 'internal error: Function not implemented' (exit 134)",
  "mounting and the mount-failure trap: zfs-fuse cannot unmount its FUSE mounts on this kernel, so nothing is mounted",
  "zfs program: zfs-fuse has no channel programs (and the sandbox rejects them as a module without the ioctl does)",
  "properties added after pool version 23 (createtxg, objsetid, written, logical*, *_limit/_count, snapdev, acltype, relatime, redundant_metadata, overlay, encryption, keyformat, dnodesize, special_small_blocks, prefetch …) and zfs get all",
  "sizes (used, available, referenced…): different on-disk accounting, and the sandbox's pool is not this pool",
];

let work: string;
let sandboxDir: string;

function real(args: string[]): Result {
  const r = spawnSync("/sbin/zfs", args, { encoding: "utf8", cwd: "/" });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

function simulated(args: string[]): Result {
  const r = spawnSync(process.execPath, [MAIN, "zfs", ...args], {
    encoding: "utf8",
    env: { ...process.env, PF_SANDBOX_HOST_DIR: sandboxDir },
  });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

/** The error header lines stay in order; the dataset names after them form a set. */
function unorder(r: Result): Result {
  const lines = r.err.split("\n");
  const head = lines.slice(0, 2);
  return {
    ...r,
    err: [
      ...head,
      ...lines
        .slice(2)
        .filter((l) => l !== "")
        .sort(),
    ].join("\n"),
  };
}

describe("zfs fidelity against zfs-fuse", () => {
  before(() => {
    assert.ok(
      existsSync("/dev/fuse"),
      "/dev/fuse is missing: zfs-fuse needs the fuse module (modprobe fuse) or a container run with --device /dev/fuse; this test fails rather than skips",
    );
    assert.ok(existsSync("/sbin/zfs-fuse"), "zfs-fuse is not installed: apt-get install -y zfs-fuse");
    work = mkdtempSync(path.join(tmpdir(), "pf-zfs-fuse-"));
    sandboxDir = mkdtempSync(path.join(tmpdir(), "pf-zfs-sim-"));
    const started = spawnSync("bash", [SCRIPT, "start", work], { encoding: "utf8" });
    assert.equal(started.status, 0, `zfs-fuse.sh start failed: ${started.stderr}`);
  });

  after(() => {
    spawnSync("bash", [SCRIPT, "stop", work], { encoding: "utf8" });
    rmSync(sandboxDir, { recursive: true, force: true });
  });

  it("prints what real ZFS prints for the shared subset of one scenario", (t) => {
    const mismatches: string[] = [];
    for (const step of SCENARIO) {
      let r = real(step.args);
      let s = simulated(step.args);
      if (step.differs !== undefined) continue;
      if (step.unordered) {
        r = unorder(r);
        s = unorder(s);
      }
      if (JSON.stringify(r) !== JSON.stringify(s)) {
        mismatches.push(
          `zfs ${step.args.join(" ")}\n  real:      ${JSON.stringify(r)}\n  simulated: ${JSON.stringify(s)}`,
        );
      }
    }
    for (const step of SCENARIO.filter((x) => x.differs !== undefined))
      t.diagnostic(`not compared: zfs ${step.args.join(" ")}: ${step.differs}`);
    for (const n of NOT_COMPARED) t.diagnostic(`not run: ${n}`);
    assert.deepEqual(mismatches, []);
  });
});
