// The simulated FreeBSD tools, run as the sandbox runs them (`node main.js TOOL ARGS`, PF_SANDBOX_HOST_DIR
// set): exact output, errors and exit codes, and the host state they share.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { StateStore } from "../../sandbox/state";
import { writeHostFile, hostPath } from "../../sandbox/tools/hostfs";
import { toolNames } from "../../sandbox/tools/main";

const MAIN = path.resolve(__dirname, "../../sandbox/tools/main.js");

interface Run {
  out: string;
  err: string;
  code: number | null;
}

let dir: string;

function run(tool: string, ...args: string[]): Run {
  return runIn(dir, tool, args);
}

function runIn(hostDir: string, tool: string, args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [MAIN, tool, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env, PF_SANDBOX_HOST_DIR: hostDir },
  });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

/** Asserts a whole result at once, so a failure shows every difference. */
function expect(r: Run, out: string, err = "", code = 0): void {
  assert.deepEqual(r, { out, err, code });
}

const VERSION = "FreeBSD 14.2-RELEASE-p1 releng/14.2-n269518-3a38cbb7e9f0 GENERIC";

describe("simulated FreeBSD tools", () => {
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "pf-tools-"));
  });
  beforeEach(() => {
    // Every test starts from a fresh host: no state file means every area's initial value.
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(path.join(tmpdir(), "pf-tools-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("registers every tool of this issue", () => {
    for (const t of ["uname", "freebsd-version", "sysctl", "sysrc", "service", "kldstat", "kldload", "pkg"]) {
      assert.ok(toolNames().includes(t), t);
    }
  });

  describe("uname", () => {
    it("prints fields in uname.c's order; -v is kern.version with its newline turned into a space", () => {
      expect(run("uname"), "FreeBSD\n");
      expect(run("uname", "-a"), `FreeBSD sandbox.example.org 14.2-RELEASE-p1 ${VERSION}  amd64\n`);
      expect(run("uname", "-v"), `${VERSION} \n`);
      expect(run("uname", "-mrs"), "FreeBSD 14.2-RELEASE-p1 amd64\n");
      expect(run("uname", "-U", "-K", "-p", "-i", "-o"), "FreeBSD amd64 GENERIC 1402000 1402000\n");
    });

    it("refuses unknown options and operands with its usage, exit 1", () => {
      expect(run("uname", "-x"), "", "uname: illegal option -- x\nusage: uname [-abiKmnoprsUv]\n", 1);
      expect(run("uname", "-s", "extra"), "", "usage: uname [-abiKmnoprsUv]\n", 1);
    });

    it("honours UNAME_x overrides and the hostname set through sysctl", () => {
      assert.equal(runIn(dir, "uname", ["-r"], { UNAME_r: "13.0-RELEASE" }).out, "13.0-RELEASE\n");
      run("sysctl", "kern.hostname=web1.example.org");
      expect(run("uname", "-n"), "web1.example.org\n");
    });
  });

  describe("freebsd-version", () => {
    it("prints -k, -r and -u in that order, -u by default", () => {
      expect(run("freebsd-version"), "14.2-RELEASE-p1\n");
      expect(run("freebsd-version", "-ku"), "14.2-RELEASE-p1\n14.2-RELEASE-p1\n");
      expect(run("freebsd-version", "-u", "-r", "-k"), "14.2-RELEASE-p1\n14.2-RELEASE-p1\n14.2-RELEASE-p1\n");
      expect(run("freebsd-version", "-z"), "", "usage: freebsd-version [-kru] [-j jail]\n", 1);
    });
  });

  describe("sysctl", () => {
    it("prints name: value, a blank line after kern.version, values alone with -n", () => {
      expect(
        run("sysctl", "kern.ostype", "hw.machine_arch", "hw.ncpu"),
        "kern.ostype: FreeBSD\nhw.machine_arch: amd64\nhw.ncpu: 4\n",
      );
      expect(run("sysctl", "kern.version"), `kern.version: ${VERSION}\n\n`);
      expect(run("sysctl", "-n", "kern.osreldate", "security.jail.jailed"), "1402000\n0\n");
      expect(run("sysctl", "-e", "kern.features.vimage"), "kern.features.vimage=1\n");
      expect(run("sysctl", "-N", "kern.osrelease"), "kern.osrelease\n");
    });

    it("prints every leaf under a node, and -a walks the MIB", () => {
      expect(
        run("sysctl", "kern.features"),
        "kern.features.inet: 1\nkern.features.inet6: 1\nkern.features.vimage: 1\n",
      );
      const all = run("sysctl", "-a").out;
      assert.ok(all.startsWith("kern.ostype: FreeBSD\nkern.osrelease: 14.2-RELEASE-p1\n"));
      assert.ok(all.includes("\nnet.inet.ip.forwarding: 0\n") && all.endsWith("security.jail.jailed: 0\n"));
    });

    it("sets a writable oid, printing old -> new, and keeps it", () => {
      expect(run("sysctl", "net.inet.ip.forwarding=1"), "net.inet.ip.forwarding: 0 -> 1\n");
      expect(run("sysctl", "-n", "net.inet.ip.forwarding=0x0"), "1 -> 0\n");
      expect(run("sysctl", "net.inet.ip.forwarding"), "net.inet.ip.forwarding: 0\n");
    });

    it("warns per failing argument and exits with their count", () => {
      expect(run("sysctl", "foo"), "", "sysctl: unknown oid 'foo'\n", 1);
      expect(
        run("sysctl", "foo", "kern.ostype", "bar.baz"),
        "kern.ostype: FreeBSD\n",
        "sysctl: unknown oid 'foo'\nsysctl: unknown oid 'bar.baz'\n",
        2,
      );
      expect(run("sysctl", "-q", "foo"), "", "", 1);
      expect(run("sysctl", "-i", "foo"), "", "", 0);
      expect(run("sysctl", "kern.ostype=Linux"), "", "sysctl: oid 'kern.ostype' is read only\n", 1);
      expect(run("sysctl", "kern=1"), "", "sysctl: oid 'kern' isn't a leaf node\n", 1);
      expect(run("sysctl", "net.inet.ip.forwarding=yes"), "", "sysctl: invalid integer 'yes'\n", 1);
      expect(run("sysctl", "net.inet.ip.forwarding="), "", "sysctl: empty numeric value\n", 1);
    });
  });

  describe("sysrc", () => {
    it("prints network.md's exact outputs", () => {
      expect(run("sysrc", "test_enable=YES"), "test_enable:  -> YES\n");
      expect(run("sysrc", "test_enable=NO"), "test_enable: YES -> NO\n");
      expect(run("sysrc", "test_list+=item1"), "test_list:  -> item1\n");
      expect(run("sysrc", "test_list+=item2"), "test_list: item1 -> item1 item2\n");
      expect(run("sysrc", "-n", "test_list"), "item1 item2\n");
      expect(run("sysrc", "noexist"), "", "sysrc: unknown variable 'noexist'\n", 1);
      expect(run("sysrc", "-x", "test_enable"), "");
      expect(run("sysrc", "test_enable"), "", "sysrc: unknown variable 'test_enable'\n", 1);
    });

    it("reads /etc/defaults/rc.conf, and edits the last assignment in place", () => {
      expect(run("sysrc", "pf_enable"), "pf_enable: NO\n");
      expect(run("sysrc", "pf_enable=YES", "gateway_enable=YES"), "pf_enable: NO -> YES\ngateway_enable: NO -> YES\n");
      expect(run("sysrc", "sshd_enable=NO"), "sshd_enable: YES -> NO\n");
      expect(run("sysrc", "test_list-=item1"), "test_list:  -> \n");
      expect(run("sysrc", "-e", "hostname"), 'hostname="sandbox.example.org"\n');
      expect(run("sysrc", "-v", "zfs_enable"), "/etc/rc.conf: zfs_enable: YES\n");
      expect(run("sysrc", "-c", "zfs_enable=YES"), "");
      expect(run("sysrc", "-c", "zfs_enable=NO"), "", "", 1);
      expect(run("sysrc", "-q", "nothing"), "", "", 1);
      expect(run("sysrc", "a.b=1"), "", "sysrc: a.b: name contains characters not allowed in shell\n", 1);
      const text = readFileSync(hostPath(dir, "/etc/rc.conf"), "utf8");
      assert.match(text, /^hostname="sandbox.example.org"\n/);
      assert.ok(text.includes('\nsshd_enable="NO"\n') && !text.includes('sshd_enable="YES"'));
      assert.ok(text.endsWith('pf_enable="YES"\ngateway_enable="YES"\ntest_list=""\n'), text);
    });

    it("splits += and -= on the value's first character when it is punctuation", () => {
      run("sysrc", "jail_list=a,b");
      expect(run("sysrc", "jail_list+=,c,a"), "jail_list: a,b -> a,b,c\n");
      expect(run("sysrc", "jail_list-=,b"), "jail_list: a,b,c -> a,c\n");
    });

    it("-f works on other rc files, creating them", () => {
      expect(run("sysrc", "-f", "/etc/rc.conf.d/jail", "jail_enable=YES"), "jail_enable: NO -> YES\n");
      assert.equal(readFileSync(hostPath(dir, "/etc/rc.conf.d/jail"), "utf8"), 'jail_enable="YES"\n');
      expect(run("sysrc", "-f", "/etc/rc.conf.d/jail", "-n", "jail_enable"), "YES\n");
      expect(run("sysrc", "-n", "jail_enable"), "NO\n");
    });

    it("lists what the rc files set with -a, sorted", () => {
      expect(
        run("sysrc", "-a"),
        "defaultrouter: 192.0.2.1\ndumpdev: AUTO\nhostname: sandbox.example.org\nifconfig_em0: inet 192.0.2.10/24\nmoused_nondefault_enable: NO\nsshd_enable: YES\nzfs_enable: YES\n",
      );
      expect(
        run("sysrc"),
        "",
        "Usage: sysrc [OPTIONS] {name[[+|-]=value] ... | -a | -A | -l | -L [name ...]}\nTry `sysrc --help' for more information.\n",
        1,
      );
    });

    it("loses no write when 50 writers append at once", async () => {
      const store = new StateStore(dir);
      const before = store.read().generation;
      const writers = Array.from(
        { length: 50 },
        (_, i) =>
          new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, [MAIN, "sysrc", `load_list+=item${i}`], {
              env: { ...process.env, PF_SANDBOX_HOST_DIR: dir },
              stdio: "ignore",
            });
            child.on("exit", (code) => resolve(code));
          }),
      );
      assert.deepEqual(await Promise.all(writers), Array(50).fill(0));
      const words = run("sysrc", "-n", "load_list").out.trim().split(" ");
      assert.deepEqual([...words].sort(), Array.from({ length: 50 }, (_, i) => `item${i}`).sort());
      assert.equal(store.read().generation, before + 50);
    });
  });

  describe("kldstat and kldload", () => {
    const TABLE =
      "Id Refs Address                Size Name\n" +
      " 1    9 0xffffffff80200000  1f3c2d8 kernel\n" +
      " 2    1 0xffffffff8213d000   5da628 zfs.ko\n" +
      " 3    1 0xffffffff82718000     7808 cryptodev.ko\n";

    it("shows a fresh host: the kernel and ZFS; vmm, if_bridge and pf missing", () => {
      expect(run("kldstat"), TABLE);
      expect(run("kldstat", "-q", "-m", "zfs"), "");
      for (const m of ["vmm", "if_bridge", "pf"]) expect(run("kldstat", "-q", "-m", m), "", "", 1);
      expect(run("kldstat", "-m", "vmm"), "", "kldstat: can't find module vmm: No such file or directory\n", 1);
      expect(run("kldstat", "-n", "pf"), "", "kldstat: can't find file pf: No such file or directory\n", 1);
    });

    it("loads modules with their dependencies, and refuses loaded ones", () => {
      expect(run("kldload", "vmm"), "");
      expect(run("kldload", "-v", "if_bridge"), "Loaded if_bridge, id=5\n");
      expect(run("kldload", "pf"), "");
      expect(run("kldload", "pf"), "", "kldload: can't load pf: module already loaded or in kernel\n", 1);
      expect(run("kldload", "-n", "pf"), "");
      expect(run("kldload", "-n", "-v", "pf.ko"), "pf.ko is already loaded\n");
      expect(run("kldload", "if_vlan"), "", "kldload: can't load if_vlan: module already loaded or in kernel\n", 1);
      expect(run("kldload", "nosuch"), "", "kldload: can't load nosuch: No such file or directory\n", 1);
      expect(run("kldload"), "", "usage: kldload [-nqv] file ...\n", 1);
      expect(
        run("kldstat"),
        TABLE.replace(" 1    9 ", " 1   13 ") +
          " 4    1 0xffffffff83a10000   3a07a8 vmm.ko\n" +
          " 5    1 0xffffffff83db1000     a548 if_bridge.ko\n" +
          " 6    1 0xffffffff83dbc000     8f78 bridgestp.ko\n" +
          " 7    1 0xffffffff83dc5000    95f20 pf.ko\n",
      );
      expect(run("kldstat", "-q", "-m", "vmm"), "");
      expect(run("kldstat", "-m", "pf"), "Id  Refs Name\n474    1 pf\n");
      expect(
        run("kldstat", "-v", "-n", "pf.ko"),
        "Id Refs Address                Size Name\n" +
          " 7    1 0xffffffff83dc5000    95f20 pf.ko (/boot/kernel/pf.ko)\n\tContains modules:\n\t\t Id Name\n\t\t474 pf\n",
      );
    });

    it("humanizes sizes with -h and rejects bad usage", () => {
      expect(
        run("kldstat", "-h", "-i", "2"),
        "Id Refs Address             Size Name\n 2    1 0xffffffff8213d000  5.9M zfs.ko\n",
      );
      expect(
        run("kldstat", "-x"),
        "",
        "kldstat: illegal option -- x\nusage: kldstat [-d] [-h] [-q] [-v] [-i id] [-n filename]\n       kldstat [-d] [-q] [-m modname]\n",
        1,
      );
    });
  });

  describe("pkg", () => {
    const UPDATE =
      "Updating FreeBSD repository catalogue...\nFreeBSD repository is up to date.\n" +
      "Updating FreeBSD-kmods repository catalogue...\nFreeBSD-kmods repository is up to date.\n" +
      "All repositories are up to date.\n";

    it("answers info -e with the exit status only", () => {
      expect(run("pkg", "info", "-e", "pkg"), "");
      expect(run("pkg", "info", "-e", "podman-suite"), "", "", 1);
      expect(run("pkg", "info"), "pkg-2.0.6                      Package manager\n");
    });

    it("installs from the catalogue with pkg's transcript, then lists the package", () => {
      expect(
        run("pkg", "install", "-y", "vm-bhyve"),
        UPDATE +
          "The following 1 package(s) will be affected (of 0 checked):\n\n" +
          "New packages to be INSTALLED:\n\tvm-bhyve: 1.7.0_1 [FreeBSD]\n\n" +
          "Number of packages to be installed: 1\n\n45 KiB to be downloaded.\n" +
          "[1/1] Fetching vm-bhyve-1.7.0_1: . done\n" +
          "Checking integrity... done (0 conflicting)\n" +
          "[1/1] Installing vm-bhyve-1.7.0_1...\n" +
          "[1/1] Extracting vm-bhyve-1.7.0_1: .......... done\n",
      );
      expect(run("pkg", "info", "-e", "vm-bhyve"), "");
      expect(
        run("pkg", "install", "-y", "vm-bhyve"),
        `${UPDATE}The most recent versions of packages are already installed\n`,
      );
      assert.equal(
        run("pkg", "info").out,
        "pkg-2.0.6                      Package manager\n" +
          "vm-bhyve-1.7.0_1               Management system for bhyve virtual machines\n",
      );
    });

    it("installs dependencies first and counts them", () => {
      const out = run("pkg", "install", "-y", "podman-suite").out;
      assert.match(out, /^Number of packages to be installed: 17$/m);
      assert.match(out, /^The process will require 2\d\d MiB more space\.$/m);
      const installs = [...out.matchAll(/^\[ ?\d+\/17\] Installing (\S+)\.\.\.$/gm)].map((m) => m[1]!);
      assert.ok(installs.indexOf("indexinfo-0.3.1_1") < installs.indexOf("gettext-runtime-0.23.1"));
      assert.equal(installs.at(-1), "podman-suite-20240605");
      expect(run("pkg", "info", "-e", "podman-suite"), "");
      expect(run("pkg", "info", "-e", "podman"), "");
    });

    it("refuses unknown packages without installing anything", () => {
      expect(
        run("pkg", "install", "-y", "curl", "k3s"),
        UPDATE,
        "pkg: No packages available to install matching 'k3s' have been found in the repositories\n",
        1,
      );
      expect(run("pkg", "info", "-e", "curl"), "", "", 1);
    });
  });

  describe("service", () => {
    it("reports pf as rc.d/pf does, through enable, start and status", () => {
      expect(run("service", "pf", "status"), "pf.ko is not loaded\n", "", 1);
      expect(
        run("service", "pf", "start"),
        "Cannot 'start' pf. Set pf_enable to YES in /etc/rc.conf or use 'onestart' instead of 'start'.\n",
      );
      expect(run("service", "pf", "enabled"), "", "", 1);
      expect(run("service", "pf", "enable"), "pf enabled in /etc/rc.conf\n");
      expect(run("service", "pf", "enabled"), "");
      expect(run("service", "pf", "start"), "", "/etc/rc.d/pf: WARNING: /etc/pf.conf is not readable.\n", 1);
      writeHostFile(dir, "/etc/pf.conf", "pass all\n");
      expect(run("service", "pf", "start"), "Enabling pf.\n");
      expect(run("kldstat", "-q", "-m", "pf"), "");
      const status = run("service", "pf", "status");
      assert.match(status.out, /^Status: Enabled for 0 days 00:00:0\d {11}Debug: Urgent\n\n$/);
      assert.equal(status.code, 0);
      expect(run("service", "pf", "stop"), "Disabling pf.\n");
      expect(run("sysrc", "-n", "pf_enable"), "YES\n");
    });

    it("runs daemons with rc.subr's messages", () => {
      expect(run("service", "sshd", "status"), "sshd is running as pid 1021.\n");
      expect(run("service", "sshd", "start"), "", "sshd already running? (pid=1021).\n", 1);
      expect(
        run("service", "sshd", "restart"),
        "Performing sanity check on sshd configuration.\nStopping sshd.\nWaiting for PIDS: 1021.\n" +
          "Performing sanity check on sshd configuration.\nStarting sshd.\n",
      );
      expect(run("service", "sshd", "status"), "sshd is running as pid 2400.\n");
      expect(run("service", "sshd", "onestop"), "Stopping sshd.\nWaiting for PIDS: 2400.\n");
      expect(run("service", "sshd", "status"), "sshd is not running.\n", "", 1);
    });

    it("handles unknown scripts, unknown directives and rcvar like service(8) and rc.subr", () => {
      expect(
        run("service", "nosuch", "start"),
        "nosuch does not exist in /etc/rc.d or the local startup\ndirectories (/usr/local/etc/rc.d), or is not executable\n",
        "",
        1,
      );
      expect(
        run("service", "zfs", "status"),
        "",
        "/etc/rc.d/zfs: unknown directive 'status'.\n" +
          "Usage: /etc/rc.d/zfs [fast|force|one|quiet](start|stop|restart|rcvar|enable|disable|delete|enabled|describe|extracommands)\n",
        1,
      );
      expect(run("service", "pf", "rcvar"), '# pf : Packet filter\n#\npf_enable="NO"\n#   (default: "")\n\n');
      expect(run("service", "-e"), "/etc/rc.d/zfs\n/etc/rc.d/sshd\n");
      expect(
        run("service", "podman", "start"),
        run("service", "nosuch", "start").out.replace(/nosuch/g, "podman"),
        "",
        1,
      );
      run("pkg", "install", "-y", "podman-suite");
      run("sysrc", "podman_enable=YES");
      expect(run("service", "-e"), "/etc/rc.d/zfs\n/etc/rc.d/sshd\n/usr/local/etc/rc.d/podman\n");
    });

    it("applies gateway_enable on routing restart", () => {
      run("sysrc", "gateway_enable=YES");
      expect(run("service", "routing", "restart"), "Additional inet routing options: gateway=YES.\n");
      expect(run("sysctl", "-n", "net.inet.ip.forwarding"), "1\n");
    });
  });
});
