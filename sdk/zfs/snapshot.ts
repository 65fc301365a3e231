import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";
import { FreeBSDResource } from "../provider";
import { commonOutputs, type ReportedProperty } from "./common";

export interface SnapshotArgs {
  connection: pulumi.Input<ConnectionArgs>;
  /**
   * The dataset or volume to snapshot, e.g. `dataset.name`. When that dataset is renamed, the snapshot follows
   * (an update, not a replace; a preview of the same run cannot see the rename yet and shows a replace). When
   * the dataset is replaced, so is the snapshot.
   */
  dataset: pulumi.Input<string>;
  /** The part after "@". Changing it renames the snapshot in place. */
  name: pulumi.Input<string>;
  /** Snapshot every dataset below too, atomically (`zfs snapshot -r`). Changing it replaces the snapshot. */
  recursive?: pulumi.Input<boolean>;
  /** User properties only (names with a colon, e.g. "org.example:reason"). */
  properties?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Take over a snapshot of that name that this resource did not create. */
  adopt?: pulumi.Input<boolean>;
  /**
   * Let destroy also destroy the clones made from this snapshot (`zfs destroy -R` of each), and same-named
   * snapshots below it that it did not create. False by default: destroy then refuses and lists them.
   */
  forceDestroy?: pulumi.Input<boolean>;
}

/**
 * A ZFS snapshot. Its id is "host[:port]/guid:<guid>"; it carries the user property `pulumi-freebsd:owner` like
 * a {@link Dataset}, and its destroy refuses while clones depend on it.
 */
export class Snapshot extends FreeBSDResource {
  declare public readonly dataset: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  /** dataset@name */
  declare public readonly fullName: pulumi.Output<string>;
  declare public readonly guid: pulumi.Output<string>;
  /** Creation time, seconds since the epoch. */
  declare public readonly creation: pulumi.Output<number>;
  /** Bytes only this snapshot holds. */
  declare public readonly used: pulumi.Output<number>;
  declare public readonly referenced: pulumi.Output<number>;
  /** Datasets cloned from it. */
  declare public readonly clones: pulumi.Output<string[]>;
  declare public readonly reported: pulumi.Output<Record<string, ReportedProperty>>;

  constructor(name: string, args: SnapshotArgs, opts?: pulumi.CustomResourceOptions) {
    super("zfs", "Snapshot", name, { ...commonOutputs, fullName: undefined, clones: undefined, ...args }, opts);
  }
}
