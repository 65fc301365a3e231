// The runtime pattern through the real engine: CRUD, drift, and the upgrade story of DESIGN.md.
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { local } from "../../sdk";
import { REPO_ROOT, exportedResources, installPackage, newStack, type TestStack } from "../support/engine";

function fileProgram(target: string, content: string) {
  return async () => {
    const file = new local.File("greeting", { path: target, content, mode: "0640" });
    return { sha256: file.sha256 };
  };
}

describe("engine: the runtime pattern with local.File", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "pf-file-"));
  const target = path.join(dir, "greeting.txt");
  let t: TestStack;

  before(async () => {
    t = await newStack("runtime-pattern", fileProgram(target, "hello\n"));
  });
  after(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("up creates the file", async () => {
    const result = await t.stack.up();
    assert.deepEqual(result.summary.resourceChanges, { create: 2 });
    assert.equal(readFileSync(target, "utf8"), "hello\n");
  });

  it("a second up reports no changes", async () => {
    const result = await t.stack.up();
    assert.deepEqual(result.summary.resourceChanges, { same: 2 });
  });

  it("a preview after changing one input reports exactly one update", async () => {
    t.stack.workspace.program = fileProgram(target, "hello, world\n");
    const preview = await t.stack.preview();
    assert.deepEqual(preview.changeSummary, { same: 1, update: 1 });
    t.stack.workspace.program = fileProgram(target, "hello\n");
  });

  it("refresh finds a change made outside Pulumi, and up repairs it", async () => {
    writeFileSync(target, "tampered\n");
    const refresh = await t.stack.refresh();
    assert.deepEqual(refresh.summary.resourceChanges, { same: 1, update: 1 });
    const [file] = await exportedResources(t.stack);
    assert.equal((file.outputs as Record<string, unknown>).content, "tampered\n");
    const up = await t.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 1, update: 1 });
    assert.equal(readFileSync(target, "utf8"), "hello\n");
  });

  it("state holds a __provider that names the runtime and no implementation", async () => {
    const [file] = await exportedResources(t.stack);
    const provider = String((file.outputs as Record<string, unknown>).__provider);
    assert.match(provider, /require\("pulumi-freebsd\/runtime"\)\.create\(kind, inputs\)/);
    assert.match(provider, /"local:File"/);
    // None of the implementation travels in state: no fs calls, no zod, no hashing.
    for (const word of ["writeFile", "rename", "zod", "createHash", "sha256("]) {
      assert.ok(!provider.includes(word), `__provider unexpectedly contains ${word}:\n${provider}`);
    }
    assert.ok(provider.length < 2500, `__provider is ${provider.length} characters:\n${provider}`);
  });

  it("destroy removes the file", async () => {
    const result = await t.stack.destroy();
    assert.deepEqual(result.summary.resourceChanges, { delete: 2 });
    assert.equal(existsSync(target), false);
  });
});

/**
 * A copy of this package whose local:File implementation leaves a trace of each read and delete: "a new version
 * of the library". Only code changes, not the serialized provider.
 */
function upgradedPackage(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "pf-upgraded-"));
  cpSync(path.join(REPO_ROOT, "package.json"), path.join(dir, "package.json"));
  cpSync(path.join(REPO_ROOT, "dist", "provider"), path.join(dir, "dist", "provider"), { recursive: true });
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
  const impl = path.join(dir, "dist", "provider", "local", "file.js");
  const before = readFileSync(impl, "utf8");
  const after = before
    .replace(
      "async read(id, props) {",
      'async read(id, props) { require("node:fs").writeFileSync(id + ".v2-read", "");',
    )
    .replace("async delete(id) {", 'async delete(id) { require("node:fs").writeFileSync(id + ".v2-delete", "");');
  assert.notEqual(after, before, "the upgrade patch did not apply");
  assert.equal(after.split(".v2-").length, 3, "the upgrade patch must touch read and delete");
  writeFileSync(impl, after);
  return dir;
}

describe("engine: upgrading the library changes no state and runs the new code", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "pf-upgrade-"));
  const target = path.join(dir, "motd");
  let t: TestStack;
  let upgraded: string;

  before(async () => {
    t = await newStack("upgrade", fileProgram(target, "welcome\n"));
    upgraded = upgradedPackage();
  });
  after(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
    rmSync(upgraded, { recursive: true, force: true });
  });

  it("after an upgrade, preview shows no change, and refresh and destroy run the new code", async () => {
    await t.stack.up();
    installPackage(t.workDir, upgraded);

    const preview = await t.stack.preview({ diff: true });
    assert.deepEqual(preview.changeSummary, { same: 2 });
    assert.doesNotMatch(preview.stdout, /__provider/);

    await t.stack.refresh();
    assert.ok(existsSync(`${target}.v2-read`), "refresh did not run the upgraded read");

    await t.stack.destroy();
    assert.ok(existsSync(`${target}.v2-delete`), "destroy did not run the upgraded delete");
    assert.equal(existsSync(target), false);
  });
});
