// An example stack for ZFS: a tree of datasets with properties, a volume for a VM, and a snapshot.
// It is a plain function of a connection, so the engine tests, the demo and a user's own program (copy it) run
// the same code: `zfsExample({ host: "web1.example.org", hostKey: "ssh-ed25519 AAAA…", privateKey })`.
import * as pulumi from "@pulumi/pulumi";
import { zfs, type ConnectionArgs } from "../../sdk";

export interface ZfsExampleOptions {
  /** The dataset everything goes under; "zroot/pf-example" by default. */
  root?: string;
  /** compression of the root, inherited below; "lz4" by default. */
  compression?: string;
  /** The name of the data dataset under the root; changing it renames the dataset in place. */
  dataName?: string;
  /** casesensitivity of the cache dataset: set once, so changing it replaces the dataset. */
  cacheCaseSensitivity?: "sensitive" | "insensitive" | "mixed";
}

export function zfsExample(connection: ConnectionArgs, opts: ZfsExampleOptions = {}) {
  return async () => {
    const root = new zfs.Dataset("apps", {
      connection,
      name: opts.root ?? "zroot/pf-example",
      properties: { compression: opts.compression ?? "lz4", atime: "off", "org.example:team": "platform" },
    });
    // Children take their names from the parent's output: they depend on it, and follow it through a rename.
    const web = new zfs.Dataset("web", {
      connection,
      name: pulumi.interpolate`${root.name}/web`,
      properties: { quota: "10G", recordsize: "128K", "org.example:role": "web" },
    });
    const data = new zfs.Dataset("data", {
      connection,
      name: pulumi.interpolate`${root.name}/${opts.dataName ?? "data"}`,
      properties: { recordsize: "16K", exec: "off", setuid: "off" },
    });
    const cache = new zfs.Dataset("cache", {
      connection,
      name: pulumi.interpolate`${root.name}/cache`,
      properties: { casesensitivity: opts.cacheCaseSensitivity ?? "sensitive", sync: "disabled" },
    });
    const disk = new zfs.Volume("vm-disk0", {
      connection,
      name: pulumi.interpolate`${root.name}/vm-disk0`,
      size: "1G",
      sparse: true,
      properties: { volmode: "dev" },
    });
    const initial = new zfs.Snapshot("web-initial", {
      connection,
      dataset: web.name,
      name: "initial",
      properties: { "org.example:reason": "baseline before the first deploy" },
    });
    return {
      root: root.name,
      web: web.name,
      webMountpoint: web.mountpoint,
      data: data.name,
      dataGuid: data.guid,
      cache: cache.name,
      disk: disk.devicePath,
      diskBytes: disk.volsize,
      snapshot: initial.fullName,
    };
  };
}
