import type * as pulumi from "@pulumi/pulumi";
import { FreeBSDResource } from "../provider";
import { commonOutputs, type DatasetCommonArgs, type ReportedProperty } from "./common";

export interface VolumeArgs extends DatasetCommonArgs {
  /**
   * The size: "10G", "512M" or bytes, a multiple of the block size. Growing it is done in place
   * (`zfs set volsize`); shrinking cuts the data at its end and is refused unless [allowShrink].
   */
  size: pulumi.Input<string | number>;
  /** No reservation: space is taken as the volume is written (`zfs create -s`). Can change in place. */
  sparse?: pulumi.Input<boolean>;
  /** volblocksize, a power of 2 from 512 to 128K; set once, so changing it replaces the volume. 16K by default. */
  blockSize?: pulumi.Input<string | number>;
  /** Allow a smaller [size] than before, which destroys the data beyond it. */
  allowShrink?: pulumi.Input<boolean>;
}

/**
 * A ZFS volume (zvol): a block device for bhyve guests, iSCSI or swap. Identity, ownership and destroy rules are
 * those of {@link Dataset}. Its [properties] must not hold volsize or volblocksize: use [size] and [blockSize].
 */
export class Volume extends FreeBSDResource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly size: pulumi.Output<string>;
  declare public readonly properties: pulumi.Output<Record<string, string>>;
  declare public readonly guid: pulumi.Output<string>;
  /** The size in bytes, as zfs reports it. */
  declare public readonly volsize: pulumi.Output<number>;
  declare public readonly volblocksize: pulumi.Output<number>;
  /** The device node FreeBSD makes for it: /dev/zvol/<name>. */
  declare public readonly devicePath: pulumi.Output<string>;
  declare public readonly used: pulumi.Output<number>;
  declare public readonly available: pulumi.Output<number>;
  declare public readonly referenced: pulumi.Output<number>;
  declare public readonly creation: pulumi.Output<number>;
  declare public readonly origin: pulumi.Output<string>;
  declare public readonly reported: pulumi.Output<Record<string, ReportedProperty>>;

  constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = {
      ...commonOutputs,
      available: undefined,
      origin: undefined,
      volsize: undefined,
      volblocksize: undefined,
      devicePath: undefined,
    };
    super("zfs", "Volume", name, { ...outputs, ...args }, opts);
  }
}
