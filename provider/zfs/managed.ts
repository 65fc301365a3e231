// The life of a dataset a resource manages, shared by zfs:Dataset (a filesystem) and zfs:Volume.
//
// Identity: a dataset's guid never changes, its name does (zfs rename). So the id is "host[:port]/guid:<guid>",
// the name is an output, and every operation first finds the dataset by guid (inventory.ts).
//
// Drift: the program's properties are compared with what the host reported right after we applied them
// (`appliedValues`), not with guessed aliases: `compression=gzip-6` reads back as `gzip`, and that is no drift.
// A refresh that finds another local value (or none) writes it into the outputs, so the next diff sees it.
import { PartialCreateError, type DiffResult } from "../resource";
import { hostLabel, type Connection } from "../ssh/connection";
import { RemoteCommandError } from "../ssh/errors";
import { hostFor, type Host } from "../ssh/host";
import { shellChain } from "../ssh/quote";
import { createParents, destroy, inheritProperty, renameDataset, setProperties } from "./commands";
import { AdoptRequiredError, DatasetGoneError, HasDependentsError, NotOwnedError } from "./errors";
import { descendantsOf, findDataset, localValue, ownerOf, valueOf, type DatasetState } from "./inventory";
import { formatSource, parseZfsErrors, type ZfsFailure } from "./parse";
import { OWNER_PROPERTY, isCreateOnly, normaliseValue, parentOf, poolOf } from "./properties";

/** The schema version the ZFS kinds write (DESIGN.md: outputs carry it so later versions can migrate). */
export const ZFS_SCHEMA_VERSION = 1;

export interface ManagedInputs {
  connection: Connection;
  owner: string;
  name: string;
  properties: Record<string, string>;
  createParents: boolean;
  adopt: boolean;
  forceDestroy: boolean;
}

/** A property as `zfs get` reports it. */
export interface ReportedProperty {
  value: string;
  /** "-", "default", "local", "temporary", "received" or "inherited from <dataset>". */
  source: string;
}

export interface ManagedOutputs extends ManagedInputs {
  schemaVersion: number;
  guid: string;
  used: number;
  available: number;
  referenced: number;
  /** Seconds since the epoch. */
  creation: number;
  /** The snapshot this dataset was cloned from, or "". */
  origin: string;
  /** For each property the program sets: the host's value right after it was applied. */
  appliedValues: Record<string, string>;
  /** Every property as the host reports it, with its source. */
  reported: Record<string, ReportedProperty>;
}

/** What distinguishes a filesystem from a volume in the shared life cycle. */
export interface Flavour<I extends ManagedInputs, O extends ManagedOutputs & I> {
  type: "filesystem" | "volume";
  /** Native properties the kind takes through its own arguments: property -> argument (volsize -> size). */
  fields: Readonly<Record<string, keyof I & string>>;
  /** The create command, given the properties to pass as -o (marker included). */
  createCommand(inputs: I, properties: Record<string, string>): string[];
  /** Outputs only this flavour has (mountpoint; volsize, device path). */
  extraOutputs(state: DatasetState): Omit<O, keyof ManagedOutputs | keyof I>;
  /** Native properties an update sets besides the declared ones (a volume turning sparse). */
  extraSets?(olds: O, news: I): Record<string, string>;
  /** Refuses what an adoption cannot do (shrinking an adopted volume). */
  checkAdoption?(inputs: I, state: DatasetState): void;
}

// ---------------------------------------------------------------------------------------------------------------
// Pure helpers (exported for the unit tests)

export { hostLabel };

/** The natural id: the host and the dataset's guid, which survives renames. */
export function datasetId(connection: Pick<Connection, "host" | "port">, guid: string): string {
  return `${hostLabel(connection)}/guid:${guid}`;
}

/** Every property the inputs set, native arguments (size, blockSize) included, by ZFS property name. */
export function desiredProperties<I extends ManagedInputs>(
  inputs: I,
  fields: Readonly<Record<string, keyof I & string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...inputs.properties };
  for (const [property, field] of Object.entries(fields)) {
    const v = inputs[field];
    if (v !== undefined && v !== null) out[property] = String(v);
  }
  return out;
}

/** The input path a property lives at, as previews name it: "properties.casesensitivity", "blockSize". */
export function inputPath(property: string, fields: Readonly<Record<string, string>>): string {
  return fields[property] ?? `properties.${property}`;
}

/** The host's value of a property the program manages: its local value, or for arguments any value. */
export function hostValue(state: DatasetState, property: string, fields: Readonly<Record<string, string>>) {
  // volsize and volblocksize are part of what a volume is; zfs reports volblocksize with source "-".
  return fields[property] !== undefined ? valueOf(state, property) : localValue(state, property);
}

