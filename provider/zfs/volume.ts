// zfs:Volume — a ZFS volume (zvol), a block device for VMs and iSCSI. Id: "host[:port]/guid:<guid>".
// It grows in place (zfs set volsize); a shrink cuts data off its end, so check refuses it unless allowShrink.
import { z } from "zod";
import { checkWith } from "../check";
import type { CheckResult, ResourceKind } from "../resource";
import { connectionSchema } from "../ssh/connection";
import { createVolume } from "./commands";
import { valueOf } from "./inventory";
import {
  ZFS_SCHEMA_VERSION,
  createManaged,
  deleteManaged,
  diffManaged,
  readManaged,
  updateManaged,
  type Flavour,
  type ManagedOutputs,
} from "./managed";
import { parseSize } from "./properties";
import { bytes, datasetName, propertiesSchema, size } from "./schema";

/** ZVOL_DEFAULT_BLOCKSIZE: 16K since OpenZFS 2.2. */
const DEFAULT_BLOCK_SIZE = 16n * 1024n;

const inputsSchema = z
  .object({
    connection: connectionSchema,
    owner: z.string(),
    name: datasetName,
    size,
    sparse: z.boolean().default(false),
    blockSize: size
      .refine(
        (v) => {
          const n = parseSize(v)!;
          return n >= 512n && n <= 128n * 1024n && (n & (n - 1n)) === 0n;
        },
        { message: "must be a power of 2 from 512 to 128K (volblocksize, zfsprops(7))" },
      )
      .optional(),
    allowShrink: z.boolean().default(false),
    properties: propertiesSchema({ type: "volume", ownedBy: { volsize: "size", volblocksize: "blockSize" } }),
    createParents: z.boolean().default(false),
    adopt: z.boolean().default(false),
    forceDestroy: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (typeof v.size !== "string") return;
    const n = bytes(v.size);
    const block = v.blockSize !== undefined ? bytes(v.blockSize) : DEFAULT_BLOCK_SIZE;
    if (n === 0n) ctx.addIssue({ code: "custom", path: ["size"], message: "a volume cannot be empty" });
    // zfs set volsize refuses other sizes ("must be a multiple of volume block size", libzfs_dataset.c).
    else if (block > 0n && n % block !== 0n) {
      ctx.addIssue({
        code: "custom",
        path: ["size"],
        message: `${v.size} is not a multiple of the block size (${block} bytes${v.blockSize === undefined ? ", the default" : ""})`,
      });
    }
  });

export type VolumeInputs = z.output<typeof inputsSchema>;

export interface VolumeOutputs extends ManagedOutputs, VolumeInputs {
  /** The volume's size in bytes, as zfs reports it. */
  volsize: number;
  volblocksize: number;
  /** The block device FreeBSD makes for it (volmode=geom or dev). */
  devicePath: string;
}

export const volume: Flavour<VolumeInputs, VolumeOutputs> = {
  type: "volume",
  fields: { volsize: "size", volblocksize: "blockSize" },
  createCommand: (inputs, properties) =>
    createVolume({
      name: inputs.name,
      properties,
      size: parseSize(inputs.size)!.toString(),
      sparse: inputs.sparse,
      blockSize: inputs.blockSize === undefined ? undefined : parseSize(inputs.blockSize)!.toString(),
    }),
  extraOutputs: (state) => ({
    volsize: Number(valueOf(state, "volsize") ?? 0),
    volblocksize: Number(valueOf(state, "volblocksize") ?? 0),
    devicePath: `/dev/zvol/${state.name}`,
  }),
  // A sparse volume has no refreservation; "auto" gives a thick one its full size back (zfsprops(7)).
  extraSets(olds, news): Record<string, string> {
    if (olds.sparse === news.sparse || news.properties.refreservation !== undefined) return {};
    return { refreservation: news.sparse ? "none" : "auto" };
  },
  checkAdoption(inputs, state) {
    const host = BigInt(valueOf(state, "volsize") ?? "0");
    if (host > bytes(inputs.size) && !inputs.allowShrink) {
      throw new Error(
        `cannot adopt ${inputs.name}: it is ${host} bytes on the host, larger than [size] ${inputs.size}; ` +
          `shrinking destroys the data at its end: set [allowShrink] to true if that is what you want`,
      );
    }
  },
};

/** A smaller [size] than before destroys data; it needs allowShrink. */
function shrinkFailure(olds: Record<string, unknown>, news: VolumeInputs) {
  if (typeof olds.size !== "string" && typeof olds.size !== "number") return [];
  const before = parseSize(String(olds.size));
  const after = typeof news.size === "string" ? parseSize(news.size) : undefined; // unknown during a preview
  if (before === undefined || after === undefined || news.allowShrink === true || after >= before) return [];
  return [
    {
      property: "size",
      reason:
        `shrinking the volume from ${olds.size} to ${news.size} destroys the data at its end; ` +
        `set [allowShrink] to true if that is what you want`,
    },
  ];
}

export const volumeKind: ResourceKind<VolumeInputs, VolumeOutputs> = {
  schemaVersion: ZFS_SCHEMA_VERSION,

  async check(olds, news): Promise<CheckResult<VolumeInputs>> {
    const result = checkWith(inputsSchema, news);
    if (result.failures.length > 0) return result;
    return { inputs: result.inputs, failures: shrinkFailure(olds, result.inputs) };
  },

  async diff(_id, olds, news) {
    return diffManaged(volume, olds, news, olds.sparse !== news.sparse || olds.allowShrink !== news.allowShrink);
  },

  create: (inputs) => createManaged(volume, inputs),
  read: (id, props) => readManaged(volume, id, props),
  update: (_id, olds, news) => updateManaged(volume, olds, news),
  delete: (_id, props) => deleteManaged("volume", props),
};
