#!/usr/bin/env node
// `pulumi-freebsd-sandbox start|stop|status`: sandbox hosts that outlive the command (sshd daemonizes), found
// again through <root>/sandbox.json.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as path from "node:path";
import { isRunning, loadSandbox, startSandbox, stopSandbox, type SandboxHost } from "./host";
import { startOciSandbox, stopPodmanHost, stopRegistryProcess } from "./oci";
import { readRecord } from "./record";

const USAGE = `usage: pulumi-freebsd-sandbox start [--hosts N] [--netns] [--latency MS] [--loss PCT] [--root DIR] [--shell PATH] [--oci]
       pulumi-freebsd-sandbox stop [--root DIR]
       pulumi-freebsd-sandbox status [--root DIR] [--json]

The root directory (.sandbox/ under the current directory by default) holds each host's keys, state and
logs, and sandbox.json, which stop and status read. --latency and --loss need --netns (and root).
--oci also starts local OCI registries standing in for docker.io/freebsd and ghcr.io/freebsd, and gives each
host's (real) podman its own storage and a registries.conf that points there (loopback hosts only).
`;

/** Where a CLI-started sandbox records its OCI registries, so that `stop` from another process ends them. */
function ociRecordFile(root: string): string {
  return path.join(root, "oci.json");
}

async function startOci(root: string, hosts: SandboxHost[]): Promise<string> {
  const oci = await startOciSandbox({ keepRunning: true });
  for (const h of hosts) oci.configureHost(h.dir);
  const registries = [oci.registry, oci.privateRegistry].map((r) => ({ pid: r.pid, dir: r.dir }));
  writeFileSync(ociRecordFile(root), JSON.stringify({ registries }, null, 1));
  return oci.registry.address;
}

async function stopOci(root: string): Promise<void> {
  const file = ociRecordFile(root);
  if (!existsSync(file)) return;
  const record = readRecord(root);
  for (const h of record?.hosts ?? []) stopPodmanHost(h.dir);
  const { registries } = JSON.parse(readFileSync(file, "utf8")) as { registries: Array<{ pid: number; dir: string }> };
  for (const r of registries) stopRegistryProcess(r.pid, r.dir);
  rmSync(file, { force: true });
}

function describe(h: SandboxHost): string {
  const { host, port, hostKey } = h.connection;
  const i = h.name.replace("host-", "");
  const q = (s: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const delay = h.record.delay;
  return `${h.name}  ${h.record.hostname}  root@${host}:${port}${h.record.netns ? `  (namespace ${h.record.netns.name})` : ""}${
    delay ? `  +${delay.latencyMs} ms each way${delay.lossPct ? `, ${delay.lossPct}% loss` : ""} (${delay.mode})` : ""
  }
  host key     ${hostKey}
  private key  ${h.clientKeyFile}
  known_hosts  ${h.knownHostsFile}

  Try it:
    ssh ${h.sshArgs().map(q).join(" ")} uname -a
    pulumi-freebsd doctor root@${host}:${port} --identity ${q(h.clientKeyFile)} --host-key ${q(hostKey)}

  Pulumi config (in your stack's directory):
    pulumi config set host${i} ${host}
    pulumi config set host${i}Port ${port}
    pulumi config set host${i}HostKey ${q(hostKey)}
    pulumi config set --secret host${i}PrivateKey < ${q(h.clientKeyFile)}

  and in the program:
    const config = new pulumi.Config();
    const connection: ConnectionArgs = {
      host: config.require("host${i}"),
      port: config.requireNumber("host${i}Port"),
      user: "root",
      hostKey: config.require("host${i}HostKey"),
      privateKey: config.requireSecret("host${i}PrivateKey"),
    };
`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      hosts: { type: "string" },
      netns: { type: "boolean" },
      oci: { type: "boolean" },
      latency: { type: "string" },
      loss: { type: "string" },
      root: { type: "string" },
      shell: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const root = path.resolve(values.root ?? ".sandbox");
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined ? 64 : 0;
  }
  switch (command) {
    case "start": {
      const number = (name: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} takes a number, got "${v}"`);
        return n;
      };
      const sandbox = await startSandbox({
        root,
        hosts: number("hosts", values.hosts),
        netns: values.netns,
        latencyMs: number("latency", values.latency),
        lossPct: number("loss", values.loss),
        loginShell: values.shell,
        keepRunning: true,
      });
      process.stdout.write(`Sandbox running in ${root} (stop it with: pulumi-freebsd-sandbox stop --root ${root})\n\n`);
      if (values.oci) {
        const address = await startOci(root, sandbox.hosts);
        process.stdout.write(
          `OCI registry ${address} serves docker.io/freebsd/* and ghcr.io/freebsd/* to the hosts\n\n`,
        );
      }
      for (const h of sandbox.hosts) process.stdout.write(`${describe(h)}\n`);
      return 0;
    }
    case "stop": {
      await stopOci(root);
      const count = await stopSandbox(root);
      process.stdout.write(count === 0 ? `No sandbox in ${root}.\n` : `Stopped ${count} sandbox host(s) in ${root}.\n`);
      return 0;
    }
    case "status": {
      const record = readRecord(root);
      if (values.json) {
        process.stdout.write(
          `${JSON.stringify({ running: record !== undefined && isRunning(record), sandbox: record ?? null }, null, 2)}\n`,
        );
        return record !== undefined && isRunning(record) ? 0 : 1;
      }
      if (record === undefined) {
        process.stdout.write(`No sandbox in ${root}.\n`);
        return 1;
      }
      for (const h of loadSandbox(root).hosts) {
        const pid = h.sshdPid();
        process.stdout.write(
          `${h.name}  root@${h.connection.host}:${h.connection.port}  ${pid ? `sshd pid ${pid}` : "sshd NOT running"}\n`,
        );
      }
      return isRunning(record) ? 0 : 1;
    }
    default:
      process.stderr.write(USAGE);
      return 64;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`pulumi-freebsd-sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
