// zfs:Snapshot — a snapshot of a dataset or volume (optionally of everything below it, -r). Id:
// "host[:port]/guid:<guid>": a snapshot keeps its guid when it, or its dataset, is renamed.
import { z } from "zod";
import { checkWith, containsUnknown } from "../check";
import { PartialCreateError, type DiffResult, type ResourceKind } from "../resource";
import { connectionSchema } from "../ssh/connection";
import { RemoteCommandError } from "../ssh/errors";
import { hostFor, type Host } from "../ssh/host";
import { shellChain } from "../ssh/quote";
import { destroy, inheritProperty, renameSnapshot, setProperties, snapshot } from "./commands";
import { AdoptRequiredError, DatasetGoneError, HasClonesError, HasDependentsError, NotOwnedError } from "./errors";
import { clonesOf, findDataset, localValue, ownerOf, snapshotsNamed, valueOf, type DatasetState } from "./inventory";
import { ZFS_SCHEMA_VERSION, changedProperties, datasetId, reportedOf, type ReportedProperty } from "./managed";
import { parseZfsErrors, type ZfsFailure } from "./parse";
import { OWNER_PROPERTY } from "./properties";
import { datasetName, propertiesSchema, snapshotName } from "./schema";

const inputsSchema = z.object({
  connection: connectionSchema,
  owner: z.string(),
  dataset: datasetName,
  name: snapshotName,
  recursive: z.boolean().default(false),
  properties: propertiesSchema({ type: "snapshot", userOnly: true }),
  adopt: z.boolean().default(false),
  forceDestroy: z.boolean().default(false),
});

export type SnapshotInputs = z.output<typeof inputsSchema>;

export interface SnapshotOutputs extends SnapshotInputs {
  schemaVersion: number;
  guid: string;
  /** dataset@name */
  fullName: string;
  /** Seconds since the epoch. */
  creation: number;
  used: number;
  referenced: number;
  /** Datasets cloned from this snapshot. */
  clones: string[];
  appliedValues: Record<string, string>;
  reported: Record<string, ReportedProperty>;
}

function split(fullName: string): { dataset: string; name: string } {
  const at = fullName.indexOf("@");
  return { dataset: fullName.slice(0, at), name: fullName.slice(at + 1) };
}

function numberOf(state: DatasetState, property: string): number {
  const v = valueOf(state, property);
  return v === undefined || !/^\d+$/.test(v) ? 0 : Number(v);
}

function stateOutputs(state: DatasetState) {
  return {
    ...split(state.name),
    fullName: state.name,
    guid: state.guid,
    creation: numberOf(state, "creation"),
    used: numberOf(state, "used"),
    referenced: numberOf(state, "referenced"),
    clones: clonesOf(valueOf(state, "clones")),
    reported: reportedOf(state),
  };
}

/** Outputs after create or update: user properties are kept by zfs as given, so what we read is what we set. */
function appliedOutputs(inputs: SnapshotInputs, state: DatasetState): SnapshotOutputs {
  const appliedValues: Record<string, string> = {};
  for (const property of Object.keys(inputs.properties)) {
    const v = localValue(state, property);
    if (v !== undefined) appliedValues[property] = v;
  }
  return { ...inputs, schemaVersion: ZFS_SCHEMA_VERSION, ...stateOutputs(state), appliedValues };
}

/** Outputs after a refresh: a user property changed outside Pulumi is drift (see managed.ts). */
export function refreshedOutputs(props: SnapshotOutputs, state: DatasetState): SnapshotOutputs {
  const properties = { ...props.properties };
  const appliedValues = { ...props.appliedValues };
  for (const property of Object.keys(props.properties)) {
    const now = localValue(state, property);
    if (now === appliedValues[property]) continue;
    if (now === undefined) {
      delete properties[property];
      delete appliedValues[property];
    } else {
      properties[property] = now;
      appliedValues[property] = now;
    }
  }
  return { ...props, ...stateOutputs(state), properties, appliedValues };
}

function failuresOf(err: unknown): ZfsFailure[] {
  return err instanceof RemoteCommandError && !err.transport ? parseZfsErrors(err.stderr) : [];
}

