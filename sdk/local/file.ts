import * as pulumi from "@pulumi/pulumi";
import { FreeBSDResource } from "../provider";

export interface FileArgs {
  /** Absolute path of the file on the machine that runs Pulumi. Changing it replaces the file. */
  path: pulumi.Input<string>;
  /** The file's whole content. */
  content: pulumi.Input<string>;
  /** Permission bits as an octal string, e.g. "0644" (the default). */
  mode?: pulumi.Input<string>;
}

/**
 * A file on the machine that runs Pulumi. The smallest resource of the library: it shows the runtime pattern
 * (check, diff, create, read, update, delete) without a host, and serves the demo and the engine tests.
 */
export class File extends FreeBSDResource {
  declare public readonly path: pulumi.Output<string>;
  declare public readonly content: pulumi.Output<string>;
  declare public readonly mode: pulumi.Output<string>;
  /** SHA-256 of the content, as read back from disk. */
  declare public readonly sha256: pulumi.Output<string>;

  constructor(name: string, args: FileArgs, opts?: pulumi.CustomResourceOptions) {
    super("local", "File", name, { ...args, sha256: undefined }, opts);
  }
}
