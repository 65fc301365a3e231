// The simulated zfs and zpool, run as the sandbox runs them (`node main.js zfs ARGS`): exact stdout, stderr and
// exit codes of OpenZFS 2.2 on FreeBSD 14 for every behaviour the library relies on, both traps included.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { StateStore } from "../../sandbox/state";
import { hostPath } from "../../sandbox/tools/hostfs";
import { toolNames } from "../../sandbox/tools/main";
import { initialZfs, type ZfsState } from "../../sandbox/tools/zfs/model";
import { nicebytes, nicenum, nicestrtonum } from "../../sandbox/tools/zfs/numbers";

const MAIN = path.resolve(__dirname, "../../sandbox/tools/main.js");

interface Run {
  out: string;
  err: string;
  code: number | null;
}

let dir: string;

function run(tool: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [MAIN, tool, ...args], {
    encoding: "utf8",
    env: { ...process.env, PF_SANDBOX_HOST_DIR: dir },
  });
  return { out: r.stdout, err: r.stderr, code: r.status };
}
const zfs = (...args: string[]) => run("zfs", ...args);

function expect(r: Run, out: string, err = "", code = 0): void {
  assert.deepEqual(r, { out, err, code });
}

/** The ZFS state, to arrange faults. */
function editZfs(change: (zs: ZfsState) => void): void {
  new StateStore(dir).update((state) => {
    const zs = (state.zfs as ZfsState | undefined) ?? initialZfs();
    change(zs);
    state.zfs = zs;
  });
}

const get = (props: string, ...names: string[]) =>
  zfs("get", "-H", "-p", "-o", "name,property,value,source", props, ...names);

