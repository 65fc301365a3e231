// oci:Container — a podman container on a host (a jail, through ocijail, on FreeBSD). Id: "host[:port]/NAME".
//
// podman cannot change a container's image, command, environment, ports, volumes, restart policy, annotations
// or network in place (podman 4 has no `update` for these), so each of them is a replacement, named in the
// preview. What an update can do is start a container found stopped. Environment values reach podman in a
// 0600 env file written from stdin and removed after `podman run`: never in argv, where `ps` shows them.
import * as path from "node:path";
import { z } from "zod";
import { checkWith } from "../check";
import { PartialCreateError, type DiffResult, type ResourceKind } from "../resource";
import { connectionSchema } from "../ssh/connection";
import { RemoteCommandError } from "../ssh/errors";
import { hostFor, type Host } from "../ssh/host";
import {
  containerInspect,
  envFileContent,
  joinWords,
  OWNER_LABEL,
  podmanRm,
  podmanRun,
  podmanStart,
  withPrivateFile,
  type VolumeMount,
} from "./commands";
import { hostKey, listContainers } from "./inventory";
import { parseContainerInspect, type ContainerSummary } from "./parse";
import { referenceProblem } from "./reference";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const HEX64 = /^[0-9a-f]{64}$/;
const port = z.number().int().min(1).max(65535);

const volumeSchema = z
  .object({
    hostPath: z
      .string()
      .refine((p) => path.posix.isAbsolute(p), { message: "must be an absolute path" })
      .optional(),
    dataset: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.:-]+)*$/, {
        message: "must be a ZFS dataset name, e.g. zroot/data",
      })
      .optional(),
    target: z
      .string()
      .refine((p) => path.posix.isAbsolute(p), { message: "must be an absolute path in the container" }),
    readOnly: z.boolean().default(false),
  })
  .refine((v) => (v.hostPath === undefined) !== (v.dataset === undefined), {
    message: "Exactly one of [hostPath] and [dataset] must be set",
  });

const inputsSchema = z.object({
  connection: connectionSchema,
  owner: z.string(),
  name: z
    .string()
    .regex(NAME, { message: "must start with a letter or digit and hold only letters, digits, _ . and -" }),
  image: z.string().superRefine((v, ctx) => {
    if (HEX64.test(v)) return;
    const problem = referenceProblem(v);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: `${problem}, or an image id (64 hex digits)` });
  }),
  /** The id of the image the program's Image resource holds: a new one replaces the container. */
  imageId: z.string().regex(HEX64, { message: "must be an image id, 64 hex digits" }).optional(),
  command: z.array(z.string()).optional(),
  env: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be a variable name: letters, digits and _" }),
      z.string().refine((v) => !/[\n\r\0]/.test(v), {
        message: "cannot hold a newline or NUL (podman's env file is one line per variable)",
      }),
    )
    .default({}),
  ports: z
    .array(
      z.object({
        hostPort: port,
        containerPort: port,
        protocol: z.enum(["tcp", "udp"]).default("tcp"),
        hostIp: z
          .string()
          .regex(/^[0-9a-fA-F.:]+$/, { message: "must be an IP address" })
          .optional(),
      }),
    )
    .default([]),
  volumes: z.array(volumeSchema).default([]),
  restart: z.enum(["no", "always", "on-failure", "unless-stopped"]).default("no"),
  annotations: z
    .record(
      z
        .string()
        .regex(/^[a-zA-Z0-9][a-zA-Z0-9._/-]*$/, { message: "must be an annotation key, e.g. org.freebsd.jail.vnet" }),
      z.string().refine((v) => !/[\n\r\0]/.test(v), { message: "cannot hold a newline or NUL" }),
    )
    .default({}),
  network: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.:/-]*$/, { message: 'must be a network name such as "podman", "host" or "none"' })
    .optional(),
  adopt: z.boolean().default(false),
});

export type ContainerInputs = z.output<typeof inputsSchema>;

export interface ContainerOutputs extends ContainerInputs {
  schemaVersion: number;
  containerId: string;
  /** podman's state: running, exited, created, paused… */
  state: string;
  /** When it last started (RFC 3339), "" if never. */
  startedAt: string;
  /** Volumes as podman got them, datasets resolved to their mountpoints. */
  mounts: VolumeMount[];
}

/** Inputs that podman cannot change in place: a change replaces the container. */
const REPLACE_KEYS = [
  "name",
  "image",
  "command",
  "env",
  "ports",
  "volumes",
  "restart",
  "annotations",
  "network",
] as const;

/** JSON with object keys sorted, so equal settings compare equal whatever their order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Dataset volumes resolved to their mountpoints, in one `zfs list`. */
async function resolveMounts(host: Host, inputs: ContainerInputs): Promise<VolumeMount[]> {
  const datasets = inputs.volumes.flatMap((v) => (v.dataset === undefined ? [] : [v.dataset]));
  const mountpoints = new Map<string, string>();
  if (datasets.length > 0) {
    const result = await host.exec(["zfs", "list", "-H", "-o", "name,mountpoint", ...new Set(datasets)], {
      retry: "safe",
    });
    for (const line of result.stdout.split("\n")) {
      const [name, mountpoint] = line.split("\t");
      if (name && mountpoint) mountpoints.set(name, mountpoint);
    }
  }
  return inputs.volumes.map((v) => {
    let hostPath = v.hostPath;
    if (v.dataset !== undefined) {
      hostPath = mountpoints.get(v.dataset);
      if (hostPath === undefined || !hostPath.startsWith("/")) {
        throw new Error(
          `Dataset ${v.dataset} on ${host.name} has no mountpoint (${hostPath ?? "not listed"}): set its mountpoint ` +
            `property, or give [hostPath] instead`,
        );
      }
    }
    return { hostPath: hostPath!, target: v.target, readOnly: v.readOnly };
  });
}

