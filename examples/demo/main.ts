// The demo: a sandbox FreeBSD host, `pulumi-freebsd doctor`, `pulumi up` of a stack with the real Pulumi
// CLI, a look at the host, the stack's outputs, and a clean destroy.
//
//   ./scripts/demo.sh            (or: node dist/examples/demo/main.js)
import { formatReport, runDoctor } from "../../provider/doctor/checks";
import { closeAllHosts, hostFor } from "../../provider/ssh";
import { startSandbox } from "../../sandbox";
import { inlineStack } from "../../sandbox/stack";
import { demoProgram, hostViews } from "./program";

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function banner(title: string): void {
  console.log(`\n${bold(`== ${title} ==`)}\n`);
}

async function main(): Promise<void> {
  banner("1. Start a sandbox FreeBSD host (a real sshd on loopback, simulated FreeBSD 14 tools)");
  const sandbox = await startSandbox({ hosts: 1 });
  const box = sandbox.hosts[0]!;
  console.log(`host ${box.connection.host}:${box.connection.port}, host key pinned: ${String(box.connection.hostKey).slice(0, 40)}…`);

  try {
    const host = hostFor(box.connection);

    banner("2. pulumi-freebsd doctor");
    process.stdout.write(formatReport(host.name, await runDoctor(host)));

    banner("3. pulumi up (the real Pulumi CLI, a file backend)");
    const project = await inlineStack("pulumi-freebsd-demo", demoProgram(box.connection));
    try {
      const up = await project.stack.up({ onOutput: (out) => process.stdout.write(out) });

      banner("4. What is on the host now (read through the same SSH transport)");
      for (const view of hostViews()) {
        console.log(`# ${view.join(" ")}`);
        const result = await host.exec(view, { retry: "safe", okExitCodes: [0, 1] });
        process.stdout.write(result.stdout + result.stderr);
        console.log();
      }

      banner("5. Stack outputs");
      for (const [name, output] of Object.entries(up.outputs)) {
        console.log(`${name.padEnd(18)} ${output.secret ? "[secret]" : JSON.stringify(output.value)}`);
      }

      banner("6. A second pulumi up changes nothing");
      const again = await project.stack.up();
      console.log(`resource changes: ${JSON.stringify(again.summary.resourceChanges)}`);

      banner("7. pulumi destroy");
      await project.stack.destroy({ onOutput: (out) => process.stdout.write(out) });
    } finally {
      await project.cleanup();
    }
  } finally {
    closeAllHosts();
    await sandbox.stop();
    console.log("\nSandbox stopped. Done.");
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