describe("simulated zfs", () => {
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "pf-zfs-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is registered with zpool", () => {
    assert.ok(toolNames().includes("zfs") && toolNames().includes("zpool"));
  });

  describe("numbers", () => {
    it("prints sizes as zfs_nicenum does, rounding half to even in five characters", () => {
      assert.equal(nicebytes(0), "0B");
      assert.equal(nicebytes(512), "512B");
      assert.equal(nicenum(512), "512");
      assert.equal(nicebytes(98304), "96K");
      assert.equal(nicebytes(1152), "1.12K"); // 1.125 ties to even, as printf does
      assert.equal(nicebytes(10239), "10.0K");
      assert.equal(nicebytes(1288490189), "1.20G");
      assert.equal(nicenum(16 * 2 ** 20), "16M");
      assert.equal(nicebytes(2n ** 64n - 1n), "16.0E");
    });

    it("reads sizes as zfs_nicestrtonum does", () => {
      assert.deepEqual(nicestrtonum("10G"), { ok: true, value: 10737418240n });
      assert.deepEqual(nicestrtonum("1.5k"), { ok: true, value: 1536n });
      assert.deepEqual(nicestrtonum("4GiB"), { ok: true, value: 4294967296n });
      assert.deepEqual(nicestrtonum("1BB"), { ok: false, why: "invalid numeric suffix 'BB'" });
      assert.deepEqual(nicestrtonum("lots"), { ok: false, why: "bad numeric value 'lots'" });
      assert.deepEqual(nicestrtonum("20E"), { ok: false, why: "numeric value is too large" });
    });
  });

  describe("a fresh host", () => {
    it("has the FreeBSD installer's pool, listed with zfs's default columns", () => {
      const r = zfs("list");
      assert.equal(r.code, 0);
      const lines = r.out.split("\n");
      assert.equal(lines[0], "NAME                 USED  AVAIL  REFER  MOUNTPOINT");
      assert.equal(lines[1], "zroot               1.32G  92.6G    96K  /zroot");
      assert.equal(lines[2], "zroot/ROOT          1.32G  92.6G    96K  none");
      assert.equal(lines[3], "zroot/ROOT/default  1.32G  92.6G  1.32G  /");
      assert.deepEqual(
        r.out
          .trim()
          .split("\n")
          .slice(1)
          .map((l) => l.split(/\s+/)[0]),
        [
          "zroot",
          "zroot/ROOT",
          "zroot/ROOT/default",
          "zroot/home",
          "zroot/tmp",
          "zroot/usr",
          "zroot/usr/ports",
          "zroot/usr/src",
          "zroot/var",
          "zroot/var/audit",
          "zroot/var/crash",
          "zroot/var/log",
          "zroot/var/mail",
          "zroot/var/tmp",
        ],
      );
    });

    it("carries the installer's properties and their sources", () => {
      expect(
        get("compression,atime,mountpoint,canmount,exec,setuid", "zroot", "zroot/var/log", "zroot/usr"),
        "zroot\tcompression\tlz4\tlocal\nzroot\tatime\toff\tlocal\nzroot\tmountpoint\t/zroot\tlocal\nzroot\tcanmount\ton\tdefault\n" +
          "zroot\texec\ton\tdefault\nzroot\tsetuid\ton\tdefault\n" +
          "zroot/usr\tcompression\tlz4\tinherited from zroot\nzroot/usr\tatime\toff\tinherited from zroot\n" +
          "zroot/usr\tmountpoint\t/usr\tlocal\nzroot/usr\tcanmount\toff\tlocal\nzroot/usr\texec\ton\tdefault\nzroot/usr\tsetuid\ton\tdefault\n" +
          "zroot/var/log\tcompression\tlz4\tinherited from zroot\nzroot/var/log\tatime\toff\tinherited from zroot\n" +
          "zroot/var/log\tmountpoint\t/var/log\tinherited from zroot/var\nzroot/var/log\tcanmount\ton\tdefault\n" +
          "zroot/var/log\texec\toff\tlocal\nzroot/var/log\tsetuid\toff\tlocal\n",
      );
    });

    it("keeps guids stable across reads, before anything was written", () => {
      const a = zfs("get", "-H", "-o", "value", "guid", "zroot/home").out;
      assert.match(a, /^[0-9]{5,20}\n$/);
      assert.equal(zfs("get", "-H", "-o", "value", "guid", "zroot/home").out, a);
    });

    it("prints every property of `get all` in zfs_prop_t order, with the widths zfs computes", () => {
      const r = zfs("get", "all", "zroot/var/mail");
      const lines = r.out.split("\n");
      assert.equal(lines[0], "NAME            PROPERTY              VALUE                  SOURCE");
      assert.equal(lines[1], "zroot/var/mail  type                  filesystem             -");
      assert.equal(lines[7], "zroot/var/mail  mounted               yes                    -");
      assert.match(
        lines[2]!,
        /^zroot\/var\/mail {2}creation {14}[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [ 0-9]{2}:[0-9]{2} [0-9]{4} {2}-$/,
      );
      const props = lines.slice(1, -1).map((l) => l.split(/\s+/)[1]);
      assert.deepEqual(props.slice(-4), ["keyformat", "pbkdf2iters", "special_small_blocks", "prefetch"]);
      assert.deepEqual(props.slice(0, 8), [
        "type",
        "creation",
        "used",
        "available",
        "referenced",
        "compressratio",
        "mounted",
        "quota",
      ]);
      assert.ok(r.out.includes("zroot/var/mail  atime                 on                     local\n"));
      assert.ok(r.out.includes("zroot/var/mail  filesystem_limit      none                   default\n"));
      // The 73 properties a FreeBSD 14 host prints for a filesystem without user properties, in this order.
      assert.equal(props.length, 73);
    });

    it("lists the pool with zpool", () => {
      expect(
        run("zpool", "list"),
        "NAME    SIZE  ALLOC   FREE  CKPOINT  EXPANDSZ   FRAG    CAP  DEDUP    HEALTH  ALTROOT\n" +
          "zroot    97G  1.32G  95.7G        -         -     0%     1%  1.00x    ONLINE  -\n",
      );
      expect(run("zpool", "list", "-H", "-p", "-o", "name,size,health"), "zroot\t104152956928\tONLINE\n");
      expect(
        run("zpool", "get", "-H", "bootfs,listsnapshots", "zroot"),
        "zroot\tbootfs\tzroot/ROOT/default\tlocal\nzroot\tlistsnapshots\toff\tdefault\n",
      );
      expect(run("zpool", "list", "tank"), "", "cannot open 'tank': no such pool\n", 1);
      assert.match(
        run("zpool", "status", "zroot").out,
        /^ {2}pool: zroot\n state: ONLINE\nconfig:\n\n\tNAME {8}STATE {5}READ WRITE CKSUM\n\tzroot {7}ONLINE {7}0 {5}0 {5}0\n/,
      );
    });
  });

  describe("create", () => {
    it("creates with -o, validates values and reports sources", () => {
      expect(
        zfs("create", "-o", "compression=zstd", "-o", "org.example:role=web", "-o", "quota=10G", "zroot/jails"),
        "",
      );
      expect(
        get("compression,org.example:role,quota,mountpoint,mounted,used,referenced", "zroot/jails"),
        "zroot/jails\tcompression\tzstd\tlocal\nzroot/jails\torg.example:role\tweb\tlocal\nzroot/jails\tquota\t10737418240\tlocal\n" +
          "zroot/jails\tmountpoint\t/zroot/jails\tinherited from zroot\nzroot/jails\tmounted\tyes\t-\n" +
          "zroot/jails\tused\t98304\t-\nzroot/jails\treferenced\t98304\t-\n",
      );
      assert.ok(existsSync(hostPath(dir, "/zroot/jails")));
      expect(
        zfs("create", "-o", "compression=foo", "zroot/x"),
        "",
        "cannot create 'zroot/x': 'compression' must be one of 'on | off | lzjb | gzip | gzip-[1-9] | zle | lz4 | zstd | zstd-[1-19] | zstd-fast | zstd-fast-[1-10,20,30,40,50,60,70,80,90,100,500,1000]'\n",
        1,
      );
      expect(
        zfs("create", "-o", "recordsize=3K", "zroot/x"),
        "",
        "cannot create 'zroot/x': 'recordsize' must be power of 2 from 512B to 16M\n",
        1,
      );
      expect(
        zfs("create", "-o", "volsize=1G", "zroot/x"),
        "",
        "cannot create 'zroot/x': 'volsize' does not apply to datasets of this type\n",
        1,
      );
      expect(
        zfs("create", "-o", "Bad:Prop=1", "zroot/x"),
        "",
        "cannot create 'zroot/x': invalid property 'Bad:Prop'\n",
        1,
      );
      expect(zfs("create", "-o", "used=1", "zroot/x"), "", "cannot create 'zroot/x': 'used' is readonly\n", 1);
      expect(
        zfs("create", "-o", "quota=0", "zroot/x"),
        "",
        "cannot create 'zroot/x': use 'none' to disable quota/refquota\n",
        1,
      );
      expect(zfs("create", "-o", "a=1", "-o", "a=2", "zroot/x"), "", "property 'a' specified multiple times\n", 1);
    });

    it("refuses what zfs refuses, with its messages", () => {
      expect(zfs("create", "zroot/home"), "", "cannot create 'zroot/home': dataset already exists\n", 1);
      expect(zfs("create", "zroot/a/b"), "", "cannot create 'zroot/a/b': parent does not exist\n", 1);
      expect(zfs("create", "tank/x"), "", "cannot create 'tank/x': no such pool 'tank'\n", 1);
      expect(zfs("create", "zroot"), "", "cannot create 'zroot': missing dataset name\n", 1);
      expect(zfs("create", "zroot/a b$"), "", "cannot create 'zroot/a b$': invalid character '$' in name\n", 1);
      expect(
        zfs("create", "zroot/a@s"),
        "",
        "cannot create 'zroot/a@s': snapshot delimiter '@' is not expected here\n",
        1,
      );
      const u = zfs("create");
      assert.equal(u.code, 2);
      assert.ok(
        u.err.startsWith(
          "missing filesystem argument\nusage:\n\tcreate [-Pnpuv] [-o property=value] ... <filesystem>\n",
        ),
      );
      assert.ok(u.err.endsWith("\nFor further help on a command or topic, run: zfs help [<topic>]\n"));
      expect(
        zfs("create", "-s", "zroot/x"),
        "",
        `'-s' and '-b' can only be used when creating a volume\n${u.err.slice(u.err.indexOf("usage:"))}`,
        2,
      );
    });

    it("trap 1: `create -p` on an existing dataset exits 0 and ignores every -o", () => {
      expect(
        zfs("create", "-p", "-o", "compression=gzip", "-o", "compression=bad", "zroot/home"),
        "",
        "property 'compression' specified multiple times\n",
        1,
      );
      expect(zfs("create", "-p", "-o", "compression=gzip", "-o", "org.example:x=1", "zroot/home"), "");
      expect(
        get("compression,org.example:x", "zroot/home"),
        "zroot/home\tcompression\tlz4\tinherited from zroot\nzroot/home\torg.example:x\t-\t-\n",
      );
      expect(zfs("create", "-p", "-o", "compression=nonsense", "zroot/home"), "");
      expect(zfs("create", "-p", "zroot/a/b/c"), "");
      expect(zfs("list", "-H", "-o", "name", "-r", "zroot/a"), "zroot/a\nzroot/a/b\nzroot/a/b/c\n");
    });

    it("trap 2: a mount that fails still creates the dataset, and exits 1", () => {
      editZfs((zs) => zs.unmountable.push("/srv"));
      expect(
        zfs("create", "-o", "mountpoint=/srv/data", "zroot/data"),
        "",
        "cannot mount '/srv/data': failed to create mountpoint: Read-only file system\nfilesystem successfully created, but not mounted\n",
        1,
      );
      expect(
        get("mounted,mountpoint", "zroot/data"),
        "zroot/data\tmounted\tno\t-\nzroot/data\tmountpoint\t/srv/data\tlocal\n",
      );
      expect(zfs("create", "-o", "mountpoint=/srv/data2", "-o", "canmount=noauto", "zroot/data2"), "");
    });

    it("creates volumes with a reservation unless sparse, rounding volsize to the block size", () => {
      expect(zfs("create", "-V", "10G", "zroot/vol"), "");
      expect(
        get("type,volsize,volblocksize,refreservation,used,referenced,mountpoint", "zroot/vol"),
        "zroot/vol\ttype\tvolume\t-\nzroot/vol\tvolsize\t10737418240\tlocal\nzroot/vol\tvolblocksize\t16384\t-\n" +
          "zroot/vol\trefreservation\t10907287552\tlocal\nzroot/vol\tused\t10907287552\t-\nzroot/vol\treferenced\t12288\t-\n" +
          "zroot/vol\tmountpoint\t-\t-\n",
      );
      expect(
        zfs("create", "-s", "-V", "1000000", "-b", "8K", "zroot/thin"),
        "",
        "Warning: volblocksize (8192) is less than the default minimum block size (16384).\nTo reduce wasted space a volblocksize of 16384 is recommended.\n",
      );
      expect(
        get("volsize,refreservation,used", "zroot/thin"),
        "zroot/thin\tvolsize\t1007616\tlocal\nzroot/thin\trefreservation\t0\tdefault\nzroot/thin\tused\t12288\t-\n",
      );
      expect(zfs("list", "-H", "-o", "name,mountpoint", "zroot/thin"), "zroot/thin\t-\n");
      expect(zfs("create", "-V", "1X", "zroot/v2"), "", "bad volume size '1X': invalid numeric suffix 'X'\n", 1);
      expect(
        zfs("set", "volblocksize=8K", "zroot/vol"),
        "",
        "cannot set property for 'zroot/vol': 'volblocksize' is readonly\n",
        255,
      );
      expect(zfs("set", "volsize=20G", "zroot/vol"), "");
      expect(
        get("volsize,refreservation", "zroot/vol"),
        "zroot/vol\tvolsize\t21474836480\tlocal\nzroot/vol\trefreservation\t21813002240\tlocal\n",
      );
    });
  });

  describe("list and get", () => {
    beforeEach(() => {
      zfs("create", "-o", "org.example:role=db", "zroot/db");
      zfs("create", "zroot/db/data");
      zfs("snapshot", "zroot/db@s1");
      zfs("snapshot", "zroot/db@s2");
    });

    it("filters by type, depth and operand, sorts with -s/-S", () => {
      expect(zfs("list", "-H", "-o", "name", "-r", "zroot/db"), "zroot/db\nzroot/db/data\n");
      expect(zfs("list", "-H", "-o", "name", "-t", "snapshot", "zroot/db"), "zroot/db@s1\nzroot/db@s2\n");
      expect(
        zfs("list", "-H", "-o", "name", "-t", "all", "-r", "zroot/db"),
        "zroot/db\nzroot/db@s1\nzroot/db@s2\nzroot/db/data\n",
      );
      expect(
        zfs("list", "-H", "-o", "name", "-d", "1", "zroot/var"),
        "zroot/var\nzroot/var/audit\nzroot/var/crash\nzroot/var/log\nzroot/var/mail\nzroot/var/tmp\n",
      );
      expect(
        zfs("list", "-H", "-o", "name", "-S", "name", "-r", "zroot/usr"),
        "zroot/usr/src\nzroot/usr/ports\nzroot/usr\n",
      );
      expect(
        zfs("list", "-H", "-p", "-o", "name,used", "-s", "used", "zroot/var/log", "zroot/var/tmp"),
        "zroot/var/tmp\t98304\nzroot/var/log\t188416\n",
      );
      expect(zfs("list", "-H", "-o", "name", "/var/log"), "zroot/var/log\n");
      expect(
        zfs("list", "-H", "-o", "name", "/var/log/nonexistent"),
        "",
        "cannot open '/var/log/nonexistent': No such file or directory\n",
        1,
      );
      expect(zfs("list", "-t", "snapshot", "zroot/home"), "", "no datasets available\n");
    });

    it("prints user properties, inheritance and snapshots as zfs does", () => {
      expect(
        get("org.example:role,type,origin", "zroot/db/data", "zroot/db@s1"),
        // zfs_compare: a dataset's snapshots sort right after it, before its children.
        "zroot/db@s1\torg.example:role\tdb\tinherited from zroot/db\nzroot/db@s1\ttype\tsnapshot\t-\nzroot/db@s1\torigin\t-\t-\n" +
          "zroot/db/data\torg.example:role\tdb\tinherited from zroot/db\nzroot/db/data\ttype\tfilesystem\t-\nzroot/db/data\torigin\t-\t-\n",
      );
      expect(
        zfs("get", "-H", "-s", "local", "-o", "name,property,value", "all", "zroot/db"),
        "zroot/db\torg.example:role\tdb\n",
      );
      expect(
        zfs("get", "-H", "-r", "-s", "local", "-o", "name,property", "org.example:role", "zroot/db"),
        "zroot/db\torg.example:role\n",
      );
      expect(
        zfs("get", "compression,org.example:role", "zroot/db"),
        // A user property's column starts as wide as its name (addlist), so VALUE is 16 wide here.
        "NAME      PROPERTY          VALUE             SOURCE\nzroot/db  compression       lz4               inherited from zroot\nzroot/db  org.example:role  db                local\n",
      );
      expect(zfs("list", "-o", "name,org.example:role", "zroot/db"), "NAME      ORG.EXAMPLE:ROLE\nzroot/db  db\n");
    });

    it("reports missing datasets and bad arguments", () => {
      expect(zfs("get", "compression", "zroot/nope"), "", "cannot open 'zroot/nope': dataset does not exist\n", 1);
      expect(zfs("list", "zroot/nope"), "", "cannot open 'zroot/nope': dataset does not exist\n", 1);
      expect(
        zfs("get", "-H", "-o", "value", "compression", "zroot/home", "zroot/nope"),
        "lz4\n",
        "cannot open 'zroot/nope': dataset does not exist\n",
        1,
      );
      const bad = zfs("get", "nosuchprop", "zroot");
      assert.equal(bad.code, 2);
      assert.ok(bad.err.startsWith("bad property list: invalid property 'nosuchprop'\nusage:\n\tget [-rHp]"));
      assert.ok(bad.err.includes("\n\tcompression     YES      YES   on | off | lzjb | gzip |"));
      const opt = zfs("list", "-Z");
      assert.equal(opt.code, 2);
      assert.ok(opt.err.startsWith("invalid option 'Z'\nusage:\n\tlist [-Hp] [-r|-d max]"));
    });
  });

  describe("set and inherit", () => {
    it("sets several properties at once, inherits them back, and fails with exit 255 like set_callback", () => {
      zfs("create", "zroot/app");
      expect(zfs("set", "compression=gzip-6", "atime=on", "org.example:owner=me", "zroot/app"), "");
      expect(
        get("compression,atime,org.example:owner", "zroot/app"),
        "zroot/app\tcompression\tgzip\tlocal\nzroot/app\tatime\ton\tlocal\nzroot/app\torg.example:owner\tme\tlocal\n",
      );
      expect(zfs("inherit", "compression", "zroot/app"), "");
      expect(zfs("inherit", "org.example:owner", "zroot/app"), "");
      expect(
        get("compression,org.example:owner", "zroot/app"),
        "zroot/app\tcompression\tlz4\tinherited from zroot\nzroot/app\torg.example:owner\t-\t-\n",
      );
      expect(
        zfs("set", "casesensitivity=mixed", "zroot/app"),
        "",
        "cannot set property for 'zroot/app': 'casesensitivity' is readonly\n",
        255,
      );
      expect(
        zfs("set", "quota=1K", "zroot/app"),
        "",
        "cannot set property for 'zroot/app': size is less than current used or reserved space\n",
        255,
      );
      expect(
        zfs("set", "reservation=1P", "zroot/app"),
        "",
        "cannot set property for 'zroot/app': size is greater than available space\n",
        255,
      );
      expect(zfs("set", "compression=lz4", "zroot/nope"), "", "cannot open 'zroot/nope': dataset does not exist\n", 1);
      expect(
        zfs("inherit", "quota", "zroot/app"),
        "",
        "'quota' property cannot be inherited\nuse 'zfs set quota=none' to clear\nuse 'zfs inherit -S quota' to revert to received value\n",
        1,
      );
      expect(zfs("inherit", "-S", "quota", "zroot/app"), "");
      expect(zfs("inherit", "used", "zroot/app"), "", "used property is read-only\n", 1);
      expect(
        zfs("set", "mlslabel=none", "zroot/app"),
        "",
        "cannot set property for 'zroot/app': mlslabels are unsupported\n",
        255,
      );
      zfs("create", "zroot/app/child");
      expect(zfs("set", "atime=on", "zroot/app/child"), "");
      expect(zfs("inherit", "-r", "atime", "zroot/app"), "");
      expect(get("atime", "zroot/app/child"), "zroot/app/child\tatime\toff\tinherited from zroot\n");
    });

    it("moves mounted filesystems and their files with a new mountpoint", () => {
      zfs("create", "zroot/www");
      zfs("create", "zroot/www/site");
      expect(zfs("set", "mountpoint=/srv/www", "zroot/www"), "");
      expect(
        zfs("list", "-H", "-o", "name,mountpoint,mounted", "-r", "zroot/www"),
        "zroot/www\t/srv/www\tyes\nzroot/www/site\t/srv/www/site\tyes\n",
      );
      assert.ok(existsSync(hostPath(dir, "/srv/www/site")));
      expect(
        zfs("set", "mountpoint=srv", "zroot/www"),
        "",
        "cannot set property for 'zroot/www': 'mountpoint' must be an absolute path, 'none', or 'legacy'\n",
        255,
      );
    });
  });

  describe("destroy", () => {
    beforeEach(() => {
      zfs("create", "zroot/a");
      zfs("create", "zroot/a/b");
      zfs("snapshot", "zroot/a@s1");
    });

    it("refuses a dataset with children and lists them in zfs's order", () => {
      expect(
        zfs("destroy", "zroot/a"),
        "",
        "cannot destroy 'zroot/a': filesystem has children\nuse '-r' to destroy the following datasets:\nzroot/a/b\nzroot/a@s1\n",
        1,
      );
      expect(
        zfs("destroy", "-nv", "-r", "zroot/a"),
        "would destroy zroot/a/b\nwould destroy zroot/a@s1\nwould destroy zroot/a\n",
      );
      expect(zfs("destroy", "-r", "zroot/a"), "");
      expect(zfs("list", "zroot/a"), "", "cannot open 'zroot/a': dataset does not exist\n", 1);
    });

    it("protects clones unless -R, and destroys snapshots by name", () => {
      expect(zfs("clone", "zroot/a@s1", "zroot/c"), "");
      expect(get("origin", "zroot/c"), "zroot/c\torigin\tzroot/a@s1\t-\n");
      expect(zfs("get", "-H", "-o", "value", "clones", "zroot/a@s1"), "zroot/c\n");
      expect(
        zfs("destroy", "zroot/a@s1"),
        "",
        "cannot destroy 'zroot/a@s1': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\nzroot/c\n",
        1,
      );
      expect(
        zfs("destroy", "-r", "zroot/a"),
        "",
        "cannot destroy 'zroot/a': filesystem has dependent clones\nuse '-R' to destroy the following datasets:\nzroot/c\n",
        1,
      );
      expect(
        zfs("destroy", "-R", "-v", "zroot/a@s1"),
        "will destroy zroot/a@s1\nwill reclaim 0B\nwill destroy zroot/c\n",
      );
      expect(zfs("list", "-H", "-o", "name", "-t", "all", "-r", "zroot/a"), "zroot/a\nzroot/a/b\n");
      expect(zfs("destroy", "zroot/a@nope"), "", "could not find any snapshots to destroy; check snapshot names.\n", 1);
      expect(
        zfs("destroy", "zroot"),
        "",
        "cannot destroy 'zroot': operation does not apply to pools\nuse 'zfs destroy -r zroot' to destroy all datasets in the pool\nuse 'zpool destroy zroot' to destroy the pool itself\n",
        1,
      );
    });

    it("reports a busy dataset, which -f unmounts anyway", () => {
      editZfs((zs) => (zs.busy = ["zroot/a/b"]));
      expect(zfs("destroy", "zroot/a/b"), "", "cannot unmount '/zroot/a/b': pool or dataset is busy\n", 1);
      expect(zfs("destroy", "-f", "zroot/a/b"), "");
    });
  });

  describe("snapshot, rename, promote", () => {
    it("snapshots recursively and refuses existing names", () => {
      zfs("create", "zroot/s");
      zfs("create", "zroot/s/t");
      expect(zfs("snapshot", "-r", "-o", "org.example:why=backup", "zroot/s@daily"), "");
      expect(
        zfs("list", "-H", "-o", "name,org.example:why", "-t", "snapshot", "-r", "zroot/s"),
        "zroot/s@daily\tbackup\nzroot/s/t@daily\tbackup\n",
      );
      expect(
        zfs("snapshot", "zroot/s@daily"),
        "",
        "cannot create snapshot 'zroot/s@daily': dataset already exists\n",
        1,
      );
      expect(
        zfs("snapshot", "-o", "compression=off", "zroot/s@x"),
        "",
        "cannot create snapshots : this property can not be modified for snapshots\n",
        1,
      );
      const nope = zfs("snapshot", "zroot/nope@x");
      assert.equal(nope.code, 2);
      assert.ok(nope.err.startsWith("cannot open 'zroot/nope': dataset does not exist\nusage:\n\tsnapshot [-r]"));
    });

    it("renames datasets with their children, snapshots and files", () => {
      zfs("create", "zroot/old");
      zfs("create", "zroot/old/kid");
      zfs("snapshot", "zroot/old@s");
      const file = hostPath(dir, "/zroot/old/kid/file");
      writeFileSync(file, "data");
      expect(zfs("rename", "zroot/old", "zroot/new"), "");
      expect(
        zfs("list", "-H", "-o", "name,mountpoint", "-t", "all", "-r", "zroot/new"),
        "zroot/new\t/zroot/new\nzroot/new@s\t-\nzroot/new/kid\t/zroot/new/kid\n",
      );
      assert.equal(readFileSync(hostPath(dir, "/zroot/new/kid/file"), "utf8"), "data");
      expect(zfs("rename", "zroot/new@s", "t"), "");
      expect(zfs("list", "-H", "-o", "name", "-t", "snapshot", "zroot/new"), "zroot/new@t\n");
      expect(zfs("rename", "zroot/new", "zroot/x/y"), "", "cannot create 'zroot/x/y': parent does not exist\n", 1);
      expect(zfs("rename", "-p", "zroot/new", "zroot/x/y"), "");
      expect(zfs("rename", "zroot/x/y", "zroot/home"), "", "cannot rename 'zroot/x/y': dataset already exists\n", 1);
      expect(
        zfs("rename", "zroot/x/y", "zroot/x/y/z"),
        "",
        "cannot rename to 'zroot/x/y/z': New dataset name cannot be a descendant of current dataset name\n",
        1,
      );
    });

    it("promotes a clone, moving the origin snapshot to it", () => {
      zfs("create", "zroot/base");
      zfs("snapshot", "zroot/base@v1");
      zfs("clone", "zroot/base@v1", "zroot/fork");
      expect(zfs("promote", "zroot/base"), "", "cannot promote 'zroot/base': not a cloned filesystem\n", 1);
      expect(zfs("promote", "zroot/fork"), "");
      expect(
        get("origin", "zroot/base", "zroot/fork"),
        "zroot/base\torigin\tzroot/fork@v1\t-\nzroot/fork\torigin\t-\t-\n",
      );
    });
  });

  describe("program", () => {
    it("rejects every channel program as a module without the ioctl does", () => {
      const script = path.join(dir, "x.lua");
      writeFileSync(script, "return 1");
      expect(
        zfs("program", "-n", "-j", "zroot", script),
        "",
        "Channel program execution failed: the loaded zfs module does not support this operation. A reboot may be required to enable this operation.\n",
        1,
      );
      expect(
        zfs("program", "zroot", "/nonexistent.lua"),
        "",
        "cannot open '/nonexistent.lua': No such file or directory\n",
        1,
      );
      expect(zfs("program", "tank", script), "", "cannot open 'tank': no such pool\ncannot open pool 'tank'\n", 1);
    });
  });
});
