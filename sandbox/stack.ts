// Running a Pulumi program inline, in a throwaway project with a file backend: for the demo, our engine
// tests, and users who test their own programs against the sandbox. The engine is the real Pulumi CLI; the
// Automation API serves the program to it (`pulumi up --client=…`), so no language host is needed.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LocalWorkspace, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

/** This package's root (holding package.json), wherever it is installed. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

export interface InlineStack {
  stack: Stack;
  /** The project directory: the engine starts dynamic providers here. */
  workDir: string;
  /** Destroys what is left, removes the stack and its files, and restores the working directory. */
  cleanup(): Promise<void>;
}

export interface InlineStackOptions {
  /** The pulumi-freebsd that dynamic providers load (a directory with its package.json); this one by default. */
  packageDir?: string;
  /** Stack configuration, e.g. { "demo:message": "hi" }. */
  config?: Record<string, string>;
  /** Keep the project directory (and its state) after cleanup, for a look afterwards. */
  keep?: boolean;
}

/** A fresh project directory whose node_modules resolve like an installed user project. */
export function makeProjectDir(packageDir: string = PACKAGE_ROOT): string {
  const dir = mkdtempSync(path.join(tmpdir(), "pf-stack-"));
  mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
  symlinkSync(packageDir, path.join(dir, "node_modules", "pulumi-freebsd"));
  const pulumiPkg = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  symlinkSync(pulumiPkg, path.join(dir, "node_modules", "@pulumi", "pulumi"));
  mkdirSync(path.join(dir, "state"));
  return dir;
}

/** Points a project directory's `pulumi-freebsd` at another copy, as an upgrade with npm would. */
export function installPackage(workDir: string, packageDir: string): void {
  const link = path.join(workDir, "node_modules", "pulumi-freebsd");
  rmSync(link, { force: true });
  symlinkSync(packageDir, link);
}

/**
 * A stack named "dev" of project `project` running `program`, in a fresh project directory that also becomes
 * the process's working directory until cleanup: with inline programs the engine starts dynamic providers in
 * the program's working directory, and that is where `require("pulumi-freebsd/runtime")` resolves.
 */
export async function inlineStack(
  project: string,
  program: PulumiFn,
  opts: InlineStackOptions = {},
): Promise<InlineStack> {
  const workDir = makeProjectDir(opts.packageDir);
  const previousCwd = process.cwd();
  process.chdir(workDir);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "dev", projectName: project, program },
    {
      workDir,
      envVars: {
        PULUMI_BACKEND_URL: `file://${path.join(workDir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "pulumi-freebsd-sandbox",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      },
    },
  );
  for (const [key, value] of Object.entries(opts.config ?? {})) await stack.setConfig(key, { value });
  return {
    stack,
    workDir,
    async cleanup() {
      try {
        await stack.destroy();
        await stack.workspace.removeStack("dev");
      } finally {
        process.chdir(previousCwd);
        if (!opts.keep) rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}
