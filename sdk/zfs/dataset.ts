import type * as pulumi from "@pulumi/pulumi";
import { FreeBSDResource } from "../provider";
import { commonOutputs, type DatasetCommonArgs, type ReportedProperty } from "./common";

export type DatasetArgs = DatasetCommonArgs;

/**
 * A ZFS filesystem. Its id is "host[:port]/guid:<guid>": the guid follows the dataset through renames, so a
 * refresh finds a dataset renamed outside Pulumi and reports the new [name] as drift.
 *
 * The dataset carries the user property `pulumi-freebsd:owner` ("project/stack/Dataset/name"). Destroy only
 * destroys a dataset with this marker and no children or snapshots (unless [forceDestroy]); one already gone
 * is fine.
 */
export class Dataset extends FreeBSDResource {
  /** The full name, as the host has it now. */
  declare public readonly name: pulumi.Output<string>;
  /** The properties the program sets (after a refresh, the host's values where they drifted). */
  declare public readonly properties: pulumi.Output<Record<string, string>>;
  /** ZFS's unique identifier of the dataset (a 64-bit number, as text). */
  declare public readonly guid: pulumi.Output<string>;
  /** Bytes used by the dataset and everything below it. */
  declare public readonly used: pulumi.Output<number>;
  /** Bytes available to it. */
  declare public readonly available: pulumi.Output<number>;
  /** Bytes it references (shared with snapshots or not). */
  declare public readonly referenced: pulumi.Output<number>;
  /** Where it is mounted, or "none" / "legacy". */
  declare public readonly mountpoint: pulumi.Output<string>;
  declare public readonly mounted: pulumi.Output<boolean>;
  /** Creation time, seconds since the epoch. */
  declare public readonly creation: pulumi.Output<number>;
  /** The snapshot it was cloned from, or "". */
  declare public readonly origin: pulumi.Output<string>;
  /** Every property as the host reports it, with its source. */
  declare public readonly reported: pulumi.Output<Record<string, ReportedProperty>>;

  constructor(name: string, args: DatasetArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = {
      ...commonOutputs,
      available: undefined,
      mountpoint: undefined,
      mounted: undefined,
      origin: undefined,
    };
    super("zfs", "Dataset", name, { ...outputs, ...args }, opts);
  }
}
