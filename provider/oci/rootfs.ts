// oci:RootFs — an image's root filesystem copied into a ZFS dataset the stack owns, then snapshotted: the
// template that classic jails clone (`zfs clone zroot/images/freebsd-runtime-14.3@base zroot/jails/web`).
// Id: "host[:port]/DATASET@SNAPSHOT".
//
// The dataset carries the owner property from its creation, so an interrupted create is adopted by the next
// one and delete never touches a dataset this resource did not make. Delete destroys the snapshot and the
// dataset only; anything else found there (other snapshots, children, clones) stops it unless forceDestroy.
import { createHash } from "node:crypto";
import { z } from "zod";
import { checkWith } from "../check";
import { PartialCreateError, type DiffResult, type ResourceKind } from "../resource";
import { connectionSchema } from "../ssh/connection";
import { RemoteCommandError } from "../ssh/errors";
import { hostFor, type Host } from "../ssh/host";
import {
  imageInspect,
  materialiseRootfs,
  zfsCreateOwned,
  zfsDestroy,
  zfsListTemplate,
  zfsSetOwner,
  zfsSnapshot,
} from "./commands";
import { hostKey } from "./inventory";
import { parseImageInspect, parseZfsList, type ZfsListRow } from "./parse";
import { referenceProblem } from "./reference";

const HEX64 = /^[0-9a-f]{64}$/;
const DATASET = /^[A-Za-z0-9][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.:-]+)+$/;

const inputsSchema = z.object({
  connection: connectionSchema,
  owner: z.string(),
  image: z.string().superRefine((v, ctx) => {
    if (HEX64.test(v)) return;
    const problem = referenceProblem(v);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: `${problem}, or an image id (64 hex digits)` });
  }),
  imageId: z.string().regex(HEX64, { message: "must be an image id, 64 hex digits" }).optional(),
  dataset: z
    .string()
    .regex(DATASET, { message: "must be a dataset below a pool, e.g. zroot/images/freebsd-runtime-14.3" }),
  snapshot: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, { message: "must be a snapshot name (letters, digits, _ . : -), e.g. base" })
    .default("base"),
  forceDestroy: z.boolean().default(false),
  adopt: z.boolean().default(false),
});

export type RootFsInputs = z.output<typeof inputsSchema>;

export interface RootFsOutputs extends RootFsInputs {
  schemaVersion: number;
  /** The image whose files the dataset holds. */
  imageId: string;
  mountpoint: string;
  /** "DATASET@SNAPSHOT", what jails clone; "" when the snapshot is missing. */
  snapshotName: string;
}

interface Template {
  dataset: ZfsListRow | undefined;
  snapshot: ZfsListRow | undefined;
  /** Snapshots and child datasets this resource did not make. */
  others: ZfsListRow[];
}

/** The dataset and its snapshot as the host has them, in one `zfs list`. */
async function readTemplate(host: Host, dataset: string, snapshot: string): Promise<Template> {
  const result = await host.exec(zfsListTemplate(dataset), { retry: "safe", okExitCodes: [0, 1] });
  if (result.exitCode === 1) {
    if (/dataset does not exist/.test(result.stderr)) return { dataset: undefined, snapshot: undefined, others: [] };
    throw new Error(`zfs list ${dataset} failed on ${host.name}: ${result.stderr.trim()}`);
  }
  const rows = parseZfsList(result.stdout);
  const snapshotName = `${dataset}@${snapshot}`;
  return {
    dataset: rows.find((r) => r.name === dataset),
    snapshot: rows.find((r) => r.name === snapshotName),
    others: rows.filter((r) => r.name !== dataset && r.name !== snapshotName),
  };
}

async function imageIdOf(host: Host, image: string): Promise<string> {
  const result = await host.exec(imageInspect([image]), { retry: "safe", okExitCodes: [0, 125] });
  const [details] = parseImageInspect(result.exitCode === 0 ? result.stdout : "[]");
  if (details === undefined) {
    throw new Error(`Image ${image} is not on ${host.name}: pull it first (an oci.Image, passed as [image])`);
  }
  return details.id;
}

/** A name for the throwaway container that exports the image, the same for every attempt of one resource. */
function workName(owner: string): string {
  return `pulumi-rootfs-${createHash("sha256").update(owner).digest("hex").slice(0, 16)}`;
}

function destroyError(err: unknown, dataset: string, host: Host): Error {
  if (!(err instanceof RemoteCommandError) || err.transport) return err as Error;
  if (/dependent clones/.test(err.stderr)) {
    return new Error(
      `The template ${dataset} on ${host.name} has clones (jails built on it): destroy them first. ` +
        `Nothing was destroyed.\n${err.stderr.trim()}`,
    );
  }
  return err;
}

