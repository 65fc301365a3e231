// Reading datasets, volumes and snapshots: batched per host, found by guid when their name changed.
//
// A refresh of N resources on one host costs one `zfs get all` over the N names (provider/inventory.ts coalesces
// the concurrent reads). Only when some name no longer holds the dataset with the remembered guid (renamed
// outside Pulumi, or destroyed and another created in its place) do two more commands run: one `zfs list` of
// name and guid in the pools concerned, one `zfs get all` of the new names. At most three, whatever N is.
import { readerPerHost } from "../inventory";
import { RemoteCommandError } from "../ssh/errors";
import type { Host } from "../ssh/host";
import { shellJoin } from "../ssh/quote";
import { getAll, getRecursive, listGuids } from "./commands";
import {
  groupByDataset,
  parseGetOutput,
  parseListOutput,
  parseZfsErrors,
  type DatasetProperties,
  type PropertySource,
} from "./parse";
import { OWNER_PROPERTY, poolOf, type DatasetType } from "./properties";

/** What a resource remembers of its dataset: the guid identifies it, the name is where it was last seen. */
export interface DatasetRef {
  name: string;
  /** Unknown only between `zfs create` and its first read. */
  guid?: string;
}

export interface DatasetState {
  name: string;
  guid: string;
  type: DatasetType;
  properties: Map<string, { value: string; source: PropertySource }>;
}

/** The value of a property set on this dataset itself (source local), or undefined. */
export function localValue(state: DatasetState, property: string): string | undefined {
  const p = state.properties.get(property);
  return p !== undefined && p.source.kind === "local" ? p.value : undefined;
}

/** The ownership marker set on this dataset itself; user properties are inherited, so only `local` counts. */
export function ownerOf(state: DatasetState): string | undefined {
  return localValue(state, OWNER_PROPERTY);
}

/** zfs get's value of a property, whatever its source. */
export function valueOf(state: DatasetState, property: string): string | undefined {
  return state.properties.get(property)?.value;
}

function toState(ds: DatasetProperties): DatasetState | undefined {
  const guid = ds.properties.get("guid")?.value;
  const type = ds.properties.get("type")?.value;
  if (guid === undefined || (type !== "filesystem" && type !== "volume" && type !== "snapshot")) return undefined;
  return { name: ds.name, guid, type, properties: ds.properties };
}

// The remote command line holds every name; FreeBSD's ARG_MAX is 512 KiB (kern.argmax), so stay well below.
const MAX_NAMES_BYTES = 128 * 1024;

