// An example stack for OCI on FreeBSD: FreeBSD's runtime image pulled and followed by tag, a container running
// from it with a secret in its environment, and the image's root filesystem as a ZFS template for jails.
// A plain function of a connection, so the engine tests, the demo and a user's own program run the same code.
import * as pulumi from "@pulumi/pulumi";
import { oci, type ConnectionArgs } from "../../sdk";

export interface OciExampleOptions {
  /** The image the container runs and the template holds; FreeBSD's runtime image by default. */
  reference?: string;
  /** A secret for the container's environment (e.g. from `config.requireSecret`). */
  token?: pulumi.Input<string>;
  /** A plain variable of the container's environment; changing it replaces the container. */
  greeting?: string;
  /** The ZFS dataset of the jail template; "zroot/images/freebsd-runtime-14.3" by default. Empty: no template. */
  templateDataset?: string;
  /** Leave the container out (to delete it). */
  withoutContainer?: boolean;
  /** Leave the image (and what uses it) out. */
  withoutImage?: boolean;
}

export function ociExample(connection: ConnectionArgs, opts: OciExampleOptions = {}) {
  return async () => {
    if (opts.withoutImage) return {};
    const runtime = new oci.Image("freebsd-runtime", {
      connection,
      reference: opts.reference ?? "docker.io/freebsd/freebsd-runtime:14.3",
    });
    const outputs: Record<string, pulumi.Output<unknown>> = {
      imageName: runtime.imageName,
      digest: runtime.digest,
      os: runtime.os,
    };
    if (!opts.withoutContainer) {
      const web = new oci.Container("web", {
        connection,
        image: runtime,
        // A stand-in service that ends on SIGTERM, so a stop takes a second, not podman's 10-second grace.
        command: ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"],
        env: { GREETING: opts.greeting ?? "hello", TOKEN: opts.token ?? pulumi.secret("example-token") },
        restart: "always",
        // ocijail makes the container a VNET jail with its own network stack.
        annotations: { "org.freebsd.jail.vnet": "new" },
      });
      outputs.containerState = web.state;
    }
    const dataset = opts.templateDataset ?? "zroot/images/freebsd-runtime-14.3";
    if (dataset !== "") {
      const template = new oci.RootFs("runtime-template", { connection, image: runtime, dataset });
      outputs.template = template.snapshotName;
    }
    return outputs;
  };
}
