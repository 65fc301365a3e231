// jail.Jail and jail.Exec through real SSH to a sandbox host: what the server ran, and what the host shows.
// The kinds are driven as the engine drives them: check, then create, or diff and update, read, delete.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { rootfsShell } from "../../sandbox/rootfs";
import { toolNames } from "../../sandbox/tools/main";
import { closeAllHosts, hostFor, transportCounters, type Host } from "../../provider/ssh";
import * as runtime from "../../provider/runtime";
import { PartialCreateError } from "../../provider/resource";
import { renderJailConf } from "../../provider/jail/render";
import { jailSpec, type JailInputs } from "../../provider/jail/schema";

type Props = Record<string, unknown>;

/** One resource's life as the engine would drive it. */
class Managed {
  id = "";
  outs: Props = {};
  /** `base` is read when the resource is first used: the sandbox starts after the tests are declared. */
  constructor(
    readonly kind: string,
    private readonly baseArgs: () => Props,
  ) {}

  get base(): Props {
    return this.baseArgs();
  }

  async up(args: Props = {}): Promise<{ replaced: boolean; changed: boolean }> {
    const { inputs, failures } = await runtime.check(this.kind, this.outs, { ...this.base, ...args });
    assert.deepEqual(failures, []);
    if (this.id === "") {
      const created = await runtime.create(this.kind, inputs);
      [this.id, this.outs] = [created.id, created.outs];
      return { replaced: false, changed: true };
    }
    const diff = await runtime.diff(this.kind, this.id, this.outs, inputs);
    if (!diff.changes) return { replaced: false, changed: false };
    assert.deepEqual(diff.replaces ?? [], [], "expected an update, not a replace");
    this.outs = (await runtime.update(this.kind, this.id, this.outs, inputs)).outs;
    return { replaced: false, changed: true };
  }

  async refresh(): Promise<void> {
    const r = await runtime.read(this.kind, this.id, this.outs);
    [this.id, this.outs] = [r.id, r.props];
  }

  async destroy(): Promise<void> {
    await runtime.remove(this.kind, this.id, this.outs);
    this.id = "";
    this.outs = {};
  }
}

