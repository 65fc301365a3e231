// Entry point of every simulated FreeBSD tool: `node main.js TOOL ARGS...`, run by the wrappers that the
// sandbox host puts first on PATH. PF_SANDBOX_HOST_DIR names the host whose state the tool uses.
import * as path from "node:path";
import { StateStore } from "../state";
import { processContext, type Tool } from "./context";

// Each tool is loaded only when called: a command costs one small module, not the whole simulator.
const tools: Record<string, () => Tool> = {
  uname: () => require("./uname").uname,
  "freebsd-version": () => require("./freebsd-version").freebsdVersion,
  sysctl: () => require("./sysctl").sysctl,
  sysrc: () => require("./sysrc").sysrc,
  service: () => require("./service").service,
  kldstat: () => require("./kldstat").kldstat,
  kldload: () => require("./kldload").kldload,
  pkg: () => require("./pkg").pkg,
  zfs: () => require("./zfs").zfs,
  zpool: () => require("./zpool").zpool,
  ifconfig: () => require("./ifconfig").ifconfig,
  pfctl: () => require("./pfctl").pfctl,
  route: () => require("./route").route,
  jail: () => require("./jail/jail").jail,
  jls: () => require("./jail/jls").jls,
  jexec: () => require("./jail/jexec").jexec,
  rctl: () => require("./jail/rctl").rctl,
  mount: () => require("./jail/mount").mount,
  umount: () => require("./jail/mount").umount,
  podman: () => require("../oci/tools").podman,
  skopeo: () => require("../oci/tools").skopeo,
  tar: () => require("../oci/tools").tar,
  sha256: () => require("../oci/tools").sha256,
};

export function toolNames(): string[] {
  return Object.keys(tools);
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const hostDir = process.env.PF_SANDBOX_HOST_DIR;
  const load = name === undefined ? undefined : tools[path.basename(name)];
  if (load === undefined || hostDir === undefined) {
    process.stderr.write(`sandbox: no simulated tool "${name}" (or PF_SANDBOX_HOST_DIR unset)\n`);
    process.exitCode = 127;
    return;
  }
  const ctx = processContext(path.basename(name!), args, new StateStore(hostDir), hostDir);
  // exitCode, not process.exit(): output to a pipe must drain before the process ends.
  process.exitCode = await load()(ctx);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`sandbox: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 70; // EX_SOFTWARE
  });
}
