// The typed description of one jail that the renderer turns into jail.conf(5) text. Plain values only;
// provider/jail/schema.ts builds it from a resource's checked inputs.

/** Where the jail's root directory comes from. */
export type RootFs =
  /** A ZFS clone of a snapshot (an oci.RootFs template), made for this jail and owned by it. */
  | { kind: "clone"; snapshot: string; dataset: string; mountpoint: string }
  /** An existing dataset that someone else owns; its mountpoint is the root. */
  | { kind: "dataset"; dataset: string; mountpoint: string }
  /** An existing directory. */
  | { kind: "path"; path: string };

/** How the jail reaches the network. */
export type Networking =
  /** The host's whole network stack (ip4 = inherit, ip6 = inherit). */
  | { kind: "inherit" }
  /** Addresses on a host interface, added as aliases by jail(8) at start ("em0|10.0.0.10/24"). */
  | { kind: "ip"; interface?: string; ip4: string[]; ip6: string[] }
  /** Its own network stack: an epair whose a side joins a bridge and whose b side moves into the jail. */
  | { kind: "vnet"; bridge: string; epair: string; address?: string; gateway?: string; mac?: string };

/** A nullfs mount of a host directory (a dataset's mountpoint or a path) at `target` inside the jail. */
export interface Mount {
  source: { kind: "dataset"; dataset: string; mountpoint: string } | { kind: "path"; path: string };
  /** Absolute path inside the jail. */
  target: string;
  readOnly: boolean;
}

/** A jail.conf value: a boolean (`persist;` / `nopersist;`) or a list of strings (`a = "x"; a += "y";`). */
export type ConfValue = boolean | string[];

/** The exec.* command lists, in the order jail(8) runs them (jail(8), "Jail Parameters"). */
export interface ExecCommands {
  prestart: string[];
  created: string[];
  start: string[];
  poststart: string[];
  prestop: string[];
  stop: string[];
  poststop: string[];
}

export interface JailSpec {
  name: string;
  /** The ownership marker written in the file's header line. */
  owner: string;
  hostname: string;
  rootfs: RootFs;
  networking: Networking;
  mounts: Mount[];
  exec: ExecCommands;
  /** Every other parameter by its jail.conf name (allow.raw_sockets, enforce_statfs, exec.clean, …). */
  params: Record<string, ConfValue>;
}

/** The host directory that is the jail's root. */
export function rootPath(rootfs: RootFs): string {
  switch (rootfs.kind) {
    case "clone":
    case "dataset":
      return rootfs.mountpoint;
    case "path":
      return rootfs.path;
    default:
      return unreachable(rootfs);
  }
}

/** The compile-time proof that a switch over a discriminated union handled every case. */
export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