export function reportedOf(state: DatasetState): Record<string, ReportedProperty> {
  const out: Record<string, ReportedProperty> = {};
  for (const [name, p] of state.properties) out[name] = { value: p.value, source: formatSource(p.source) };
  return out;
}

function numberOf(state: DatasetState, property: string): number {
  const v = valueOf(state, property);
  return v === undefined || !/^\d+$/.test(v) ? 0 : Number(v);
}

function baseOutputs(state: DatasetState) {
  const origin = valueOf(state, "origin");
  return {
    guid: state.guid,
    used: numberOf(state, "used"),
    available: numberOf(state, "available"),
    referenced: numberOf(state, "referenced"),
    creation: numberOf(state, "creation"),
    origin: origin === undefined || origin === "-" ? "" : origin,
    reported: reportedOf(state),
  };
}

/**
 * Outputs right after create or update: the program's values, and what the host made of each of them.
 * A property zfs did not keep locally is left out of appliedValues, so the next refresh reports it.
 */
export function appliedOutputs<I extends ManagedInputs, O extends ManagedOutputs & I>(
  flavour: Flavour<I, O>,
  inputs: I,
  state: DatasetState,
): O {
  const appliedValues: Record<string, string> = {};
  for (const property of Object.keys(desiredProperties(inputs, flavour.fields))) {
    const v = hostValue(state, property, flavour.fields);
    if (v !== undefined) appliedValues[property] = v;
  }
  return {
    ...inputs,
    name: state.name,
    schemaVersion: ZFS_SCHEMA_VERSION,
    ...baseOutputs(state),
    ...flavour.extraOutputs(state),
    appliedValues,
  } as unknown as O;
}

/**
 * Outputs after a refresh: each managed property whose host value is no longer the one applied is drift; the
 * outputs then hold the host's value (or lose the property, when the host has no local value) so diff sees it.
 */
export function refreshedOutputs<I extends ManagedInputs, O extends ManagedOutputs & I>(
  flavour: Flavour<I, O>,
  props: O,
  state: DatasetState,
): O {
  const properties = { ...props.properties };
  const appliedValues = { ...props.appliedValues };
  const fields: Record<string, unknown> = {};
  for (const property of Object.keys(desiredProperties(props, flavour.fields))) {
    const now = hostValue(state, property, flavour.fields);
    if (now === appliedValues[property]) continue;
    const field = flavour.fields[property];
    if (field !== undefined) {
      if (now !== undefined) fields[field] = now;
    } else if (now === undefined) {
      delete properties[property];
    } else {
      properties[property] = now;
    }
    if (now === undefined) delete appliedValues[property];
    else appliedValues[property] = now;
  }
  return {
    ...props,
    ...fields,
    name: state.name,
    properties,
    appliedValues,
    ...baseOutputs(state),
    ...flavour.extraOutputs(state),
  };
}

/** Create-only properties that differ between olds and news, as input paths; a removed one is not a change. */
export function replacedProperties(
  olds: Record<string, string>,
  news: Record<string, string>,
  reported: Record<string, ReportedProperty> | undefined,
  fields: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  for (const [property, value] of Object.entries(news)) {
    if (!isCreateOnly(property)) continue;
    const want = normaliseValue(property, value);
    const had = olds[property];
    if (had !== undefined && normaliseValue(property, had) === want) continue;
    // Newly declared, and already what the host has: nothing to replace.
    const host = reported?.[property]?.value;
    if (had === undefined && host !== undefined && normaliseValue(property, host) === want) continue;
    out.push(inputPath(property, fields));
  }
  return out;
}

/** The managed properties whose values differ after normalising, added or removed. */
export function changedProperties(olds: Record<string, string>, news: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  return [...keys].filter((k) => {
    const a = olds[k];
    const b = news[k];
    if (a === undefined || b === undefined) return a !== b;
    return normaliseValue(k, a) !== normaliseValue(k, b);
  });
}

export function diffManaged<I extends ManagedInputs, O extends ManagedOutputs & I>(
  flavour: Flavour<I, O>,
  olds: O,
  news: I,
  otherChanges: boolean,
): DiffResult {
  const before = desiredProperties(olds, flavour.fields);
  const after = desiredProperties(news, flavour.fields);
  const replaces = replacedProperties(before, after, olds.reported, flavour.fields);
  // zfs rename cannot move a dataset to another pool (zfs-rename(8)).
  if (poolOf(olds.name) !== poolOf(news.name)) replaces.push("name");
  const changes =
    replaces.length > 0 ||
    otherChanges ||
    olds.name !== news.name ||
    olds.owner !== news.owner ||
    changedProperties(before, after).length > 0 ||
    olds.createParents !== news.createParents ||
    olds.adopt !== news.adopt ||
    olds.forceDestroy !== news.forceDestroy ||
    JSON.stringify(olds.connection) !== JSON.stringify(news.connection);
  // The replacement takes the same name: the old dataset must go first.
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && olds.name === news.name };
}