async function inspect(host: Host, name: string): Promise<ContainerSummary | undefined> {
  const result = await host.exec(containerInspect(name), { retry: "safe", okExitCodes: [0, 125] });
  return parseContainerInspect(result.exitCode === 0 ? result.stdout : "[]")[0];
}

function outputsFrom(inputs: ContainerInputs, c: ContainerSummary, mounts: VolumeMount[]): ContainerOutputs {
  return {
    ...inputs,
    schemaVersion: containerKind.schemaVersion,
    // What the container really runs; a plain reference gets its id here.
    imageId: c.imageId || inputs.imageId,
    containerId: c.id,
    state: c.state,
    startedAt: c.startedAt,
    mounts,
  };
}

function notOurs(host: Host, name: string, c: ContainerSummary): Error {
  const owner = c.labels[OWNER_LABEL];
  return new Error(
    `A container named ${name} already exists on ${host.name}${owner ? ` and belongs to ${owner}` : " and was not made by pulumi-freebsd"}: ` +
      `remove it, choose another [name], or set [adopt] to replace it with this resource's container.`,
  );
}

export const containerKind: ResourceKind<ContainerInputs, ContainerOutputs> = {
  schemaVersion: 1,

  async check(_olds, news) {
    return checkWith(inputsSchema, news);
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces: string[] = REPLACE_KEYS.filter((k) => canonical(olds[k]) !== canonical(news[k]));
    if (news.imageId !== undefined && news.imageId !== olds.imageId) replaces.push("imageId");
    if (hostKey(olds.connection) !== hostKey(news.connection)) replaces.push("connection");
    const changes =
      replaces.length > 0 ||
      olds.state !== "running" ||
      olds.adopt !== news.adopt ||
      canonical(olds.connection) !== canonical(news.connection);
    // Same host and name: the old container must go before the new one can take the name.
    const deleteBeforeReplace =
      replaces.length > 0 && olds.name === news.name && hostKey(olds.connection) === hostKey(news.connection);
    return { changes, replaces, deleteBeforeReplace };
  },

  async create(inputs) {
    const host = hostFor(inputs.connection);
    const id = `${hostKey(inputs.connection)}/${inputs.name}`;
    const existing = (await listContainers(host)).find((c) => c.name === inputs.name);
    if (existing !== undefined) {
      // Ours from an interrupted create, or one the user asked us to take over: start afresh from the inputs.
      if (existing.labels[OWNER_LABEL] !== inputs.owner && !inputs.adopt) throw notOurs(host, inputs.name, existing);
      await host.exec(podmanRm(inputs.name));
    }
    const mounts = await resolveMounts(host, inputs);
    const withEnvFile = Object.keys(inputs.env).length > 0;
    const run = podmanRun({
      name: inputs.name,
      image: inputs.image,
      owner: inputs.owner,
      command: inputs.command,
      withEnvFile,
      ports: inputs.ports,
      volumes: mounts,
      restart: inputs.restart,
      annotations: inputs.annotations,
      network: inputs.network,
    });
    try {
      if (withEnvFile) {
        await host.script(withPrivateFile("env", [run]), {
          stdin: envFileContent(inputs.env),
          secrets: Object.values(inputs.env),
        });
      } else {
        await host.script(joinWords(run));
      }
    } catch (err) {
      // `podman run` creates, then starts: a start that fails leaves the container, which is ours to record.
      const made = err instanceof RemoteCommandError && !err.transport ? await inspect(host, inputs.name) : undefined;
      if (made !== undefined && made.labels[OWNER_LABEL] === inputs.owner) {
        throw new PartialCreateError(
          `Container ${inputs.name} was created on ${host.name} but did not start: ${(err as Error).message}`,
          id,
          { ...outputsFrom(inputs, made, mounts) },
        );
      }
      throw err;
    }
    const made = await inspect(host, inputs.name);
    if (made === undefined) throw new Error(`podman run reported success, but ${inputs.name} is not on ${host.name}`);
    return { id, outs: outputsFrom(inputs, made, mounts) };
  },

  async read(id, props) {
    const host = hostFor(props.connection);
    const found = (await listContainers(host)).find((c) => c.name === props.name);
    if (found === undefined) return undefined;
    return {
      id,
      props: {
        ...props,
        containerId: found.id,
        state: found.state,
        startedAt: found.startedAt,
        imageId: found.imageId || props.imageId,
      },
    };
  },

  async update(_id, olds, news) {
    const host = hostFor(news.connection);
    if (olds.state !== "running") await host.exec(podmanStart(news.name));
    const now = await inspect(host, news.name);
    if (now === undefined) throw new Error(`Container ${news.name} is no longer on ${host.name}: run pulumi refresh`);
    return { ...outputsFrom(news, now, olds.mounts), imageId: now.imageId || olds.imageId };
  },

  async delete(_id, props) {
    const host = hostFor(props.connection);
    const found = (await listContainers(host)).find((c) => c.name === props.name);
    if (found === undefined) return;
    if (found.labels[OWNER_LABEL] !== props.owner) {
      throw new Error(
        `Container ${props.name} on ${host.name} is not the one this resource made (its owner label is ` +
          `${found.labels[OWNER_LABEL] ?? "missing"}): leaving it. Remove it by hand if it should go.`,
      );
    }
    await host.exec(podmanRm(props.name)); // --force: a container gone meanwhile is no error
  },
};