async function mustFind(host: Host, props: SnapshotOutputs): Promise<DatasetState> {
  const state = await findDataset(host, { name: props.fullName, guid: props.guid });
  if (state === undefined) throw new DatasetGoneError("snapshot", props.fullName, props.guid, host.name);
  return state;
}

async function create(inputs: SnapshotInputs): Promise<{ id: string; outs: SnapshotOutputs }> {
  const host = hostFor(inputs.connection);
  const fullName = `${inputs.dataset}@${inputs.name}`;
  let existed = false;
  try {
    await host.exec(
      snapshot(fullName, {
        recursive: inputs.recursive,
        properties: { ...inputs.properties, [OWNER_PROPERTY]: inputs.owner },
      }),
    );
  } catch (err) {
    const failures = failuresOf(err);
    if (failures.some((f) => f.kind === "alreadyExists" && f.name === fullName)) existed = true;
    else if (failures.some((f) => f.kind === "notFound")) {
      throw new Error(`cannot snapshot ${fullName}: the dataset ${inputs.dataset} does not exist`, { cause: err });
    } else if (err instanceof RemoteCommandError && err.transport) existed = true;
    else throw err;
  }
  let state = await findDataset(host, { name: fullName });
  if (state === undefined) throw new Error(`zfs snapshot ${fullName} on ${host.name}: the snapshot cannot be read`);
  if (existed) {
    const owner = ownerOf(state);
    if (owner !== inputs.owner && !inputs.adopt) throw new AdoptRequiredError(fullName, owner, "snapshot");
    const sets: Record<string, string> = {};
    for (const [property, value] of Object.entries(inputs.properties)) {
      if (localValue(state, property) !== value) sets[property] = value;
    }
    if (owner !== inputs.owner) sets[OWNER_PROPERTY] = inputs.owner;
    if (Object.keys(sets).length > 0) {
      const id = datasetId(inputs.connection, state.guid);
      try {
        await host.exec(setProperties(fullName, sets));
      } catch (err) {
        // The snapshot is there: record it rather than lose track of it.
        throw new PartialCreateError(
          `snapshot ${fullName} exists, but setting its properties failed: ${(err as Error).message}`,
          id,
          appliedOutputs(inputs, state) as unknown as Record<string, unknown>,
        );
      }
      state = (await findDataset(host, { name: fullName, guid: state.guid })) ?? state;
    }
  }
  return { id: datasetId(inputs.connection, state.guid), outs: appliedOutputs(inputs, state) };
}

async function diff(olds: SnapshotOutputs, news: SnapshotInputs): Promise<DiffResult> {
  const replaces: string[] = [];
  if (olds.recursive !== news.recursive) replaces.push("recursive");
  if (olds.dataset !== news.dataset && !(await movedWithDataset(olds, news))) replaces.push("dataset");
  const changes =
    replaces.length > 0 ||
    olds.dataset !== news.dataset ||
    olds.name !== news.name ||
    olds.owner !== news.owner ||
    olds.adopt !== news.adopt ||
    olds.forceDestroy !== news.forceDestroy ||
    changedProperties(olds.properties, news.properties).length > 0 ||
    JSON.stringify(olds.connection) !== JSON.stringify(news.connection);
  // The replacement takes the same full name when only [recursive] changed: the old one must go first.
  const sameName = olds.dataset === news.dataset && olds.name === news.name;
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && sameName };
}

/**
 * True when the snapshot is already under the dataset the program now names: its dataset was renamed (by a
 * zfs:Dataset update that ran first, or outside Pulumi), so nothing needs replacing. A snapshot cannot move to
 * another dataset, so anything else is a new snapshot. The one host read diff makes, and only in this case.
 * An unknown dataset name means the dataset itself is being replaced: its snapshots go with it.
 */
async function movedWithDataset(olds: SnapshotOutputs, news: SnapshotInputs): Promise<boolean> {
  if (containsUnknown(news.dataset)) return false;
  const state = await findDataset(hostFor(olds.connection), { name: olds.fullName, guid: olds.guid });
  return state !== undefined && split(state.name).dataset === news.dataset;
}

