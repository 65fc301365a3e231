// pulumi-freebsd/sandbox: FreeBSD-like hosts on this machine, for the demo, tests, and users' own stacks.
export {
  loadSandbox,
  startSandbox,
  stopSandbox,
  SandboxHost,
  type Sandbox,
  type SandboxConnection,
  type SandboxOptions,
} from "./host";
export type { HostRecord, SandboxRecord } from "./record";
export { StateStore, type HostState } from "./state";
