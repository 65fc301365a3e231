// Benchmark (not a test): a refresh-style read of N datasets on one host, batched as the kinds do it (one
// `zfs get all` shared by the concurrent reads), against N separate reads (one `zfs get all` each, in turn).
//
//   node dist/test/bench/zfs-refresh.js [--datasets N] [--latency MS]     (--latency needs netns: root, ip, tc)
import { parseArgs } from "node:util";
import { closeAllHosts, hostFor, transportCounters } from "../../provider/ssh";
import { getAll } from "../../provider/zfs/commands";
import { datasetKind, type DatasetOutputs } from "../../provider/zfs/dataset";
import { startSandbox } from "../../sandbox";
import { ssh } from "../support/sandbox";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { datasets: { type: "string", default: "100" }, latency: { type: "string", default: "0" } },
  });
  const n = Number(values.datasets);
  const latencyMs = Number(values.latency);
  const sandbox = await startSandbox({ hosts: 1, ...(latencyMs > 0 ? { netns: true, latencyMs } : {}) });
  try {
    const box = sandbox.hosts[0]!;
    const names = Array.from({ length: n }, (_, i) => `zroot/bench/d${i}`);
    const made = ssh(box, `zfs create zroot/bench && for n in ${names.join(" ")}; do zfs create "$n" || exit 1; done`);
    if (made.code !== 0) throw new Error(`setup failed: ${made.stderr}`);
    const listing = ssh(box, "zfs list -H -p -o name,guid -r zroot/bench").stdout.trim().split("\n");
    const guids = new Map(listing.map((l) => l.split("\t") as [string, string]));
    const props = names.map(
      (name) =>
        ({
          connection: box.connection,
          owner: "bench",
          name,
          guid: guids.get(name)!,
          properties: {},
          appliedValues: {},
        }) as unknown as DatasetOutputs,
    );
    const host = hostFor(box.connection);
    await host.exec(["true"]); // open the master connection outside the measurements

    transportCounters.reset();
    const t0 = performance.now();
    const batched = await Promise.all(props.map((p) => datasetKind.read("", p)));
    const batchedMs = performance.now() - t0;
    const batchedCommands = transportCounters.commandsRun;
    if (batched.some((r) => r === undefined)) throw new Error("a batched read found nothing");

    transportCounters.reset();
    const t1 = performance.now();
    for (const p of props) await host.exec(getAll([p.name]), { retry: "safe" });
    const separateMs = performance.now() - t1;
    const separateCommands = transportCounters.commandsRun;

    const line = (label: string, ms: number, commands: number) =>
      `${label.padEnd(40)} ${ms.toFixed(0).padStart(7)} ms  ${String(commands).padStart(4)} command(s)`;
    console.log(`refresh-style read of ${n} datasets on one host, ${latencyMs} ms latency injected each way`);
    console.log(line("batched (the kinds' read)", batchedMs, batchedCommands));
    console.log(line(`separate (one zfs get per dataset)`, separateMs, separateCommands));
    console.log(`ratio: separate reads take ${(separateMs / batchedMs).toFixed(1)}x as long`);
  } finally {
    closeAllHosts();
    await sandbox.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
