// Engine tests drive the real Pulumi CLI through the Automation API, with a file backend per test
// (see sandbox/stack.ts, which users get too).
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { closeAllHosts } from "../../provider/ssh";
import { inlineStack, type InlineStack, type InlineStackOptions } from "../../sandbox/stack";

export { installPackage, PACKAGE_ROOT as REPO_ROOT } from "../../sandbox/stack";

export type TestStack = InlineStack;

export function newStack(name: string, program: PulumiFn, opts: InlineStackOptions = {}): Promise<TestStack> {
  return inlineStack(name, program, opts);
}

/** The stack's resources as exported state, minus the Stack resource and default providers. */
export async function exportedResources(stack: Stack) {
  const deployment = await stack.exportStack();
  const resources = (deployment.deployment?.resources ?? []) as Array<Record<string, unknown>>;
  return resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !String(r.type).startsWith("pulumi:providers:"));
}

/**
 * Ends a test's stack first (its destroy still needs the host), then this process's SSH connections, then the
 * sandbox and any other services, even when an earlier step failed.
 */
export async function tearDown(
  t: TestStack | undefined,
  ...services: Array<{ stop(): Promise<void> } | undefined>
): Promise<void> {
  try {
    await t?.cleanup();
  } finally {
    closeAllHosts();
    for (const service of services) await service?.stop();
  }
}
