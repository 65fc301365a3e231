import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";
import { FreeBSDResource } from "../provider";
import { Image } from "./image";

export interface RootFsArgs {
  connection: pulumi.Input<ConnectionArgs>;
  /** The image whose files fill the dataset: an Image of this program, a reference, or an image id on the host. */
  image: pulumi.Input<string> | Image;
  /** The dataset to create, e.g. "zroot/images/freebsd-runtime-14.3". Its parents are created when missing. */
  dataset: pulumi.Input<string>;
  /** The snapshot jails clone; "base" by default. */
  snapshot?: pulumi.Input<string>;
  /** On delete, also destroy snapshots and child datasets that this resource did not make. */
  forceDestroy?: pulumi.Input<boolean>;
  /** Take over an existing dataset of that name that this stack did not make (its files are overwritten). */
  adopt?: pulumi.Input<boolean>;
}

/**
 * An image's root filesystem in a ZFS dataset, snapshotted: the template that classic jails clone
 * (`zfs clone zroot/images/freebsd-runtime-14.3@base zroot/jails/web`). A new image replaces it, which
 * fails while jails are clones of it.
 */
export class RootFs extends FreeBSDResource {
  declare public readonly imageId: pulumi.Output<string>;
  declare public readonly mountpoint: pulumi.Output<string>;
  /** "DATASET@SNAPSHOT": what to clone. */
  declare public readonly snapshotName: pulumi.Output<string>;

  constructor(name: string, args: RootFsArgs, opts?: pulumi.CustomResourceOptions) {
    const { image, ...rest } = args;
    const fromImage = image instanceof Image;
    super(
      "oci",
      "RootFs",
      name,
      {
        mountpoint: undefined,
        snapshotName: undefined,
        ...rest,
        image: fromImage ? image.imageName : image,
        imageId: fromImage ? image.imageId : undefined,
      },
      opts,
    );
  }
}
