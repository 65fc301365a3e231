// Parsers on real FreeBSD text: jail.conf(5) as jail(8) reads it, jls --libxo json, rctl, rc.d/jail.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { effectiveParams, JailConfError, parseJailConf, resolveJail } from "../../../provider/jail/parse";
import { parseJlsVerboseJson, parseRctlRules, serviceJailFailure } from "../../../provider/jail/output";

const resolve = (text: string, name: string) => effectiveParams(resolveJail(parseJailConf(text), name)!);

describe("jail.conf reader", () => {
  it("reads the example of jail.conf(5): wildcards, variables, comments, lists, bare and negated booleans", () => {
    const text = `# Typical static defaults:
# Use the rc scripts to start and stop jails.  Mount jail's /dev.
exec.start = "/bin/sh /etc/rc";
exec.stop = "/bin/sh /etc/rc.shutdown";
exec.clean;
mount.devfs;

# Dynamic wildcard parameter:
# Base the path off the jail name.
path = "/var/jail/$name";

# A typical jail.
foo {
	host.hostname = "foo.com";
	ip4.addr = 10.1.1.1, 10.1.1.2, 10.1.1.3;
}

/* This jail overrides the defaults defined above. */
bar {
	exec.start = '';
	exec.stop = '';
	path = /;
	mount.nodevfs;
	persist;	// Required because there are no processes
}
`;
    const foo = resolve(text, "foo");
    assert.deepEqual(foo.get("path"), ["/var/jail/foo"]);
    assert.deepEqual(foo.get("ip4.addr"), ["10.1.1.1", "10.1.1.2", "10.1.1.3"]);
    assert.deepEqual(foo.get("exec.start"), ["/bin/sh /etc/rc"]);
    assert.deepEqual(foo.get("mount.devfs"), ["true"]);
    const bar = resolve(text, "bar");
    assert.deepEqual(bar.get("exec.start"), [""]);
    assert.deepEqual(bar.get("path"), ["/"]);
    assert.deepEqual(bar.get("mount.devfs"), ["false"]);
    assert.deepEqual(bar.get("persist"), ["true"]);
    assert.equal(resolveJail(parseJailConf(text), "baz"), undefined);
  });

  it("reads the handbook's vnet recipe: variables, ${} inside strings, and += lists", () => {
    const text = `vnetjail {
  $id     = "154";
  $ip     = "192.168.1.\${id}/24";
  $gateway = "192.168.1.1";
  $bridge = "bridge0";
  $epair  = "epair\${id}";
  vnet;
  vnet.interface = "\${epair}b";
  exec.prestart  = "/sbin/ifconfig \${epair} create up";
  exec.prestart += "/sbin/ifconfig \${epair}a up descr jail:\${name}";
  exec.start    += "/sbin/ifconfig \${epair}b \${ip} up";
  exec.start    += "/sbin/route add default \${gateway}";
}`;
    const p = resolve(text, "vnetjail");
    assert.deepEqual(p.get("vnet.interface"), ["epair154b"]);
    assert.deepEqual(p.get("exec.prestart"), [
      "/sbin/ifconfig epair154 create up",
      "/sbin/ifconfig epair154a up descr jail:vnetjail",
    ]);
    assert.deepEqual(p.get("exec.start"), [
      "/sbin/ifconfig epair154b 192.168.1.154/24 up",
      "/sbin/route add default 192.168.1.1",
    ]);
    assert.equal(p.has("id"), false, "variables are not parameters");
  });

  it("decodes escapes as text2lval does, in double and single quotes, and leaves a $( alone", () => {
    const text = String.raw`j { a = "tab\there\x41\101\nend"; b = 'single \'quoted\' \$x'; c = "$(date)"; d = "one \
two"; e = unquoted\ word; }`;
    const p = resolve(text, "j");
    assert.deepEqual(p.get("a"), ["tab\thereAA\nend"]);
    assert.deepEqual(p.get("b"), ["single 'quoted' $x"]);
    assert.deepEqual(p.get("c"), ["$(date)"]);
    assert.deepEqual(p.get("d"), ["one two"]);
    assert.deepEqual(p.get("e"), ["unquoted word"]);
  });

  it("fails with the line it could not read", () => {
    assert.throws(
      () => parseJailConf("web {\n\tpath = /jails/web\n\tpersist;\n}\n", "/etc/jail.conf.d/web.conf"),
      (err: JailConfError) => {
        assert.ok(err instanceof JailConfError);
        assert.match(err.message, /^\/etc\/jail\.conf\.d\/web\.conf line 3: persist: syntax error/);
        return true;
      },
    );
    assert.throws(() => parseJailConf('web { path = "/x; }'), /line 1: unterminated string/);
    assert.throws(
      () => resolveJail(parseJailConf('web { path = "$nowhere"; }'), "web"),
      /variable "nowhere" not found/,
    );
  });
});

describe("jls, rctl and rc.d/jail output", () => {
  it("reads jls -v --libxo json", () => {
    const text =
      '{"__version": "2", "jail-information": {"jail": [' +
      '{"jid":1,"hostname":"classic","path":"/usr/local/jails/containers/classic","name":"classic","state":"ACTIVE","cpusetid":2,"ipv4_addrs": ["192.168.250.70"],"ipv6_addrs": []},' +
      '{"jid":7,"hostname":"db","path":"/tank/jails/db","name":"db","state":"DYING","cpusetid":9,"ipv4_addrs": [{"ipv4_addr": "10.0.0.11"}]}' +
      "]}}\n";
    assert.deepEqual(parseJlsVerboseJson(text), [
      {
        jid: 1,
        name: "classic",
        hostname: "classic",
        path: "/usr/local/jails/containers/classic",
        state: "ACTIVE",
        cpusetid: 2,
        ipv4: ["192.168.250.70"],
        ipv6: [],
      },
      {
        jid: 7,
        name: "db",
        hostname: "db",
        path: "/tank/jails/db",
        state: "DYING",
        cpusetid: 9,
        ipv4: ["10.0.0.11"],
        ipv6: [],
      },
    ]);
    assert.deepEqual(parseJlsVerboseJson('{"__version": "2", "jail-information": {"jail": []}}\n'), []);
    assert.throws(() => parseJlsVerboseJson("jls: not json"), /cannot read jls --libxo json output: "jls: not json"/);
  });

  it("reads rctl rule listings", () => {
    const text = "jail:web:memoryuse:deny=536870912\njail:web:pcpu:deny=50\nuser:1001:maxproc:deny=100/user\n";
    assert.deepEqual(parseRctlRules(text), [
      { subject: "jail", id: "web", resource: "memoryuse", action: "deny", amount: "536870912" },
      { subject: "jail", id: "web", resource: "pcpu", action: "deny", amount: "50" },
      { subject: "user", id: "1001", resource: "maxproc", action: "deny", amount: "100", per: "user" },
    ]);
    assert.throws(() => parseRctlRules("rctl: RACCT/RCTL present, but disabled\n"), /cannot read an rctl rule/);
  });

  it("finds the failure that rc.d/jail reports with exit status 0", () => {
    assert.equal(serviceJailFailure("Starting jails: web.\n"), undefined);
    const failed =
      'Starting jails: cannot start jail  "web": \njail: web: path /zroot/jails/web: No such file or directory\n.\n';
    assert.equal(
      serviceJailFailure(failed),
      'cannot start jail  "web": \njail: web: path /zroot/jails/web: No such file or directory',
    );
  });
});
