// The one stable entry point that serialized providers reach: `require("pulumi-freebsd/runtime")`.
//
// Pulumi stores each dynamic provider's code in state and runs that stored copy for refresh and delete. Ours
// only names a kind and forwards to this module, which the installed version of the library resolves at run
// time: upgrading the library changes no state, and old state runs new code (migrated by `schemaVersion`).
// Keep these signatures stable; they are the contract with every state file ever written.
import { loadKind, type AnyKind } from "./kinds";
import { PartialCreateError, type VersionedOutputs } from "./resource";

type Props = Record<string, unknown>;

/** The dynamic provider host passes its own `__provider` key through; kinds never see it. */
function withoutProvider(props: Props | undefined): Props {
  if (props === undefined || props === null) return {};
  const { __provider: _provider, ...rest } = props;
  return rest;
}

/** Outputs written by any older version are upgraded before a kind sees them. */
function current(kind: AnyKind, props: Props): VersionedOutputs {
  const clean = withoutProvider(props);
  const version = typeof clean.schemaVersion === "number" ? clean.schemaVersion : 0;
  if (version > kind.schemaVersion) {
    throw new Error(
      `pulumi-freebsd: this state has schemaVersion ${version}, newer than this library understands ` +
        `(${kind.schemaVersion}); upgrade pulumi-freebsd`,
    );
  }
  if (version < kind.schemaVersion && kind.migrate) return kind.migrate(clean);
  return clean as unknown as VersionedOutputs;
}

export async function check(kindName: string, olds: Props, news: Props) {
  const kind = loadKind(kindName);
  const result = await kind.check(withoutProvider(olds), withoutProvider(news));
  return { inputs: result.inputs as Props, failures: result.failures };
}

export async function diff(kindName: string, id: string, olds: Props, news: Props) {
  const kind = loadKind(kindName);
  return kind.diff(id, current(kind, olds), withoutProvider(news));
}

export async function create(kindName: string, inputs: Props) {
  const kind = loadKind(kindName);
  try {
    const { id, outs } = await kind.create(withoutProvider(inputs));
    return { id, outs: { ...outs, schemaVersion: kind.schemaVersion } };
  } catch (err) {
    // The engine stores a partial create's properties as the resource's outputs, as they are: without the
    // `__provider` the dynamic provider host adds to every other result, refresh and destroy of that resource
    // would fail ("code must be a string") and it could never be removed. Give it back, with the version.
    if (err instanceof PartialCreateError) {
      Object.assign(err.properties, { schemaVersion: kind.schemaVersion, __provider: inputs.__provider });
    }
    throw err;
  }
}

export async function read(kindName: string, id: string, props: Props) {
  const kind = loadKind(kindName);
  const result = await kind.read(id, current(kind, props));
  // An empty id tells the engine the object is gone.
  if (result === undefined) return { id: "", props: {} };
  return { id: result.id, props: { ...result.props, schemaVersion: kind.schemaVersion } };
}

export async function update(kindName: string, id: string, olds: Props, news: Props) {
  const kind = loadKind(kindName);
  const outs = await kind.update(id, current(kind, olds), withoutProvider(news));
  return { outs: { ...outs, schemaVersion: kind.schemaVersion } };
}

export async function remove(kindName: string, id: string, props: Props): Promise<void> {
  const kind = loadKind(kindName);
  await kind.delete(id, current(kind, props));
}