async function update(olds: SnapshotOutputs, news: SnapshotInputs): Promise<SnapshotOutputs> {
  const host = hostFor(news.connection);
  const state = await mustFind(host, olds);
  const current = split(state.name);
  if (current.dataset !== news.dataset) {
    throw new Error(
      `snapshot ${state.name} belongs to ${current.dataset}, not ${news.dataset}; a snapshot cannot move to ` +
        `another dataset (run \`pulumi up --replace\` on it to take a new one)`,
    );
  }
  const target = `${news.dataset}@${news.name}`;
  const commands: string[][] = [];
  if (current.name !== news.name) commands.push(renameSnapshot(state.name, target, { recursive: news.recursive }));
  const sets: Record<string, string> = {};
  const inherits: string[] = [];
  for (const property of changedProperties(olds.properties, news.properties)) {
    const value = news.properties[property];
    if (value === undefined) inherits.push(property);
    else sets[property] = value;
  }
  if (ownerOf(state) !== news.owner) sets[OWNER_PROPERTY] = news.owner;
  if (Object.keys(sets).length > 0) commands.push(setProperties(target, sets));
  for (const property of inherits) commands.push(inheritProperty(target, property));
  if (commands.length > 0) await host.script(shellChain(commands));
  const now = await findDataset(host, { name: target, guid: state.guid });
  if (now === undefined) throw new DatasetGoneError("snapshot", target, state.guid, host.name);
  return appliedOutputs(news, now);
}

async function remove(props: SnapshotOutputs): Promise<void> {
  const host = hostFor(props.connection);
  const state = await findDataset(host, { name: props.fullName, guid: props.guid || undefined });
  if (state === undefined) return;
  const owner = ownerOf(state);
  if (owner !== props.owner && !props.forceDestroy) throw new NotOwnedError(state.name, props.owner, owner);
  const { dataset, name } = split(state.name);
  // With -r, zfs destroys the snapshot of that name under every descendant: each must be ours too.
  const snapshots = props.recursive
    ? await snapshotsNamed(host, dataset, name)
    : [{ name: state.name, clones: clonesOf(valueOf(state, "clones")), owner }];
  const foreign = snapshots.filter((s) => s.name !== state.name && s.owner !== props.owner);
  if (foreign.length > 0 && !props.forceDestroy) {
    throw new HasDependentsError(
      state.name,
      foreign.map((s) => ({ name: s.name, type: "snapshot", owner: s.owner })),
    );
  }
  const clones = [...new Set(snapshots.flatMap((s) => s.clones))].sort();
  if (clones.length > 0 && !props.forceDestroy) throw new HasClonesError(state.name, clones);
  // Clones first (each with whatever depends on it, -R); a clone inside another clone goes with its parent.
  const outer = clones.filter((c) => !clones.some((o) => o !== c && c.startsWith(`${o}/`)));
  const commands = [
    ...outer.map((c) => destroy(c, { dependents: true })),
    destroy(state.name, { recursive: props.recursive }),
  ];
  try {
    await host.script(shellChain(commands));
  } catch (err) {
    const failures = failuresOf(err);
    if (failures.some((f) => f.kind === "noSnapshots" || (f.kind === "notFound" && f.name === dataset))) return;
    const cloned = failures.find((f) => f.kind === "hasClones");
    if (cloned !== undefined && cloned.kind === "hasClones") throw new HasClonesError(state.name, cloned.clones);
    throw err;
  }
}

export const snapshotKind: ResourceKind<SnapshotInputs, SnapshotOutputs> = {
  schemaVersion: ZFS_SCHEMA_VERSION,

  async check(_olds, news) {
    return checkWith(inputsSchema, news);
  },

  diff: (_id, olds, news) => diff(olds, news),
  create,

  async read(id, props) {
    const host = hostFor(props.connection);
    const state = await findDataset(host, { name: props.fullName, guid: props.guid || undefined });
    if (state === undefined || state.type !== "snapshot") return undefined;
    return { id: id || datasetId(props.connection, state.guid), props: refreshedOutputs(props, state) };
  },

  update: (_id, olds, news) => update(olds, news),
  delete: (_id, props) => remove(props),
};