// ---------------------------------------------------------------------------------------------------------------
// Host operations

function failuresOf(err: unknown): ZfsFailure[] {
  return err instanceof RemoteCommandError && !err.transport ? parseZfsErrors(err.stderr) : [];
}

/** Runs commands in order in one round trip, stopping at the first failure. */
async function runAll(host: Host, commands: string[][]): Promise<void> {
  if (commands.length === 0) return;
  await host.script(shellChain(commands));
}

async function mustFind(host: Host, what: string, props: ManagedOutputs): Promise<DatasetState> {
  const state = await findDataset(host, { name: props.name, guid: props.guid });
  if (state === undefined) throw new DatasetGoneError(what, props.name, props.guid, host.name);
  return state;
}

export async function createManaged<I extends ManagedInputs, O extends ManagedOutputs & I>(
  flavour: Flavour<I, O>,
  inputs: I,
): Promise<{ id: string; outs: O }> {
  const host = hostFor(inputs.connection);
  const desired = desiredProperties(inputs, flavour.fields);
  const options: Record<string, string> = { ...inputs.properties, [OWNER_PROPERTY]: inputs.owner };
  const parent = parentOf(inputs.name);
  const commands = [flavour.createCommand(inputs, options)];
  if (inputs.createParents && parent !== undefined && parent.includes("/")) commands.unshift(createParents(parent));

  let existed = false;
  let dropped: unknown;
  let notMounted: RemoteCommandError | undefined;
  try {
    await runAll(host, commands);
  } catch (err) {
    const failures = failuresOf(err);
    if (failures.some((f) => f.kind === "createdNotMounted")) notMounted = err as RemoteCommandError;
    else if (failures.some((f) => f.kind === "alreadyExists")) existed = true;
    else if (failures.some((f) => f.kind === "parentMissing" || f.kind === "noSuchPool")) {
      const f = failures.find((f) => f.kind === "parentMissing" || f.kind === "noSuchPool")!;
      throw new Error(
        f.kind === "noSuchPool"
          ? `cannot create ${inputs.name}: the host has no pool "${f.pool}"`
          : `cannot create ${inputs.name}: its parent ${parent} does not exist; create it first or set [createParents] to true`,
        { cause: err },
      );
    } else if (err instanceof RemoteCommandError && err.transport) {
      // The connection dropped: the create may have run. What is on the host decides.
      existed = true;
      dropped = err;
    } else throw err;
  }

  let state = await findDataset(host, { name: inputs.name });
  if (state === undefined && dropped !== undefined) throw dropped;
  if (state === undefined) {
    throw new Error(`zfs create of ${inputs.name} on ${host.name} reported success, but the dataset cannot be read`);
  }
  if (existed) state = await adoptExisting(host, flavour, inputs, state, desired);

  const outs = appliedOutputs(flavour, inputs, state);
  const id = datasetId(inputs.connection, state.guid);
  if (notMounted !== undefined) {
    // zfs_main.c: the dataset exists with every property, only the mount failed. Pulumi records it (nothing is
    // orphaned); the next `pulumi up` finishes it.
    throw new PartialCreateError(
      `created ${inputs.name} on ${host.name}, but it could not be mounted: ` +
        `${notMounted.stderr.trim()}. Fix the cause (e.g. a non-empty directory at ` +
        `${valueOf(state, "mountpoint")}), then mount it with \`zfs mount ${inputs.name}\` and run \`pulumi up\`.`,
      id,
      outs as unknown as Record<string, unknown>,
    );
  }
  return { id, outs };
}

