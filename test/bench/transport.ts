// Benchmark (not a test): N commands through our transport against N fresh `ssh host true` connections,
// the way a connection-per-command tool works, on a sandbox host behind injected latency.
//
//   node dist/test/bench/transport.js [--commands N] [--latency MS]
import { parseArgs } from "node:util";
import { execa } from "execa";
import { closeAllHosts, hostFor, transportCounters } from "../../provider/ssh";
import { startSandbox } from "../../sandbox";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { commands: { type: "string", default: "50" }, latency: { type: "string", default: "20" } },
  });
  const n = Number(values.commands);
  const latencyMs = Number(values.latency);
  const sandbox = await startSandbox({ hosts: 1, netns: true, latencyMs });
  try {
    const box = sandbox.hosts[0]!;
    const conn = box.connection;

    // Ours: one master connection, N commands one after another (a provider's sequential worst case).
    transportCounters.reset();
    const host = hostFor(conn);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await host.exec(["true"]);
    const ours = performance.now() - t0;
    const oursConnections = transportCounters.connectionsOpened;

    // Theirs: a fresh ssh process and connection per command, same keys and pinning.
    const knownHosts = box.knownHostsFile;
    const fresh = [
      "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${knownHosts}`,
      "-o", "ControlMaster=no", "-o", "ControlPath=none", "-i", box.clientKeyFile,
      "-p", String(conn.port), `root@${conn.host}`, "true",
    ]; // prettier-ignore
    const t1 = performance.now();
    for (let i = 0; i < n; i++) await execa("ssh", fresh);
    const theirs = performance.now() - t1;

    const line = (label: string, ms: number) =>
      `${label.padEnd(34)} ${ms.toFixed(0).padStart(7)} ms total ${(ms / n).toFixed(1).padStart(7)} ms/command`;
    console.log(`${n} commands one after another, ${latencyMs} ms latency injected each way (sandbox --netns)`);
    console.log(line(`pulumi-freebsd transport (${oursConnections} conn)`, ours));
    console.log(line(`fresh ssh per command (${n} conn)`, theirs));
    console.log(`ratio: fresh connections take ${(theirs / ours).toFixed(1)}x as long`);
  } finally {
    closeAllHosts();
    await sandbox.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
