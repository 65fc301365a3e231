// jail:Exec — a command run inside a jail with jexec(8) when the resource is created, and again (as a
// replacement) whenever its command, environment, user, jail or triggers change. Id: HOST/JAIL/exec/NAME.
//
// It records what the command printed; it cannot know what the command changed. Running it again must be
// harmless, or the triggers must only change when running it again is wanted (see sdk/jail/exec.ts).
import { z } from "zod";
import { checkWith } from "../check";
import type { DiffResult, ResourceKind } from "../resource";
import { hostFor, RemoteCommandError } from "../ssh";
import { connectionSchema } from "../ssh/connection";
import { quote, shellJoin } from "../ssh/quote";
import { hostId } from "./jail";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const execInputsSchema = z.strictObject({
  owner: z.string(),
  connection: connectionSchema,
  jail: z.string().regex(/^(?!\d+$)[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/, "must be the name of a jail"),
  command: z.union([z.string().min(1, "must not be empty"), z.array(z.string()).min(1, "must not be empty")]),
  environment: z
    .record(z.string().regex(ENV_NAME, "environment names are letters, digits and _"), z.string())
    .default({}),
  user: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "must be a user name")
    .optional(),
  triggers: z.array(z.unknown()).default([]),
});

export type ExecInputs = z.output<typeof execInputsSchema>;

export interface ExecOutputs extends ExecInputs {
  schemaVersion: number;
  stdout: string;
  stderr: string;
}

/**
 * The script /bin/sh reads on standard input inside the jail: the environment first, then the command (a
 * string as sh code, an array as one quoted command). Values travel on stdin, never in argv.
 */
export function execScript(inputs: Pick<ExecInputs, "command" | "environment">): string {
  const env = Object.entries(inputs.environment).map(([k, v]) => `${k}=${quote(v)}; export ${k}\n`);
  const command = typeof inputs.command === "string" ? inputs.command : shellJoin(inputs.command);
  return `${env.join("")}${command}\n`;
}

/** jexec -l: a clean login environment, as jail(8) gives exec.start with exec.clean. */
export function jexecArgv(inputs: Pick<ExecInputs, "jail" | "user">): string[] {
  return ["jexec", "-l", ...(inputs.user === undefined ? [] : ["-U", inputs.user]), inputs.jail, "/bin/sh", "-s"];
}

const stable = (v: unknown) => JSON.stringify(v ?? null);

export const execKind: ResourceKind<ExecInputs, ExecOutputs> = {
  schemaVersion: 1,

  async check(_olds, news) {
    return checkWith(execInputsSchema, news);
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces = (["jail", "command", "environment", "user", "triggers"] as const).filter(
      (k) => stable(olds[k]) !== stable(news[k]),
    );
    if (
      olds.connection.host !== news.connection.host ||
      (olds.connection.port ?? 22) !== (news.connection.port ?? 22)
    ) {
      replaces.push("connection" as never);
    }
    const changes = replaces.length > 0 || stable(olds.connection) !== stable(news.connection);
    return { changes, replaces };
  },

  async create(inputs) {
    const host = hostFor(inputs.connection);
    const name = inputs.owner.split("/").slice(3).join("/") || inputs.owner;
    const id = `${hostId(inputs.connection)}/${inputs.jail}/exec/${name}`;
    try {
      const r = await host.exec(jexecArgv(inputs), {
        stdin: execScript(inputs),
        secrets: Object.values(inputs.environment),
      });
      return { id, outs: { ...inputs, schemaVersion: execKind.schemaVersion, stdout: r.stdout, stderr: r.stderr } };
    } catch (err) {
      if (err instanceof RemoteCommandError && !err.transport) {
        throw new Error(
          `the command in jail ${inputs.jail} failed (exit ${err.exitCode}):\n${err.stderr || err.stdout}`.trim(),
        );
      }
      throw err;
    }
  },

  async read(id, props) {
    return { id, props };
  },

  async update(_id, olds, news) {
    // Only the connection changed (a new key, say): nothing runs again.
    return { ...olds, connection: news.connection };
  },

  async delete() {
    // What the command did stays: there is no general way to undo it.
  },
};