function chunks(names: string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const name of names) {
    if (current.length > 0 && size + name.length + 3 > MAX_NAMES_BYTES) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(name);
    size += name.length + 3;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Runs a read whose missing datasets are not failures: `zfs get`/`zfs list` exit 1 after printing
 * "cannot open 'x': dataset does not exist" for each, and still list the others. Anything else is an error.
 */
async function readTolerant(host: Host, argv: string[]): Promise<string> {
  const result = await host.exec(argv, { retry: "safe", okExitCodes: [0, 1] });
  if (result.exitCode !== 0) {
    const failures = parseZfsErrors(result.stderr);
    const unexpected = failures.filter((f) => f.kind !== "notFound");
    if (failures.length === 0 || unexpected.length > 0) {
      throw new RemoteCommandError({
        host: host.name,
        command: shellJoin(argv),
        exitCode: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr,
        durationMs: result.durationMs,
        timedOut: false,
        transport: false,
      });
    }
  }
  return result.stdout;
}

/** `zfs get all` of `names`: the datasets that exist, by name. */
async function getAllOf(host: Host, names: string[]): Promise<Map<string, DatasetState>> {
  const out = new Map<string, DatasetState>();
  const outputs = await Promise.all(chunks(names).map((c) => readTolerant(host, getAll(c))));
  for (const text of outputs) {
    for (const ds of groupByDataset(parseGetOutput(text)).values()) {
      const state = toState(ds);
      if (state !== undefined) out.set(state.name, state);
    }
  }
  return out;
}

function refKey(ref: DatasetRef): string {
  // Neither a guid nor a dataset name can hold a TAB.
  return `${ref.guid ?? ""}\t${ref.name}`;
}

function refOf(key: string): DatasetRef {
  const [guid, name] = key.split("\t") as [string, string];
  return guid === "" ? { name } : { name, guid };
}

/** One batch: every ref asked for during the batch window, answered in at most three commands. */
export async function fetchDatasets(host: Host, keys: string[]): Promise<Map<string, DatasetState>> {
  const refs = keys.map(refOf);
  const byName = await getAllOf(host, [...new Set(refs.map((r) => r.name))]);
  const found = new Map<string, DatasetState>();
  const lost: DatasetRef[] = [];
  for (const ref of refs) {
    const state = byName.get(ref.name);
    if (state !== undefined && (ref.guid === undefined || state.guid === ref.guid)) found.set(refKey(ref), state);
    else if (ref.guid !== undefined) lost.push(ref);
  }
  if (lost.length === 0) return found;

  // Renamed (or replaced) since the last read: look for each guid in its pool. A rename never leaves the pool.
  const pools = [...new Set(lost.map((r) => poolOf(r.name)))];
  const types = lost.some((r) => r.name.includes("@"))
    ? ["filesystem", "volume", "snapshot"]
    : ["filesystem", "volume"];
  const listing = parseListOutput(await readTolerant(host, listGuids(pools, types)), ["name", "guid"]);
  const nameOfGuid = new Map(listing.map((row) => [row.guid!, row.name!]));
  const moved = lost.filter((r) => nameOfGuid.has(r.guid!));
  if (moved.length === 0) return found;
  const byNewName = await getAllOf(host, [...new Set(moved.map((r) => nameOfGuid.get(r.guid!)!))]);
  for (const ref of moved) {
    const state = byNewName.get(nameOfGuid.get(ref.guid!)!);
    if (state !== undefined && state.guid === ref.guid) found.set(refKey(ref), state);
  }
  return found;
}

const readers = readerPerHost<Host, string, DatasetState>((host) => (keys) => fetchDatasets(host, keys));

/**
 * The dataset `ref` names, as the host has it now, or undefined when it is gone. Concurrent calls for one host
 * share one batch (provider/inventory.ts); nothing is cached past it.
 */
export function findDataset(host: Host, ref: DatasetRef): Promise<DatasetState | undefined> {
  return readers(host).get(refKey(ref));
}

/** A dataset or snapshot below another, with its own ownership marker (undefined when it has none). */
export interface Descendant {
  name: string;
  type: string;
  owner?: string;
}

/** Everything below `name`: child filesystems and volumes at any depth, and every snapshot of any of them. */
export async function descendantsOf(host: Host, name: string): Promise<Descendant[]> {
  const text = await readTolerant(host, getRecursive(name, ["type", OWNER_PROPERTY]));
  const out: Descendant[] = [];
  for (const ds of groupByDataset(parseGetOutput(text)).values()) {
    if (ds.name === name) continue;
    const owner = ds.properties.get(OWNER_PROPERTY);
    out.push({
      name: ds.name,
      type: ds.properties.get("type")?.value ?? "dataset",
      owner: owner !== undefined && owner.source.kind === "local" ? owner.value : undefined,
    });
  }
  return out;
}

/** A snapshot with its clones (datasets made from it with zfs clone) and its own ownership marker. */
export interface SnapshotDependents {
  name: string;
  clones: string[];
  owner?: string;
}

/**
 * The snapshots called `@snapName` of `dataset` and of every dataset below it: what
 * `zfs destroy -r dataset@snapName` would destroy.
 */
export async function snapshotsNamed(host: Host, dataset: string, snapName: string): Promise<SnapshotDependents[]> {
  const text = await readTolerant(host, getRecursive(dataset, ["clones", OWNER_PROPERTY]));
  const out: SnapshotDependents[] = [];
  for (const ds of groupByDataset(parseGetOutput(text)).values()) {
    if (!ds.name.endsWith(`@${snapName}`)) continue;
    const owner = ds.properties.get(OWNER_PROPERTY);
    out.push({
      name: ds.name,
      clones: clonesOf(ds.properties.get("clones")?.value),
      owner: owner !== undefined && owner.source.kind === "local" ? owner.value : undefined,
    });
  }
  return out;
}

/** The `clones` property: a comma-separated list of datasets, or "" / "-" when there are none. */
export function clonesOf(value: string | undefined): string[] {
  return value === undefined || value === "" || value === "-" ? [] : value.split(",");
}
