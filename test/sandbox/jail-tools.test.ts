// The simulated jail tools through real SSH: FreeBSD 14's output, errors and exit codes for jail(8), jls(8),
// jexec(8), rctl(8), mount(8) and rc.d/jail, as their sources print them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { rootfsShell } from "../../sandbox/rootfs";
import { ssh } from "../support/sandbox";

const HEADER = "   JID  IP Address      Hostname                      Path\n";

describe("simulated jail tools", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;
  const run = (command: string) => {
    const r = ssh(box, command);
    return { out: r.stdout, err: r.stderr, code: r.code };
  };

  before(async () => {
    sandbox = await startSandbox({ hosts: 1, loginShell: rootfsShell() });
    box = sandbox.hosts[0]!;
    const conf = [
      "web {",
      '  path = "/jails/web";',
      '  host.hostname = "web.example.org";',
      "  ip4.addr = 192.0.2.10, 192.0.2.11;",
      "  persist;",
      "  mount.devfs;",
      '  mount += "/srv/data /jails/web/data nullfs ro 0 0";',
      '  exec.start = "/bin/sh /etc/rc";',
      "}",
    ].join("\n");
    assert.equal(
      run(
        `mkdir -p /jails/web/dev /jails/web/data /srv/data /etc/jail.conf.d && cat > /etc/jail.conf.d/web.conf <<'EOF'\n${conf}\nEOF`,
      ).code,
      0,
    );
  });
  after(async () => {
    await sandbox?.stop();
  });

  it("jls with no jails prints only its header; -j of a missing jail fails", () => {
    assert.deepEqual(run("jls"), { out: HEADER, err: "", code: 0 });
    assert.deepEqual(run("jls -v --libxo json"), {
      out: '{"__version": "2", "jail-information": {"jail": []}}\n',
      err: "",
      code: 0,
    });
    assert.deepEqual(run("jls -j nope"), { out: "", err: 'jls: jail "nope" not found\n', code: 1 });
  });

  it("jail -c from a config file: created, mounted, and a second -c fails", () => {
    assert.deepEqual(run("jail -f /etc/jail.conf.d/web.conf -c web"), { out: "web: created\n", err: "", code: 0 });
    assert.deepEqual(run("jail -f /etc/jail.conf.d/web.conf -c web"), {
      out: "",
      err: 'jail: "web" already exists\n',
      code: 1,
    });
    assert.match(
      run("mount").out,
      /^\/srv\/data on \/jails\/web\/data \(nullfs, local, read-only\)\ndevfs on \/jails\/web\/dev \(devfs\)\n$/m,
    );
  });

  it("jls: the table, -N, -v, --libxo json, named parameters and -n", () => {
    assert.equal(run("jls").out, `${HEADER}     1  192.0.2.10      web.example.org               /jails/web\n`);
    assert.equal(
      run("jls -v").out,
      "   JID  Hostname                      Path\n        Name                          State\n        CPUSetID\n" +
        "        IP Address(es)\n     1  web.example.org               /jails/web\n        web                           ACTIVE\n" +
        "        2\n        192.0.2.10\n        192.0.2.11\n",
    );
    assert.equal(
      run("jls --libxo json").out,
      '{"__version": "2", "jail-information": {"jail": [{"jid":1,"ipv4":"192.0.2.10","hostname":"web.example.org","path":"/jails/web"}]}}\n',
    );
    assert.equal(
      run("jls -v --libxo json").out,
      '{"__version": "2", "jail-information": {"jail": [{"jid":1,"hostname":"web.example.org","path":"/jails/web","name":"web",' +
        '"state":"ACTIVE","cpusetid":2,"ipv4_addrs": ["192.0.2.10", "192.0.2.11"],"ipv6_addrs": []}]}}\n',
    );
    assert.equal(run("jls -j web jid name ip4.addr").out, "1 web 192.0.2.10,192.0.2.11\n");
    assert.equal(
      run("jls -j web --libxo json jid ip4.addr").out,
      '{"__version": "2", "jail-information": {"jail": [{"jid":"1","ip4.addr": ["192.0.2.10", "192.0.2.11"]}]}}\n',
    );
    const nameval = run("jls -n -j web").out.trim().split(" ");
    for (const word of [
      "allow.noraw_sockets",
      "allow.set_hostname",
      "host.hostname=web.example.org",
      "ip4=new",
      "persist",
      "vnet=inherit",
    ]) {
      assert.ok(nameval.includes(word), `${word} in ${nameval.join(" ")}`);
    }
  });

  it("jail -m: live parameters change, create-only ones are refused", () => {
    assert.deepEqual(run("jail -m name=web allow.raw_sockets=true"), { out: "web: updated\n", err: "", code: 0 });
    assert.equal(run("jls -j web allow.raw_sockets").out, "true\n");
    assert.deepEqual(run("jail -m name=web osrelease=13.2-RELEASE"), {
      out: "",
      err: "jail: web: osrelease cannot be changed after creation\n",
      code: 1,
    });
    assert.deepEqual(run("jail -m name=web nosuch=1"), {
      out: "",
      err: "jail: web: unknown parameter: nosuch\n",
      code: 1,
    });
  });

  it("jexec runs in the jail's root, passes the exit status, and knows missing jails", () => {
    assert.deepEqual(run("jexec web pwd"), { out: "/jails/web\n", err: "", code: 0 });
    assert.equal(run("jexec web sh -c 'exit 5'").code, 5);
    assert.deepEqual(run("jexec nope true"), { out: "", err: 'jexec: jail "nope" not found\n', code: 1 });
    assert.deepEqual(run("jexec web /no/such/program"), {
      out: "",
      err: "jexec: execvp: /no/such/program: No such file or directory\n",
      code: 1,
    });
  });

  it("rctl: refused while RACCT is off; rules added, listed, humanized and removed", async () => {
    const off = "rctl: RACCT/RCTL present, but disabled; enable using kern.racct.enable=1 tunable\n";
    assert.deepEqual(run("rctl"), { out: "", err: off, code: 1 });
    await box.state.update((s) => {
      s.rctl = { enabled: true, rules: [] };
    });
    assert.equal(run("rctl -a jail:web:memoryuse:deny=1G j:web:maxproc:deny=100").code, 0);
    assert.equal(run("rctl").out, "jail:web:memoryuse:deny=1073741824\njail:web:maxproc:deny=100\n");
    assert.equal(run("rctl -h jail:web:memoryuse").out, "jail:web:memoryuse:deny=1.0G\n");
    assert.equal(
      run("rctl -a jail:web:memoryuse:deny=2G && rctl jail:web:memoryuse").out,
      "jail:web:memoryuse:deny=2147483648\n",
    );
    assert.equal(run("rctl -r jail:web && rctl").out, "");
    assert.deepEqual(run("rctl -r jail:web"), {
      out: "",
      err: "rctl: failed to remove rule 'jail:web': No such process\n",
      code: 1,
    });
    assert.deepEqual(run("rctl -a jail:web:nosuch:deny=1"), {
      out: "",
      err: "rctl: failed to add rule 'jail:web:nosuch:deny=1': Invalid argument\n",
      code: 1,
    });
  });

  it("jail -r: removed, unmounted; a missing jail is not found", () => {
    assert.deepEqual(run("jail -f /etc/jail.conf.d/web.conf -r web"), { out: "web: removed\n", err: "", code: 0 });
    assert.doesNotMatch(run("mount").out, /jails\/web/);
    assert.deepEqual(run("jail -r web"), { out: "", err: 'jail: "web" not found\n', code: 1 });
  });

  it("rc.d/jail: onestart and onestop with their messages; start needs jail_enable; failures exit 0", () => {
    assert.deepEqual(run("service jail onestart web"), { out: "Starting jails: web.\n", err: "", code: 0 });
    assert.equal(run("cat /var/run/jail_web.id").out, "2\n");
    assert.deepEqual(run("service jail start web"), {
      out: "Cannot 'start' jail. Set jail_enable to YES in /etc/rc.conf or use 'onestart' instead of 'start'.\n",
      err: "",
      code: 0,
    });
    assert.deepEqual(run("service jail onestop web"), { out: "Stopping jails: web.\n", err: "", code: 0 });
    assert.equal(
      run("rm /jails/web/dev -r && service jail onestart web").out,
      'Starting jails: cannot start jail  "web": \njail: web: mount.devfs: /jails/web/dev: No such file or directory\n.\n',
    );
    assert.match(
      run("service jail onestart nosuch").err,
      /WARNING: Invalid configuration for nosuch \(no jail\.conf, no hostname, or no path\)\.  Jail nosuch was ignored\./,
    );
  });

  it("jail -c with parameters on the command line, and its path check", () => {
    assert.deepEqual(run("jail -c name=x path=/nonexistent persist"), {
      out: "",
      err: "jail: x: path /nonexistent: No such file or directory\n",
      code: 1,
    });
    assert.deepEqual(run("jail -c name=tmp path=/ persist && jls -j tmp name && jail -r tmp"), {
      out: "tmp: created\ntmp\n",
      err: "",
      code: 0,
    });
  });
});
