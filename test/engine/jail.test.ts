// jail.Jail and jail.Exec through the real Pulumi CLI against a sandbox host: a second up changes nothing, a
// permission and the hostname change in place, a start-time change restarts without a replace, a jail stopped
// by hand is drift that up repairs, Exec runs again only when its triggers change, destroy leaves data alone.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { jail, type ConnectionArgs } from "../../sdk";
import type { JailArgs } from "../../sdk/jail";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { rootfsShell } from "../../sandbox/rootfs";
import { exportedResources, newStack, type TestStack, tearDown } from "../support/engine";
import { ssh } from "../support/sandbox";

type Options = Partial<JailArgs> & { trigger?: string };

function program(connection: ConnectionArgs, opts: Options) {
  return async () => {
    const { trigger = "v1", ...args } = opts;
    const web = new jail.Jail("web", {
      connection,
      name: "web",
      rootfs: { path: "/jails/web" },
      mounts: [{ path: "/srv/www", target: "/usr/local/www", readOnly: true }],
      ...args,
    });
    const hello = new jail.Exec("hello", {
      connection,
      jail: web.name,
      command: ["sh", "-c", 'echo "hello from $PF_SANDBOX_JAIL"; date +%s%N >> run-count'],
      triggers: [trigger],
    });
    return { jid: web.jid, state: web.state, config: web.config, hello: hello.stdout };
  };
}

describe("engine: jails on a sandbox host", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;
  let t: TestStack;
  let options: Options = {};

  const use = (opts: Options) => {
    options = opts;
    t.stack.workspace.program = program(box.connection, options);
  };
  const sh = (command: string) => {
    const r = ssh(box, command);
    assert.equal(r.code, 0, `${command}: ${r.stderr}`);
    return r.stdout;
  };
  const jid = () => Number(sh("jls -j web jid").trim());
  const outputs = async () => {
    const r = (await exportedResources(t.stack)).find((x) => String(x.urn).endsWith("::web"));
    return r!.outputs as Record<string, unknown>;
  };

  before(async () => {
    sandbox = await startSandbox({ hosts: 1, loginShell: rootfsShell() });
    box = sandbox.hosts[0]!;
    sh("mkdir -p /jails/web/dev /srv/www && echo data > /srv/www/index.html");
    t = await newStack("jail-engine", program(box.connection, options));
  });
  after(async () => {
    await tearDown(t, sandbox);
  });

  it("up creates and starts the jail, and runs the command in it", async () => {
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 3 });
    assert.equal(up.outputs.state!.value, "running");
    assert.equal(up.outputs.hello!.value, "hello from web\n");
    assert.match(sh("jls -N"), /^ web /m);
  });

  it("a second up changes nothing", async () => {
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 3 });
  });

  it("allow.raw_sockets and the hostname change on the running jail: an update, same jid", async () => {
    const before = jid();
    use({ allow: { rawSockets: true } });
    const preview = await t.stack.preview();
    assert.deepEqual(preview.changeSummary, { same: 2, update: 1 });
    let up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 2, update: 1 });
    use({ allow: { rawSockets: true }, hostname: "www.example.org" });
    up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 2, update: 1 });
    assert.equal(jid(), before);
    assert.equal(sh("jls -j web allow.raw_sockets host.hostname"), "true www.example.org\n");
  });

  it("a start-time change restarts the jail: an update, not a replace", async () => {
    const before = jid();
    use({ allow: { rawSockets: true }, hostname: "www.example.org", exec: { start: ["/bin/sh /etc/rc", "echo up"] } });
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 2, update: 1 });
    assert.ok(jid() > before);
  });

  it("a jail stopped by hand shows as drift on refresh, and up starts it", async () => {
    sh("service jail onestop web");
    const refresh = await t.stack.refresh();
    assert.deepEqual(refresh.summary.resourceChanges, { same: 2, update: 1 });
    assert.equal((await outputs()).state, "stopped");
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 2, update: 1 });
    assert.match(sh("jls -N"), /^ web /m);
  });

  it("the command runs again only when its triggers change", async () => {
    assert.equal(sh("wc -l < /jails/web/run-count").trim(), "1");
    use({ ...options, trigger: "v2" });
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 2, replace: 1 });
    assert.equal(sh("wc -l < /jails/web/run-count").trim(), "2");
  });

  it("destroy removes the jail and its config, and leaves the mounted data", async () => {
    const down = await t.stack.destroy();
    assert.deepEqual(down.summary.resourceChanges, { delete: 3 });
    assert.doesNotMatch(sh("jls -N"), /^ web /m);
    assert.equal(sh("ls /etc/jail.conf.d"), "");
    assert.equal(sh("cat /srv/www/index.html"), "data\n");
  });
});
