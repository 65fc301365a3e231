// The connection (private key included) is a secret everywhere Pulumi writes it: exported state, the state
// files on disk with their backups and history, and `preview --diff` output.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { execa } from "execa";
import { zfs, type ConnectionArgs } from "../../sdk";
import { startSandbox, type Sandbox, type SandboxHost } from "../../sandbox";
import { newStack, type TestStack, tearDown } from "../support/engine";

function program(connection: ConnectionArgs, compression: string) {
  return async () => {
    const ds = new zfs.Dataset("secret-test", { connection, name: "zroot/secret-test", properties: { compression } });
    return { guid: ds.guid };
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe("engine: the connection stays secret", () => {
  let sandbox: Sandbox;
  let box: SandboxHost;
  let t: TestStack;
  let keyLines: string[];

  before(async () => {
    sandbox = await startSandbox({ hosts: 1 });
    box = sandbox.hosts[0]!;
    // Every base64 line of the key: none may appear anywhere.
    keyLines = box.connection.privateKey.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
    t = await newStack("secrets", program(box.connection, "lz4"));
  });
  after(async () => {
    await tearDown(t, sandbox);
  });

  it("keeps the private key out of state, state files and preview --diff", async () => {
    await t.stack.up();
    t.stack.workspace.program = program(box.connection, "zstd");
    const preview = await t.stack.preview({ diff: true });
    assert.match(preview.stdout, /compression/);

    // The Automation API's exportStack() shows secrets; ask the CLI as a user would.
    const exported = await execa("pulumi", ["stack", "export", "--stack", "dev"], {
      cwd: t.workDir,
      env: {
        PULUMI_BACKEND_URL: `file://${path.join(t.workDir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "pulumi-freebsd-sandbox",
      },
    });
    assert.match(
      exported.stdout,
      /"connection": \{\s*"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"/,
    );

    const texts: Array<[string, string]> = [
      ["pulumi stack export", exported.stdout],
      ["preview --diff", preview.stdout],
      ...filesUnder(path.join(t.workDir, "state")).map((f): [string, string] => [f, readFileSync(f, "utf8")]),
    ];
    assert.ok(texts.length > 2);
    for (const [where, text] of texts) {
      for (const line of keyLines) assert.ok(!text.includes(line), `private key material in ${where}`);
    }
  });
});
