// Engine tests drive the real Pulumi CLI through the Automation API, with a file backend per test.
// Programs run inline: the Automation API serves them to the engine itself (`pulumi up --client=…`).
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LocalWorkspace, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface TestStack {
  stack: Stack;
  /** The stack's work directory: the engine starts dynamic providers here. */
  workDir: string;
  /** Destroys what is left and removes the stack and its files. */
  cleanup(): Promise<void>;
}

export interface StackOptions {
  /**
   * The `pulumi-freebsd` that dynamic providers load (a directory holding its package.json); the repo by
   * default. The upgrade test points this at a modified copy.
   */
  packageDir?: string;
  config?: Record<string, string>;
}

/** A fresh project directory whose node_modules resolve like an installed user project. */
export function makeProjectDir(packageDir: string = REPO_ROOT): string {
  const dir = mkdtempSync(path.join(tmpdir(), "pf-engine-"));
  mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
  symlinkSync(packageDir, path.join(dir, "node_modules", "pulumi-freebsd"));
  symlinkSync(
    path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"),
    path.join(dir, "node_modules", "@pulumi", "pulumi"),
  );
  mkdirSync(path.join(dir, "state"));
  return dir;
}

/** Points an existing project directory's `pulumi-freebsd` at another copy (an upgrade, as npm would do). */
export function installPackage(workDir: string, packageDir: string): void {
  const link = path.join(workDir, "node_modules", "pulumi-freebsd");
  rmSync(link, { force: true });
  symlinkSync(packageDir, link);
}

/**
 * A stack in a fresh project directory, which also becomes the process's working directory until cleanup:
 * with inline programs the engine starts dynamic providers in the program's working directory, and that is
 * where `require("pulumi-freebsd/runtime")` resolves, as in a user's project.
 */
export async function newStack(name: string, program: PulumiFn, opts: StackOptions = {}): Promise<TestStack> {
  const workDir = makeProjectDir(opts.packageDir);
  const previousCwd = process.cwd();
  process.chdir(workDir);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "test", projectName: name, program },
    {
      workDir,
      envVars: {
        PULUMI_BACKEND_URL: `file://${path.join(workDir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "pulumi-freebsd-test",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      },
    },
  );
  for (const [key, value] of Object.entries(opts.config ?? {})) {
    await stack.setConfig(key, { value });
  }
  return {
    stack,
    workDir,
    async cleanup() {
      try {
        await stack.destroy();
        await stack.workspace.removeStack("test");
      } finally {
        process.chdir(previousCwd);
        rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}

/** The number of resources an operation changed in each way, e.g. { create: 1, same: 1 }. */
export type ChangeSummary = Record<string, number>;

/** The stack's resources as exported state, minus the Stack resource itself. */
export async function exportedResources(stack: Stack) {
  const deployment = await stack.exportStack();
  const resources = (deployment.deployment?.resources ?? []) as Array<Record<string, unknown>>;
  return resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !String(r.type).startsWith("pulumi:providers:"));
}
