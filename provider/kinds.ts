// Every resource kind the runtime serves, loaded on first use so one kind's dependencies never slow another's.
import type { ResourceKind, VersionedOutputs } from "./resource";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKind = ResourceKind<any, VersionedOutputs>;

const loaders: Record<string, () => AnyKind> = {
  "local:File": () => require("./local/file").fileKind,
  "network:Bridge": () => require("./network/bridge").bridgeKind,
  "network:Nat": () => require("./network/nat").natKind,
  "jail:Jail": () => require("./jail/jail").jailKind,
  "jail:Exec": () => require("./jail/exec").execKind,
  "oci:Image": () => require("./oci/image").imageKind,
  "oci:Container": () => require("./oci/container").containerKind,
  "oci:RootFs": () => require("./oci/rootfs").rootFsKind,
  "zfs:Dataset": () => require("./zfs/dataset").datasetKind,
  "zfs:Volume": () => require("./zfs/volume").volumeKind,
  "zfs:Snapshot": () => require("./zfs/snapshot").snapshotKind,
};

const loaded = new Map<string, AnyKind>();

export function kindNames(): string[] {
  return Object.keys(loaders);
}

export function loadKind(name: string): AnyKind {
  let kind = loaded.get(name);
  if (kind === undefined) {
    const load = loaders[name];
    if (load === undefined) {
      throw new Error(
        `pulumi-freebsd: unknown resource kind "${name}"; this state was written by a newer version of pulumi-freebsd`,
      );
    }
    kind = load();
    loaded.set(name, kind);
  }
  return kind;
}