describe("jail.Jail and jail.Exec on a sandbox host", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;
  let host: Host;
  const sh = async (script: string) => (await host.script(script, { okExitCodes: [0, 1] })).stdout;
  /** The commands the server received while `fn` ran. */
  const logged = async (fn: () => Promise<unknown>) => {
    const from = box.commandLog().length;
    await fn();
    return box.commandLog().slice(from);
  };
  const jail = (name: string, extra: Props = {}) =>
    new Managed("jail:Jail", () => ({
      owner: `test/dev/Jail/${name}`,
      connection: box.connection,
      name,
      hostname: `${name}.example.org`,
      rootfs: { path: `/jails/${name}` },
      ...extra,
    }));

  before(async () => {
    sandbox = await startSandbox({ hosts: 1, loginShell: rootfsShell() });
    box = sandbox.hosts[0]!;
    host = hostFor(box.connection);
    // What an extracted FreeBSD userland provides, and data owned by someone else.
    await sh("mkdir -p /jails/web/dev /srv/www && echo hello > /srv/www/index.html");
  });
  after(async () => {
    closeAllHosts();
    await sandbox?.stop();
  });

  const web = jail("web", { mounts: [{ path: "/srv/www", target: "/usr/local/www", readOnly: true }] });

  it("creates the config file and starts the jail with rc.d/jail", async () => {
    const log = await logged(() => web.up());
    assert.ok(
      log.some((c) => c.includes("service jail onestart web")),
      log.join("\n"),
    );
    assert.equal(web.outs.state, "running");
    assert.equal(typeof web.outs.jid, "number");
    assert.equal(web.outs.path, "/jails/web");
    const file = await sh("cat /etc/jail.conf.d/web.conf");
    assert.equal(file, web.outs.config);
    assert.equal(file, renderJailConf(jailSpec(web.outs as unknown as JailInputs, {})));
    assert.match(await sh("jls -N"), /^ web +web\.example\.org +\/jails\/web$/m);
    assert.match(await sh("mount"), /^\/srv\/www on \/jails\/web\/usr\/local\/www \(nullfs, local, read-only\)$/m);
  });

  it("a second up changes nothing", async () => {
    const log = await logged(() => web.up());
    assert.deepEqual(await web.up(), { replaced: false, changed: false });
    assert.equal(log.length, 0, log.join("\n"));
  });

  it("changes a permission and the hostname on the running jail with jail -m", async () => {
    const jid = web.outs.jid;
    const log = await logged(() => web.up({ hostname: "www.example.org", allow: { rawSockets: true } }));
    assert.ok(
      log.some((c) => c.includes("jail -m name=web allow.raw_sockets=true host.hostname=www.example.org")),
      log.join("\n"),
    );
    assert.ok(!log.some((c) => c.includes("onestop")), "no restart");
    assert.equal(web.outs.jid, jid);
    assert.equal(await sh("jls -j web allow.raw_sockets host.hostname"), "true www.example.org\n");
  });

  it("restarts the jail for a start-time change: an update, not a replace", async () => {
    const jid = web.outs.jid as number;
    const log = await logged(() =>
      web.up({
        hostname: "www.example.org",
        allow: { rawSockets: true },
        exec: { start: ["/bin/sh /etc/rc", "echo 'it''s up' $(date +%Y)"] },
      }),
    );
    assert.ok(
      log.findIndex((c) => c.includes("onestop")) < log.findIndex((c) => c.includes("onestart")),
      log.join("\n"),
    );
    assert.ok((web.outs.jid as number) > jid);
    assert.equal(web.outs.state, "running");
  });

  it("a jail stopped behind Pulumi's back is drift, and the next up starts it", async () => {
    const args = {
      hostname: "www.example.org",
      allow: { rawSockets: true },
      exec: { start: ["/bin/sh /etc/rc", "echo 'it''s up' $(date +%Y)"] },
    };
    await sh("service jail onestop web");
    await web.refresh();
    assert.equal(web.outs.state, "stopped");
    assert.equal(web.outs.jid, null);
    const log = await logged(() => web.up(args));
    assert.ok(log.some((c) => c.includes("onestart web")));
    assert.equal(web.outs.state, "running");
    assert.match(await sh("jls -j web name"), /^web$/m);
  });

  it("a config edited by hand is drift: up writes it back and resets what changed live", async () => {
    const args = {
      hostname: "www.example.org",
      allow: { rawSockets: true },
      exec: { start: ["/bin/sh /etc/rc", "echo 'it''s up' $(date +%Y)"] },
    };
    const expected = web.outs.config as string;
    await sh(
      "sed -i 's/allow.raw_sockets;/allow.raw_sockets;\\n\\tallow.mlock;/' /etc/jail.conf.d/web.conf && jail -m name=web allow.mlock=true",
    );
    await web.refresh();
    assert.notEqual(web.outs.config, expected);
    const log = await logged(() => web.up(args));
    assert.ok(
      log.some((c) => c.includes("jail -m name=web allow.mlock=false")),
      log.join("\n"),
    );
    assert.equal(await sh("cat /etc/jail.conf.d/web.conf"), expected);
    assert.equal(await sh("jls -j web allow.mlock"), "false\n");
  });

  it("applies rctl limits and boot settings, and owns only its own jail_list entry", async () => {
    await box.state.update((s) => {
      s.rctl = { enabled: true, rules: [] };
    });
    await sh("sysrc jail_list=other");
    const args = {
      hostname: "www.example.org",
      allow: { rawSockets: true },
      exec: { start: ["/bin/sh /etc/rc", "echo 'it''s up' $(date +%Y)"] },
    };
    await web.up({ ...args, limits: { memoryuse: "512M", maxproc: 100 }, startAtBoot: true });
    assert.equal(await sh("rctl jail:web"), "jail:web:maxproc:deny=100\njail:web:memoryuse:deny=536870912\n");
    assert.deepEqual(web.outs.limits, { maxproc: "100", memoryuse: "536870912" });
    assert.equal(await sh("sysrc -n jail_enable jail_list"), "YES\nother web\n");
    await sh("rctl -r jail:web:maxproc");
    await web.refresh();
    assert.deepEqual(web.outs.limits, { memoryuse: "536870912" }, "a rule removed by hand is drift");
    await web.up({ ...args, limits: { memoryuse: "1G" }, startAtBoot: false });
    assert.equal(await sh("rctl jail:web"), "jail:web:memoryuse:deny=1073741824\n");
    assert.equal(await sh("sysrc -n jail_list"), "other\n");
  });

  it("runs a command in the jail with jail.Exec; secrets stay out of the command line", async () => {
    const exec = new Managed("jail:Exec", () => ({
      owner: "test/dev/Exec/hello",
      connection: box.connection,
      jail: "web",
      command: `echo "in $(pwd) as $PF_SANDBOX_JAIL: $GREETING"`,
      environment: { GREETING: "s3cr3t-value" },
    }));
    const log = await logged(() => exec.up());
    assert.equal(exec.outs.stdout, "in /jails/web as web: s3cr3t-value\n");
    assert.ok(log.every((c) => !c.includes("s3cr3t-value")));
    assert.ok(log.some((c) => c.includes("jexec -l web /bin/sh -s")));
    assert.deepEqual(await exec.up(), { replaced: false, changed: false });
    const failing = new Managed("jail:Exec", () => ({
      ...exec.base,
      owner: "test/dev/Exec/bad",
      command: "echo oops >&2; exit 3",
      environment: {},
    }));
    await assert.rejects(failing.up(), /the command in jail web failed \(exit 3\):\noops/);
  });

  it("deletes the jail, its file, rules and boot entry, and leaves the mounted data alone", async () => {
    await web.destroy();
    assert.equal(await sh("jls -N"), ` ${"JID".padEnd(15)} ${"IP Address".padEnd(15)} ${"Hostname".padEnd(29)} Path\n`);
    assert.equal(await sh("ls /etc/jail.conf.d"), "");
    assert.equal(await sh("rctl jail:web"), "");
    assert.equal(await sh("cat /srv/www/index.html"), "hello\n");
    assert.doesNotMatch(await sh("mount"), /\/jails\/web/);
    await runtime.remove("jail:Jail", "gone", {
      ...web.base,
      ...{ name: "web", owner: "test/dev/Jail/web", rootfs: { kind: "path", path: "/jails/web" } },
    });
  });

  it("a jail that does not start is a partial create that carries its id, and delete cleans it up", async () => {
    await sh("mkdir -p /jails/bad/dev");
    const bad = jail("bad", { exec: { start: "echo starting; exit 7" } });
    const err = await bad.up().catch((e: unknown) => e);
    assert.ok(err instanceof PartialCreateError, String(err));
    assert.equal(err.id, `${box.connection.host}:${box.connection.port}/bad`);
    assert.match(
      err.message,
      /cannot start jail {2}"bad": \n\d+\nstarting\njail: bad: \/bin\/sh -c echo starting; exit 7: failed\n/,
    );
    await runtime.remove("jail:Jail", err.id, err.properties);
    assert.equal(await sh("ls /etc/jail.conf.d"), "");
  });

  it("refuses a config file it did not write, naming [adopt]", async () => {
    await sh(
      "mkdir -p /jails/taken/dev && printf 'taken { path = /jails/taken; persist; }\\n' > /etc/jail.conf.d/taken.conf",
    );
    await assert.rejects(
      jail("taken").up(),
      /\/etc\/jail\.conf\.d\/taken\.conf exists on root@127\.0\.0\.1:\d+, not made by pulumi-freebsd; set \[adopt\]/,
    );
    const adopted = jail("taken", { adopt: true });
    await adopted.up();
    assert.match(
      await sh("head -1 /etc/jail.conf.d/taken.conf"),
      /Managed by pulumi-freebsd for "test\/dev\/Jail\/taken"/,
    );
    await adopted.destroy();
  });

  it("20 jails on one host: a refresh costs one jls, in one round trip", async () => {
    const names = Array.from({ length: 20 }, (_, i) => `j${i}`);
    await sh(names.map((n) => `mkdir -p /jails/${n}/dev`).join(" && "));
    const jails = names.map((n) => jail(n));
    await Promise.all(jails.map((j) => j.up()));
    transportCounters.reset();
    const log = await logged(() => Promise.all(jails.map((j) => j.refresh())));
    assert.equal(transportCounters.commandsRun, 1);
    assert.equal(log.filter((c) => /\bjls\b/.test(c)).length, 1, log.join("\n"));
    assert.ok(jails.every((j) => j.outs.state === "running"));
    await Promise.all(jails.map((j) => j.destroy()));
    assert.equal(await sh("jls -N | wc -l"), "1\n");
  });

  it(
    "addresses on a host interface: aliases while the jail runs, gone when it stops",
    { skip: !toolNames().includes("ifconfig") && "the sandbox has no ifconfig yet" },
    async () => {
      await sh("mkdir -p /jails/ipj/dev");
      // An alias in em0's own subnet takes no prefix: jail(8) then adds it with a /32 netmask, as FreeBSD
      // refuses a second address with the subnet's prefix (SIOCAIFADDR: File exists).
      const j = jail("ipj", { ip4: ["192.0.2.50"], interface: "em0" });
      await j.up();
      assert.deepEqual(j.outs.ip4Addresses, ["192.0.2.50"]);
      assert.match(await sh("jls -j ipj ip4.addr"), /^192\.0\.2\.50$/m);
      assert.match(await sh("ifconfig em0"), /inet 192\.0\.2\.50 netmask 0xffffffff/);
      await j.destroy();
      assert.doesNotMatch(await sh("ifconfig em0"), /192\.0\.2\.50/);
    },
  );

  it(
    "two vnet jails on one bridge, each with its own address; their epairs go with them",
    { skip: !toolNames().includes("ifconfig") && "the sandbox has no ifconfig yet" },
    async () => {
      await sh(
        "mkdir -p /jails/va/dev /jails/vb/dev && ifconfig bridge0 create && ifconfig bridge0 inet 10.0.0.1/24 up",
      );
      const a = jail("va", { vnet: { bridge: "bridge0", address: "10.0.0.10/24", gateway: "10.0.0.1" } });
      const b = jail("vb", { vnet: { bridge: "bridge0", address: "10.0.0.11/24", gateway: "10.0.0.1" } });
      await a.up();
      await b.up();
      assert.deepEqual(a.outs.ip4Addresses, ["10.0.0.10"]);
      assert.match(await sh("jexec va ifconfig vab"), /inet 10\.0\.0\.10 netmask 0xffffff00/);
      assert.match(await sh("jexec vb ifconfig vbb"), /inet 10\.0\.0\.11 netmask 0xffffff00/);
      assert.match(await sh("ifconfig bridge0"), /member: vaa[\s\S]*member: vba/);
      await a.destroy();
      await b.destroy();
      assert.equal(await sh("ifconfig -l"), "em0 lo0 bridge0\n");
    },
  );

  it(
    "clones its root from a snapshot and destroys only that clone",
    { skip: !toolNames().includes("zfs") && "the sandbox has no zfs yet" },
    async () => {
      await sh(
        "zfs create -p zroot/images/base && mkdir -p /zroot/images/base/dev && zfs snapshot zroot/images/base@v1 && zfs create zroot/data",
      );
      // The sandbox's zfs clone does not copy its origin's files yet: no /dev in it to mount devfs on.
      const cloned = jail("db", {
        rootfs: { snapshot: "zroot/images/base@v1" },
        mountDevfs: false,
        mounts: [{ dataset: "zroot/data", target: "/var/db" }],
      });
      await cloned.up();
      assert.equal(cloned.outs.path, "/zroot/jails/db");
      assert.match(await sh("zfs get -H -o value pulumi-freebsd:owner zroot/jails/db"), /^test\/dev\/Jail\/db$/m);
      await cloned.destroy();
      assert.match(await sh("zfs list -H -o name"), /^zroot\/data$/m);
      assert.doesNotMatch(await sh("zfs list -H -o name"), /zroot\/jails\/db/);
    },
  );
});
