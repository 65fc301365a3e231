// The contract every resource kind keeps (see DESIGN.md, "Contract every resource keeps").
// Provider-side code deals in plain values: no pulumi.Input or pulumi.Output here.

/** One reason why an input is invalid, reported by `check` before anything runs on a host. */
export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult<Inputs> {
  inputs: Inputs;
  failures: CheckFailure[];
}

export interface DiffResult {
  changes: boolean;
  /** Properties whose change cannot be made in place. */
  replaces?: string[];
  /** Properties that never change across an update. */
  stables?: string[];
  /** Create the replacement only after deleting the old object, where the natural name collides. */
  deleteBeforeReplace?: boolean;
}

export interface CreateResult<Outputs> {
  id: string;
  outs: Outputs;
}

/** What is really on the host. An `undefined` result means the object is gone. */
export type ReadResult<Outputs> = { id: string; props: Outputs } | undefined;

/** Every output a kind stores carries the schema version of the code that wrote it. */
export interface VersionedOutputs {
  schemaVersion: number;
}

/**
 * One kind of resource: validation, diff and CRUD over plain values.
 * `Inputs` are what `check` returned; `Outputs` are what create/update/read stored.
 */
export interface ResourceKind<Inputs, Outputs extends VersionedOutputs> {
  /** The schema version this code writes; `migrate` upgrades anything older. */
  readonly schemaVersion: number;
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult<Inputs>>;
  diff(id: string, olds: Outputs, news: Inputs): Promise<DiffResult>;
  create(inputs: Inputs): Promise<CreateResult<Outputs>>;
  read(id: string, props: Outputs): Promise<ReadResult<Outputs>>;
  update(id: string, olds: Outputs, news: Inputs): Promise<Outputs>;
  delete(id: string, props: Outputs): Promise<void>;
  /** Upgrades outputs written by an older version of this library. */
  migrate?(props: Record<string, unknown>): Outputs;
}

/**
 * Thrown by `create` when the object was made but a later step failed. The dynamic provider host packs `id` and
 * `properties` into the engine's "resource initialization failed" error, so the engine records the object and the
 * next `pulumi up` (or a destroy) finds it instead of orphaning it.
 */
export class PartialCreateError extends Error {
  readonly reasons: string[];
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
  ) {
    super(message);
    this.name = "PartialCreateError";
    this.reasons = [message];
  }
}
