import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";
import { FreeBSDResource } from "../provider";
import { Image } from "./image";

export interface PortArgs {
  hostPort: pulumi.Input<number>;
  containerPort: pulumi.Input<number>;
  /** "tcp" (the default) or "udp". */
  protocol?: pulumi.Input<"tcp" | "udp">;
  /** Listen on this host address only. */
  hostIp?: pulumi.Input<string>;
}

export interface VolumeArgs {
  /** A directory on the host. Exactly one of [hostPath] and [dataset]. */
  hostPath?: pulumi.Input<string>;
  /** A ZFS dataset, mounted where its mountpoint property says. */
  dataset?: pulumi.Input<string>;
  /** Where it appears in the container. */
  target: pulumi.Input<string>;
  readOnly?: pulumi.Input<boolean>;
}

export interface ContainerArgs {
  connection: pulumi.Input<ConnectionArgs>;
  /** The container's name on the host; the resource's name by default. */
  name?: pulumi.Input<string>;
  /** An Image of this program (a new image then replaces the container), a fully qualified reference, or an image id. */
  image: pulumi.Input<string> | Image;
  /** The command and its arguments; the image's CMD by default. */
  command?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Environment variables. They reach podman in a 0600 file, never on a command line; the outputs keep them
   * secret, and a value given as a secret (pulumi.secret, config.requireSecret) stays secret in the inputs too.
   */
  env?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  ports?: pulumi.Input<pulumi.Input<PortArgs>[]>;
  volumes?: pulumi.Input<pulumi.Input<VolumeArgs>[]>;
  /** podman's restart policy: "no" (the default), "always", "on-failure" or "unless-stopped". */
  restart?: pulumi.Input<"no" | "always" | "on-failure" | "unless-stopped">;
  /** OCI annotations; ocijail reads jail parameters from them, e.g. { "org.freebsd.jail.vnet": "new" }. */
  annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The podman network ("podman", "host", "none", or one you created). */
  network?: pulumi.Input<string>;
  /** Replace a container of the same name that this stack did not make. */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A podman container (on FreeBSD, a jail run by ocijail). Refresh sees a container that stopped or went away;
 * `up` starts or recreates it. Every setting except [adopt] is fixed once the container exists: changing one
 * replaces the container, and the preview names the setting.
 */
export class Container extends FreeBSDResource {
  declare public readonly name: pulumi.Output<string>;
  /** podman's id of the container (64 hex digits). */
  declare public readonly containerId: pulumi.Output<string>;
  /** running, exited, created, paused… */
  declare public readonly state: pulumi.Output<string>;
  /** When it last started (RFC 3339), "" if never. */
  declare public readonly startedAt: pulumi.Output<string>;
  /** The image the container runs. */
  declare public readonly imageId: pulumi.Output<string>;

  constructor(name: string, args: ContainerArgs, opts?: pulumi.CustomResourceOptions) {
    const { image, ...rest } = args;
    const fromImage = image instanceof Image;
    super(
      "oci",
      "Container",
      name,
      {
        containerId: undefined,
        state: undefined,
        startedAt: undefined,
        mounts: undefined,
        ...rest,
        name: args.name ?? name,
        image: fromImage ? image.imageName : image,
        imageId: fromImage ? image.imageId : undefined,
      },
      opts,
      ["env"],
    );
  }
}
