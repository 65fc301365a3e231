// The quickstart through the real Pulumi CLI against a sandbox host, as the Jails issue accepts it: a second up
// changes nothing; allow.raw_sockets and the hostname change in place (an update, never a replace); a jail
// stopped by hand is drift that up repairs; two vnet jails get distinct addresses on one bridge; removing the
// jail takes its config, epair, clone and rctl rules and leaves the data dataset alone.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { startOciSandbox, type OciSandbox } from "../../sandbox/oci";
import { quickstart, type QuickstartOptions } from "../../examples/quickstart/program";
import { newStack, type TestStack, tearDown } from "../support/engine";
import { ssh } from "../support/sandbox";

describe("engine: the quickstart on a sandbox host", () => {
  let sandbox: Sandbox;
  let registries: OciSandbox;
  let box: SandboxHost;
  let t: TestStack;

  const sh = (command: string, okCodes = [0]) => {
    const r = ssh(box, command);
    assert.ok(okCodes.includes(r.code ?? -1), `${command}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const use = (opts: QuickstartOptions) => {
    t.stack.workspace.program = quickstart(box.connection, opts);
  };
  /** The resources an up or preview changed, by operation, from the engine's own summary. */
  const changes = (summary: Record<string, number> | undefined) => {
    const { same: _same, ...rest } = summary ?? {};
    return rest;
  };

  before(async () => {
    sandbox = await startSandbox({ hosts: 1 });
    box = sandbox.hosts[0]!;
    registries = await startOciSandbox();
    registries.configureHost(box.dir);
    // What doctor asks of a fresh host, done as an operator would; RACCT is a boot-time tunable.
    sh("kldload if_bridge && kldload pf && sysrc pf_enable=YES >/dev/null");
    sh(`printf '%s\\n' 'nat-anchor "pulumi/*"' 'rdr-anchor "pulumi/*"' 'anchor "pulumi/*"' > /etc/pf.conf`);
    box.state.update((s) => {
      s.rctl = { enabled: true, rules: [] };
    });
    t = await newStack("quickstart", quickstart(box.connection));
  });
  after(async () => {
    await tearDown(t, sandbox, registries);
  });

  it("up builds the whole stack, and the jail runs on the image with its data mounted", async () => {
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 8 });
    assert.equal(up.outputs.webState!.value, "running");
    assert.match(sh("jls -j web path host.hostname"), /^\/zroot\/jails\/web web\.example\.org$/m);
    assert.match(sh("zfs get -H -o value origin zroot/jails/web"), /^zroot\/images\/freebsd-runtime@base$/m);
    assert.match(sh("rctl jail:web"), /^jail:web:maxproc:deny=200$/m);
    assert.match(sh("pfctl -a pulumi/lan-nat -s nat"), /rdr pass on em0 .* -> 10\.0\.0\.\d+ port 80/);
    sh("echo hello > /zroot/data/web/index.html");
  });

  it("a second up changes nothing", async () => {
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 8 });
  });

  it("allow.raw_sockets changes in place", async () => {
    use({ rawSockets: true });
    const preview = await t.stack.preview();
    assert.deepEqual(changes(preview.changeSummary), { update: 1 });
    const jidBefore = sh("jls -j web jid").trim();
    const up = await t.stack.up();
    assert.deepEqual(changes(up.summary.resourceChanges), { update: 1 });
    assert.equal(sh("jls -j web allow.raw_sockets").trim(), "true");
    assert.equal(sh("jls -j web jid").trim(), jidBefore, "a live change keeps the jail running");
  });

  it("the hostname changes with an update, not a replace", async () => {
    use({ rawSockets: true, hostname: "www.example.org" });
    const up = await t.stack.up();
    assert.deepEqual(changes(up.summary.resourceChanges), { update: 1 });
    assert.equal(sh("jls -j web host.hostname").trim(), "www.example.org");
  });

  it("a jail stopped by hand is drift that refresh shows and up repairs", async () => {
    sh("service jail onestop web >/dev/null 2>&1; jls -j web jid", [1]);
    const refresh = await t.stack.refresh();
    assert.deepEqual(changes(refresh.summary.resourceChanges), { update: 1 });
    const up = await t.stack.up();
    assert.deepEqual(changes(up.summary.resourceChanges), { update: 1 });
    assert.match(sh("jls -j web name"), /^web$/m);
  });

  it("two vnet jails share the bridge with distinct addresses", async () => {
    use({ rawSockets: true, hostname: "www.example.org", withApi: true });
    const up = await t.stack.up();
    assert.deepEqual(changes(up.summary.resourceChanges), { create: 1 });
    const web = String(up.outputs.webAddress!.value);
    const api = String(up.outputs.apiAddress!.value);
    assert.notEqual(web, api);
    for (const addr of [web, api]) assert.ok(addr.startsWith("10.0.0."), addr);
    assert.match(sh("ifconfig bridge0"), /member: weba /);
    assert.match(sh("ifconfig bridge0"), /member: apia /);
  });

  it("removing the jail takes its config, epair, clone and limits, and leaves the data alone", async () => {
    use({ withApi: true, withoutWeb: true });
    const up = await t.stack.up();
    assert.deepEqual(changes(up.summary.resourceChanges), { delete: 1 });
    sh("test ! -e /etc/jail.conf.d/web.conf");
    sh("jls -j web jid", [1]);
    assert.doesNotMatch(sh("ifconfig -l"), /\bweba\b/);
    assert.doesNotMatch(sh("zfs list -H -o name"), /^zroot\/jails\/web$/m);
    assert.doesNotMatch(sh("rctl"), /jail:web:/);
    assert.equal(sh("cat /zroot/data/web/index.html"), "hello\n");
  });

  it("destroy removes what the stack made", async () => {
    const result = await t.stack.destroy();
    assert.deepEqual(result.summary.resourceChanges, { delete: 8 });
    assert.doesNotMatch(sh("zfs list -H -o name"), /^zroot\/(data|images\/freebsd-runtime|jails\/api)$/m);
    sh("test ! -e /etc/jail.conf.d/api.conf");
    assert.doesNotMatch(sh("ifconfig -l"), /bridge0/);
  });
});
