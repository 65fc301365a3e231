// The bridge from public resource classes to the runtime. Everything here is serialized into state, so it
// stays tiny and stable: a kind name, and calls into `pulumi-freebsd/runtime` resolved when the provider runs.
import * as pulumi from "@pulumi/pulumi";

/**
 * The dynamic provider for one resource kind. Its methods capture only `kind` (a string) and `require`: the
 * implementation is whichever pulumi-freebsd is installed where the program runs, never a copy in state.
 */
export function serializedProvider(kind: string): pulumi.dynamic.ResourceProvider {
  return {
    check: (olds, news) => require("pulumi-freebsd/runtime").check(kind, olds, news),
    diff: (id, olds, news) => require("pulumi-freebsd/runtime").diff(kind, id, olds, news),
    create: (inputs) => require("pulumi-freebsd/runtime").create(kind, inputs),
    read: (id, props) => require("pulumi-freebsd/runtime").read(kind, id, props),
    update: (id, olds, news) => require("pulumi-freebsd/runtime").update(kind, id, olds, news),
    delete: (id, props) => require("pulumi-freebsd/runtime").remove(kind, id, props),
  };
}

const providers = new Map<string, pulumi.dynamic.ResourceProvider>();

/**
 * Base of every pulumi-freebsd resource. `area` and `type` name the kind (`zfs` and `Dataset` make the
 * resource type `pulumi-nodejs:dynamic/zfs:Dataset`). `secretOutputs` are kept secret in state whatever
 * the inputs were; the connection always is.
 */
/** "project/stack/Type/name": unique per stack, stable across runs. */
export function ownerOf(type: string, name: string): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}/${type}/${name}`;
}

export abstract class FreeBSDResource extends pulumi.dynamic.Resource {
  /** The schema version of the outputs in state; the runtime migrates older ones. */
  declare public readonly schemaVersion: pulumi.Output<number>;
  /** The ownership marker this resource puts on what it creates. */
  declare public readonly owner: pulumi.Output<string>;

  protected constructor(
    area: string,
    type: string,
    name: string,
    props: Record<string, unknown>,
    opts: pulumi.CustomResourceOptions | undefined,
    secretOutputs: string[] = [],
  ) {
    const kind = `${area}:${type}`;
    let provider = providers.get(kind);
    if (provider === undefined) {
      provider = serializedProvider(kind);
      providers.set(kind, provider);
    }
    const secretNames = [...new Set(["connection", ...secretOutputs])];
    const secrets = { additionalSecretOutputs: secretNames };
    // additionalSecretOutputs protects outputs only: the inputs are stored in state too (and printed by
    // `preview --diff`), so the connection is made secret on the way in. Other inputs keep the secrecy their
    // values have (a container's env shows its plain variables in a diff, its secret ones as [secret]).
    const inputs: Record<string, unknown> = { ...props };
    if (inputs.connection !== undefined) inputs.connection = pulumi.secret(inputs.connection);
    // The ownership marker that objects on a host carry (a ZFS user property, a header line in a file):
    // which stack and resource made them. Kinds refuse to destroy what does not carry it.
    const owner = ownerOf(type, name);
    super(
      provider,
      name,
      { schemaVersion: undefined, owner, ...inputs },
      pulumi.mergeOptions(opts, secrets),
      area,
      type,
    );
  }
}
