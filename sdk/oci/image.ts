import * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";
import { FreeBSDResource } from "../provider";

/** A FreeBSD OCI archive on the host, e.g. FreeBSD-14.3-RELEASE-amd64-container-image-runtime.txz. */
export interface ImageArchiveArgs {
  /** Absolute path of the .txz on the host. */
  path: pulumi.Input<string>;
  /** Its SHA-256 (64 hex digits, as CHECKSUM.SHA256 lists it): checked before anything is loaded. */
  sha256: pulumi.Input<string>;
}

/** A login for a private registry. The whole object is kept secret and reaches the host on stdin only. */
export interface RegistryCredentials {
  username: pulumi.Input<string>;
  password: pulumi.Input<string>;
}

export interface ImageArgs {
  connection: pulumi.Input<ConnectionArgs>;
  /**
   * A fully qualified registry reference: "docker.io/freebsd/freebsd-runtime:14.3", "ghcr.io/freebsd/…",
   * "registry.example.com/team/app:1.2". Exactly one of [reference] and [archive]. Changing it replaces the image.
   */
  reference?: pulumi.Input<string>;
  /** A FreeBSD OCI archive already on the host; loaded as "localhost/freebsd-<type>:<version>-RELEASE-<arch>". */
  archive?: pulumi.Input<ImageArchiveArgs>;
  /** Pin the manifest ("sha256:…"): `up` pulls exactly that, whatever the tag points to now. */
  digest?: pulumi.Input<string>;
  /** OS/ARCH[/VARIANT] to pick from a multi-platform image, e.g. "freebsd/amd64". */
  platform?: pulumi.Input<string>;
  credentials?: pulumi.Input<RegistryCredentials>;
  /** Keep the image on the host when this resource is deleted. */
  retain?: pulumi.Input<boolean>;
}

/**
 * An OCI image in a host's podman storage. Without a [digest], the tag is followed: when `refresh` finds that
 * the registry's tag points elsewhere it records the new [registryDigest] as drift, and the next `up` pulls it
 * (and replaces the containers built on this image). Delete refuses while a container uses the image.
 */
export class Image extends FreeBSDResource {
  /** The name podman lists the image under, what containers run: "docker.io/freebsd/freebsd-runtime:14.3". */
  declare public readonly imageName: pulumi.Output<string>;
  /** The image id (64 hex digits, the config digest). */
  declare public readonly imageId: pulumi.Output<string>;
  /** The manifest digest ("sha256:…") of the image on the host. */
  declare public readonly digest: pulumi.Output<string>;
  /** The digest that was pinned, "" when the tag is followed. */
  declare public readonly pinnedDigest: pulumi.Output<string>;
  /** What the registry's tag pointed to at the last pull or refresh ("" when no tag is followed: pinned, archive). */
  declare public readonly registryDigest: pulumi.Output<string>;
  declare public readonly repoDigests: pulumi.Output<string[]>;
  /** Bytes. */
  declare public readonly size: pulumi.Output<number>;
  /** When the image was built (RFC 3339). */
  declare public readonly created: pulumi.Output<string>;
  declare public readonly os: pulumi.Output<string>;
  declare public readonly architecture: pulumi.Output<string>;
  declare public readonly labels: pulumi.Output<Record<string, string>>;
  /** The image was on the host already: deleting this resource leaves it there. */
  declare public readonly preexisting: pulumi.Output<boolean>;

  constructor(name: string, args: ImageArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = {
      imageName: undefined,
      imageId: undefined,
      pinnedDigest: undefined,
      registryDigest: undefined,
      repoDigests: undefined,
      size: undefined,
      created: undefined,
      os: undefined,
      architecture: undefined,
      labels: undefined,
      preexisting: undefined,
    };
    // Secret as inputs too (additionalSecretOutputs covers outputs only): state never holds the password.
    const credentials = args.credentials === undefined ? undefined : pulumi.secret(args.credentials);
    super("oci", "Image", name, { ...outputs, digest: undefined, ...args, credentials }, opts, ["credentials"]);
  }
}
