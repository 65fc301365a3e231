// zfs:Dataset — a ZFS filesystem. Id: "host[:port]/guid:<guid>" (managed.ts says why).
import { z } from "zod";
import { checkWith } from "../check";
import type { ResourceKind } from "../resource";
import { connectionSchema } from "../ssh/connection";
import { createFilesystem } from "./commands";
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
import { datasetName, propertiesSchema } from "./schema";

const inputsSchema = z.object({
  connection: connectionSchema,
  owner: z.string(),
  name: datasetName,
  properties: propertiesSchema({ type: "filesystem" }),
  createParents: z.boolean().default(false),
  adopt: z.boolean().default(false),
  forceDestroy: z.boolean().default(false),
});

export type DatasetInputs = z.output<typeof inputsSchema>;

export interface DatasetOutputs extends ManagedOutputs, DatasetInputs {
  /** Where it is mounted, "none" or "legacy", as zfs reports it. */
  mountpoint: string;
  mounted: boolean;
}

export const filesystem: Flavour<DatasetInputs, DatasetOutputs> = {
  type: "filesystem",
  fields: {},
  createCommand: (inputs, properties) => createFilesystem({ name: inputs.name, properties }),
  extraOutputs: (state) => ({
    mountpoint: valueOf(state, "mountpoint") ?? "",
    mounted: valueOf(state, "mounted") === "yes",
  }),
};

export const datasetKind: ResourceKind<DatasetInputs, DatasetOutputs> = {
  schemaVersion: ZFS_SCHEMA_VERSION,

  async check(_olds, news) {
    return checkWith(inputsSchema, news);
  },

  async diff(_id, olds, news) {
    return diffManaged(filesystem, olds, news, false);
  },

  create: (inputs) => createManaged(filesystem, inputs),
  read: (id, props) => readManaged(filesystem, id, props),
  update: (_id, olds, news) => updateManaged(filesystem, olds, news),
  delete: (_id, props) => deleteManaged("filesystem", props),
};
