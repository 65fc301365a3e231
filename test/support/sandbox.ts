// For tests that need sandbox hosts: start, run, and always stop, even when the test fails.
import { spawnSync } from "node:child_process";
import { startSandbox, type Sandbox, type SandboxHost, type SandboxOptions } from "../../sandbox";

export async function withSandbox<T>(opts: SandboxOptions, fn: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox(opts);
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.stop();
  }
}

export interface SshResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** One command through the real OpenSSH client, host key pinned, no agent, no ~/.ssh/known_hosts. */
export function ssh(host: SandboxHost, command: string, extraOptions: string[] = []): SshResult {
  const r = spawnSync("ssh", [...extraOptions, ...host.sshArgs(), command], { encoding: "utf8", timeout: 30_000 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}
