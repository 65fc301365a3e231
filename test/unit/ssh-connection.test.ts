import assert from "node:assert/strict";
import { statSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { checkWith } from "../../provider/check";
import { connectionKey, connectionSchema } from "../../provider/ssh/connection";
import { pinnedKnownHosts, sshInvocation } from "../../provider/ssh/options";
import { z } from "zod";

const KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-not-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n";
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOaXKL9V2/ZBhGx8nKRSFXmdkvG2kBVLLGRGd/7kjcLq root@fbsd";

describe("connection", () => {
  it("reports every invalid field at once, named by property", () => {
    const schema = z.object({ connection: connectionSchema });
    const { failures } = checkWith(schema, {
      connection: { host: "", port: 70000, become: "su", hostKey: "not a key", maxSessions: 0 },
    });
    const props = failures.map((f) => f.property).sort();
    assert.deepEqual(props, [
      "connection.become",
      "connection.host",
      "connection.hostKey",
      "connection.maxSessions",
      "connection.port",
    ]);
  });

  it("refuses hostKey and knownHosts together", () => {
    const r = connectionSchema.safeParse({ host: "h", hostKey: HOST_KEY, knownHosts: `h ${HOST_KEY}` });
    assert.equal(r.success, false);
    assert.match(String(r.error), /Only one of \[hostKey\] and \[knownHosts\] can be set/);
  });

  it("keys connections by everything that changes how we connect, secrets hashed", () => {
    const a = connectionKey({ host: "h", privateKey: KEY });
    assert.equal(a, connectionKey({ host: "h", port: 22, user: "root", privateKey: KEY }));
    assert.notEqual(a, connectionKey({ host: "h", privateKey: KEY, port: 2222 }));
    assert.ok(!a.includes("PRIVATE"));
  });
});

describe("ssh options", () => {
  it("puts secrets in 0600 files and only their paths in argv", () => {
    const inv = sshInvocation({
      host: "fbsd",
      privateKey: KEY,
      privateKeyPassword: "s3cret-passphrase",
      hostKey: HOST_KEY,
    });
    const argv = inv.options.join(" ");
    assert.ok(!argv.includes("not-a-real-key") && !argv.includes("s3cret-passphrase"), argv);
    const keyFile = inv.options[inv.options.indexOf("-i") + 1]!;
    assert.equal(readFileSync(keyFile, "utf8"), KEY);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(keyFile)).mode & 0o777, 0o700);
    assert.equal(inv.env.SSH_ASKPASS_REQUIRE, "force");
    assert.ok(!readFileSync(inv.env.SSH_ASKPASS!, "utf8").includes("s3cret-passphrase"));
    assert.ok(inv.options.includes("StrictHostKeyChecking=yes"));
    assert.ok(!argv.includes("StrictHostKeyChecking=no"));
  });

  it("pins host keys under an alias, so no other key is accepted for the host", () => {
    const inv = sshInvocation({ host: "10.0.0.5", port: 2222, hostKey: [HOST_KEY] });
    const file = inv.options.find((o) => o.startsWith("UserKnownHostsFile="))!.split("=")[1]!;
    assert.equal(readFileSync(file, "utf8"), `${pinnedKnownHosts(inv.hostKeyAlias!, [HOST_KEY])}\n`);
    assert.match(readFileSync(file, "utf8"), /^pulumi-freebsd-[0-9a-f]{16} ssh-ed25519 AAAA\S+\n$/);
    assert.ok(inv.options.includes("GlobalKnownHostsFile=/dev/null"));
  });

  it("reaches a guest through its host with a ProxyCommand built the same way", () => {
    const inv = sshInvocation({
      host: "10.0.0.20",
      hostKey: HOST_KEY,
      proxy: { host: "fbsd", privateKey: KEY, hostKey: HOST_KEY },
    });
    const proxy = inv.options.find((o) => o.startsWith("ProxyCommand="))!;
    assert.match(proxy, /^ProxyCommand=ssh .* -W %h:%p fbsd$/);
    assert.ok(!proxy.includes("not-a-real-key"));
  });
});
