// Refusals: what the ZFS kinds will not do to data, each saying what is there and what to do about it.
import type { Descendant } from "./inventory";
import { OWNER_PROPERTY } from "./properties";

/** A dataset exists where create was asked to make one, without this resource's ownership marker. */
export class AdoptRequiredError extends Error {
  constructor(
    readonly dataset: string,
    readonly foundOwner: string | undefined,
    what = "dataset",
  ) {
    super(
      `zfs ${what} ${dataset} already exists and was not created by this resource ` +
        `(${foundOwner === undefined ? `no ${OWNER_PROPERTY} marker` : `its ${OWNER_PROPERTY} is "${foundOwner}"`}). ` +
        `Set [adopt] to true to manage it from now on: its properties are then set as declared, and ` +
        `destroying the resource destroys it.`,
    );
    this.name = "AdoptRequiredError";
  }
}

/** Destroy was asked of a dataset that does not carry this resource's marker. */
export class NotOwnedError extends Error {
  constructor(
    readonly dataset: string,
    readonly expected: string,
    readonly found: string | undefined,
  ) {
    super(
      `refusing to destroy ${dataset}: its ${OWNER_PROPERTY} is ${found === undefined ? "not set" : `"${found}"`}, ` +
        `not "${expected}", so this stack may not have created it. Nothing was destroyed. Set [forceDestroy] to ` +
        `true to destroy it anyway, or remove the resource from the stack with \`pulumi state delete\`.`,
    );
    this.name = "NotOwnedError";
  }
}

function describe(d: Descendant): string {
  return d.owner === undefined
    ? `${d.name} (${d.type}, not managed by pulumi-freebsd)`
    : `${d.name} (${d.type}, managed by ${d.owner})`;
}

/** Destroying would take children or snapshots with it that the resource did not create. */
export class HasDependentsError extends Error {
  constructor(
    readonly dataset: string,
    readonly dependents: readonly Descendant[],
  ) {
    super(
      `refusing to destroy ${dataset}: it has ${dependents.length} child dataset(s) or snapshot(s) that this ` +
        `resource did not create, and destroying it would destroy them too. Nothing was destroyed.\n` +
        dependents.map((d) => `  ${describe(d)}`).join("\n") +
        `\nDestroy or move them first (a resource that manages one should depend on this one), or set ` +
        `[forceDestroy] to true to destroy them with it (zfs destroy -r).`,
    );
    this.name = "HasDependentsError";
  }
}

/** A snapshot that clones depend on. */
export class HasClonesError extends Error {
  constructor(
    readonly snapshot: string,
    readonly clones: readonly string[],
  ) {
    super(
      `refusing to destroy ${snapshot}: ${clones.length} clone(s) depend on it and would be destroyed with it: ` +
        `${clones.join(", ")}. Nothing was destroyed. Destroy or promote the clones first (zfs promote), or set ` +
        `[forceDestroy] to true to destroy the clones too (zfs destroy -R).`,
    );
    this.name = "HasClonesError";
  }
}

/** The dataset a resource manages cannot be found by its guid, where an operation needs it. */
export class DatasetGoneError extends Error {
  constructor(what: string, name: string, guid: string, host: string) {
    super(
      `zfs ${what} ${name} (guid ${guid}) is not on ${host} any more, under that name or another. ` +
        `Run \`pulumi refresh\` to record that it is gone; the next \`pulumi up\` creates it again.`,
    );
    this.name = "DatasetGoneError";
  }
}
