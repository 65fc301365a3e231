// The demo: a sandbox FreeBSD host, `pulumi-freebsd doctor`, `pulumi up` of a stack with the real Pulumi
// CLI, a look at the host, the stack's outputs, and a clean destroy.
//
//   ./scripts/demo.sh            (or: node dist/examples/demo/main.js)
import { formatReport, runDoctor } from "../../provider/doctor/checks";
import { closeAllHosts, hostFor } from "../../provider/ssh";
import { startSandbox } from "../../sandbox";
import { startOciSandbox } from "../../sandbox/oci";
import { inlineStack } from "../../sandbox/stack";
import { quickstart, quickstartViews } from "../quickstart/program";

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function banner(title: string): void {
  console.log(`\n${bold(`== ${title} ==`)}\n`);
}

async function main(): Promise<void> {
  banner("1. Start a sandbox FreeBSD host (a real sshd on loopback, simulated FreeBSD 14 tools)");
  const sandbox = await startSandbox({ hosts: 1 });
  const box = sandbox.hosts[0]!;
  console.log(
    `host ${box.connection.host}:${box.connection.port}, host key pinned: ${String(box.connection.hostKey).slice(0, 40)}…`,
  );
  // A local OCI registry standing in for docker.io/freebsd (podman on the host is real).
  const registries = await startOciSandbox();
  registries.configureHost(box.dir);
  console.log(`OCI registry ${registries.registry.address} serves docker.io/freebsd/* for this host's podman`);

  try {
    const host = hostFor(box.connection);

    banner("2. pulumi-freebsd doctor, then what the quickstart needs of it (modules, pf.conf calling our anchors)");
    const findings = await runDoctor(host);
    process.stdout.write(formatReport(host.name, findings));
    await prepareHost(host);
    // jail limits need RACCT, a loader tunable (kern.racct.enable=1 in /boot/loader.conf, then a reboot):
    // this sandbox host is treated as booted that way.
    box.state.update((s) => {
      s.rctl = { enabled: true, rules: [] };
    });

    banner("3. pulumi up (the real Pulumi CLI, a file backend)");
    const project = await inlineStack("quickstart", quickstart(box.connection));
    try {
      const up = await project.stack.up({ onOutput: (out) => process.stdout.write(out) });

      banner("4. What is on the host now (read through the same SSH transport)");
      for (const view of quickstartViews()) {
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
    await registries.stop();
    console.log("\nSandbox stopped. Done.");
  }
}

/** What the quickstart needs on a fresh FreeBSD host: the modules, and pf calling the pulumi anchors. */
async function prepareHost(host: ReturnType<typeof hostFor>): Promise<void> {
  const steps = [
    ["kldload", "if_bridge"],
    ["kldload", "if_epair"],
    ["kldload", "pf"],
    [
      "sh",
      "-c",
      "printf '%s\\n' 'nat-anchor \"pulumi/*\"' 'rdr-anchor \"pulumi/*\"' 'anchor \"pulumi/*\"' > /etc/pf.conf",
    ],
  ];
  for (const argv of steps) {
    console.log(`# ${argv.join(" ")}`);
    await host.exec(argv, { okExitCodes: [0, 1] });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