export const rootFsKind: ResourceKind<RootFsInputs, RootFsOutputs> = {
  schemaVersion: 1,

  async check(_olds, news) {
    return checkWith(inputsSchema, news);
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces: string[] = [];
    if (olds.image !== news.image) replaces.push("image");
    if (news.imageId !== undefined && news.imageId !== olds.imageId) replaces.push("imageId");
    if (olds.dataset !== news.dataset) replaces.push("dataset");
    if (olds.snapshot !== news.snapshot) replaces.push("snapshot");
    if (hostKey(olds.connection) !== hostKey(news.connection)) replaces.push("connection");
    const changes =
      replaces.length > 0 ||
      olds.snapshotName === "" ||
      olds.forceDestroy !== news.forceDestroy ||
      olds.adopt !== news.adopt ||
      JSON.stringify(olds.connection) !== JSON.stringify(news.connection);
    const sameName = olds.dataset === news.dataset && hostKey(olds.connection) === hostKey(news.connection);
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && sameName };
  },

  async create(inputs) {
    const host = hostFor(inputs.connection);
    const id = `${hostKey(inputs.connection)}/${inputs.dataset}@${inputs.snapshot}`;
    const imageId = await imageIdOf(host, inputs.image);
    const before = await readTemplate(host, inputs.dataset, inputs.snapshot);
    if (before.dataset !== undefined && before.dataset.owner !== inputs.owner) {
      if (!inputs.adopt) {
        throw new Error(
          `Dataset ${inputs.dataset} already exists on ${host.name}` +
            `${before.dataset.owner ? ` and belongs to ${before.dataset.owner}` : ""}: choose another [dataset], ` +
            `or set [adopt] to take it over (its files are then overwritten by the image's).`,
        );
      }
      await host.exec(zfsSetOwner(inputs.dataset, inputs.owner));
    }
    if (before.dataset === undefined) await host.script(zfsCreateOwned(inputs.dataset, inputs.owner));

    // From here the dataset exists and is ours: a failure must leave it recorded, not orphaned.
    const partial = (err: unknown, mountpoint = ""): never => {
      throw new PartialCreateError(
        `Dataset ${inputs.dataset} was created on ${host.name}, but filling it failed: ${(err as Error).message}`,
        id,
        { ...inputs, schemaVersion: rootFsKind.schemaVersion, imageId, mountpoint, snapshotName: "" },
      );
    };
    let mountpoint = "";
    try {
      const now = await readTemplate(host, inputs.dataset, inputs.snapshot);
      mountpoint = now.dataset?.mountpoint ?? "";
      if (!mountpoint.startsWith("/")) {
        throw new Error(`its mountpoint is "${mountpoint}"; a template needs a mounted filesystem`);
      }
      if (now.snapshot === undefined) {
        await host.script(materialiseRootfs(inputs.image, mountpoint, workName(inputs.owner), inputs.owner));
        await host.exec(zfsSnapshot(`${inputs.dataset}@${inputs.snapshot}`));
      }
    } catch (err) {
      partial(err, mountpoint);
    }
    return {
      id,
      outs: {
        ...inputs,
        schemaVersion: rootFsKind.schemaVersion,
        imageId,
        mountpoint,
        snapshotName: `${inputs.dataset}@${inputs.snapshot}`,
      },
    };
  },

  async read(id, props) {
    const host = hostFor(props.connection);
    const now = await readTemplate(host, props.dataset, props.snapshot);
    if (now.dataset === undefined) return undefined;
    return {
      id,
      props: {
        ...props,
        mountpoint: now.dataset.mountpoint,
        snapshotName: now.snapshot === undefined ? "" : now.snapshot.name,
      },
    };
  },

  async update(_id, olds, news) {
    const host = hostFor(news.connection);
    let snapshotName = olds.snapshotName;
    if (snapshotName === "") {
      // The snapshot went missing: fill the dataset again from the image and take it anew.
      await host.script(materialiseRootfs(news.image, olds.mountpoint, workName(news.owner), news.owner));
      await host.exec(zfsSnapshot(`${news.dataset}@${news.snapshot}`));
      snapshotName = `${news.dataset}@${news.snapshot}`;
    }
    return { ...olds, ...news, imageId: olds.imageId, schemaVersion: rootFsKind.schemaVersion, snapshotName };
  },

  async delete(_id, props) {
    const host = hostFor(props.connection);
    const now = await readTemplate(host, props.dataset, props.snapshot);
    if (now.dataset === undefined) return;
    if (now.dataset.owner !== props.owner) {
      throw new Error(
        `Dataset ${props.dataset} on ${host.name} is not this resource's (owner ${now.dataset.owner ?? "unset"}): ` +
          `leaving it.`,
      );
    }
    if (now.others.length > 0 && !props.forceDestroy) {
      throw new Error(
        `${props.dataset} on ${host.name} holds what this resource did not make (${now.others.map((r) => r.name).join(", ")}): ` +
          `move it away, or set [forceDestroy] to destroy it too. Nothing was destroyed.`,
      );
    }
    try {
      if (props.forceDestroy) {
        await host.exec(zfsDestroy(props.dataset, true));
        return;
      }
      if (now.snapshot !== undefined) await host.exec(zfsDestroy(now.snapshot.name));
      await host.exec(zfsDestroy(props.dataset));
    } catch (err) {
      throw destroyError(err, props.dataset, host);
    }
  },
};
