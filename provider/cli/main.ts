#!/usr/bin/env node
// The `pulumi-freebsd` command. Today: `doctor`, which tells what a host lacks and how to fix it.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatReport, runDoctor } from "../doctor/checks";
import { type Connection, connectionSchema } from "../ssh/connection";
import { closeAllHosts, hostFor } from "../ssh/host";

const USAGE = `usage: pulumi-freebsd doctor [user@]host[:port] [options]
       pulumi-freebsd doctor --connection FILE.json

Options:
  --connection FILE   a JSON ConnectionArgs (host, port, user, privateKey, hostKey, knownHosts, become, proxy)
  --identity FILE     private key file (otherwise your ssh agent and ~/.ssh/config apply)
  --host-key KEY      pin the host's public key ("ssh-ed25519 AAAA…"; otherwise ~/.ssh/known_hosts applies)
  --become sudo|doas  run the checks through sudo or doas
`;

/** "user@host:port" → the parts of a ConnectionArgs. */
export function parseTarget(target: string): Pick<Connection, "host" | "port" | "user"> {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(target);
  if (m === null) throw new Error(`cannot read "${target}" as [user@]host[:port]`);
  return {
    user: m[1],
    host: m[2]!.replace(/^\[|\]$/g, ""),
    port: m[3] === undefined ? undefined : Number(m[3]),
  };
}

export function connectionFromArgs(argv: string[]): Connection {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      connection: { type: "string" },
      identity: { type: "string" },
      "host-key": { type: "string", multiple: true },
      become: { type: "string" },
    },
  });
  let conn: Record<string, unknown> = {};
  if (values.connection !== undefined) conn = JSON.parse(readFileSync(values.connection, "utf8"));
  if (positionals[0] !== undefined) conn = { ...conn, ...parseTarget(positionals[0]) };
  if (values.identity !== undefined) conn.privateKey = readFileSync(values.identity, "utf8");
  if (values["host-key"] !== undefined) conn.hostKey = values["host-key"];
  if (values.become !== undefined) conn.become = values.become;
  for (const key of Object.keys(conn)) if (conn[key] === undefined) delete conn[key];
  const parsed = connectionSchema.safeParse(conn);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((i) => `  ${i.path.join(".") || "connection"}: ${i.message}`);
    throw new Error(`invalid connection:\n${reasons.join("\n")}`);
  }
  return parsed.data;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "doctor" || rest.includes("--help") || rest.includes("-h")) {
    process.stderr.write(USAGE);
    return command === undefined || command === "doctor" ? 0 : 64;
  }
  const connection = connectionFromArgs(rest);
  const host = hostFor(connection);
  try {
    const findings = await runDoctor(host);
    process.stdout.write(formatReport(host.name, findings));
    return findings.some((f) => f.status === "missing") ? 1 : 0;
  } finally {
    closeAllHosts();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`pulumi-freebsd: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