/** A dataset was already there: take it over if it is ours (a retried create) or the program says adopt. */
async function adoptExisting<I extends ManagedInputs, O extends ManagedOutputs & I>(
  host: Host,
  flavour: Flavour<I, O>,
  inputs: I,
  state: DatasetState,
  desired: Record<string, string>,
): Promise<DatasetState> {
  if (state.type !== flavour.type) {
    throw new Error(`cannot create ${flavour.type} ${inputs.name}: a ${state.type} of that name exists`);
  }
  const owner = ownerOf(state);
  if (owner !== inputs.owner && !inputs.adopt) throw new AdoptRequiredError(inputs.name, owner, flavour.type);
  const conflicts = Object.entries(desired).filter(([property, value]) => {
    if (!isCreateOnly(property)) return false;
    const host = valueOf(state, property);
    return host !== undefined && normaliseValue(property, host) !== normaliseValue(property, value);
  });
  if (conflicts.length > 0) {
    throw new Error(
      `cannot adopt ${inputs.name}: ${conflicts
        .map(([p, v]) => `${p} is "${valueOf(state, p)}" on the host but "${v}" in the program`)
        .join("; ")}, and these are set once at creation (zfsprops(7))`,
    );
  }
  flavour.checkAdoption?.(inputs, state);
  // zfs create -p, or an earlier create, left the properties unset: set every one that differs.
  const sets: Record<string, string> = {};
  for (const [property, value] of Object.entries(desired)) {
    if (isCreateOnly(property)) continue;
    const now = hostValue(state, property, flavour.fields);
    if (now === undefined || normaliseValue(property, now) !== normaliseValue(property, value)) sets[property] = value;
  }
  if (owner !== inputs.owner) sets[OWNER_PROPERTY] = inputs.owner;
  if (Object.keys(sets).length === 0) return state;
  await host.exec(setProperties(state.name, sets));
  const after = await findDataset(host, { name: state.name, guid: state.guid });
  if (after === undefined) throw new DatasetGoneError(flavour.type, state.name, state.guid, host.name);
  return after;
}

export async function readManaged<I extends ManagedInputs, O extends ManagedOutputs & I>(
  flavour: Flavour<I, O>,
  id: string,
  props: O,
): Promise<{ id: string; props: O } | undefined> {
  const host = hostFor(props.connection);
  const state = await findDataset(host, { name: props.name, guid: props.guid || undefined });
  if (state === undefined || state.type !== flavour.type) return undefined;
  return { id: id || datasetId(props.connection, state.guid), props: refreshedOutputs(flavour, props, state) };
}

export async function updateManaged<I extends ManagedInputs, O extends ManagedOutputs & I>(
  flavour: Flavour<I, O>,
  olds: O,
  news: I,
): Promise<O> {
  // A changed connection is the same host reached another way; the guid proves it (or the update stops).
  const host = hostFor(news.connection);
  const state = await mustFind(host, flavour.type, olds);
  const commands: string[][] = [];
  if (state.name !== news.name) {
    commands.push(renameDataset(state.name, news.name, { createParents: news.createParents }));
  }
  const before = desiredProperties(olds, flavour.fields);
  const after = desiredProperties(news, flavour.fields);
  const sets: Record<string, string> = { ...flavour.extraSets?.(olds, news) };
  for (const property of changedProperties(before, after)) {
    if (isCreateOnly(property)) continue; // diff replaced, or the host already has it
    const value = after[property];
    if (value !== undefined) sets[property] = value;
  }
  if (ownerOf(state) !== news.owner) sets[OWNER_PROPERTY] = news.owner;
  if (Object.keys(sets).length > 0) commands.push(setProperties(news.name, sets));
  for (const property of changedProperties(before, after)) {
    if (after[property] === undefined && !isCreateOnly(property) && flavour.fields[property] === undefined) {
      commands.push(inheritProperty(news.name, property));
    }
  }
  await runAll(host, commands);
  const now = await findDataset(host, { name: news.name, guid: state.guid });
  if (now === undefined) throw new DatasetGoneError(flavour.type, news.name, state.guid, host.name);
  return appliedOutputs(flavour, news, now);
}

export async function deleteManaged(what: string, props: ManagedOutputs): Promise<void> {
  const host = hostFor(props.connection);
  const state = await findDataset(host, { name: props.name, guid: props.guid || undefined });
  if (state === undefined) return; // already gone
  const owner = ownerOf(state);
  if (owner !== props.owner && !props.forceDestroy) throw new NotOwnedError(state.name, props.owner, owner);
  const dependents = await descendantsOf(host, state.name);
  if (dependents.length > 0 && !props.forceDestroy) throw new HasDependentsError(state.name, dependents);
  try {
    await host.exec(destroy(state.name, { recursive: dependents.length > 0 }));
  } catch (err) {
    const failures = failuresOf(err);
    if (failures.some((f) => f.kind === "notFound")) return;
    const children = failures.find((f) => f.kind === "hasChildren");
    // Something appeared below it between the check and the destroy: still nothing destroyed.
    if (children !== undefined && children.kind === "hasChildren") {
      throw new HasDependentsError(
        state.name,
        children.children.map((name) => ({ name, type: name.includes("@") ? "snapshot" : "dataset" })),
      );
    }
    if (failures.some((f) => f.kind === "busy")) {
      throw new Error(
        `cannot destroy ${what} ${state.name}: it is busy (mounted and in use by a process or a jail, or held ` +
          `as a device). Stop what uses it and run the destroy again.\n${(err as RemoteCommandError).stderr.trim()}`,
        { cause: err },
      );
    }
    throw err;
  }
}
