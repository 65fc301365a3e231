import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";
import { FreeBSDResource } from "../provider";

/**
 * The jail's root directory. Give exactly one of:
 * - `snapshot`: a ZFS snapshot (an `oci.RootFs` template) that this jail gets its own clone of, in `dataset`
 *   ("<pool>/jails/<name>" by default). The clone is made, owned and destroyed with the jail (unless
 *   [keepData]).
 * - `dataset` alone: an existing dataset someone else owns; its mountpoint is the root. Never destroyed here.
 * - `path`: an existing directory.
 * Changing the root replaces the jail.
 */
export interface JailRootFsArgs {
  snapshot?: pulumi.Input<string>;
  dataset?: pulumi.Input<string>;
  path?: pulumi.Input<string>;
}

/**
 * A VNET attachment: an epair named after the jail (`<epair>a` on the host, `<epair>b` inside the jail), its a
 * side on `bridge`, the b side addressed inside the jail with a default route through `gateway`. A
 * `network.Bridge`'s `attach(name)` returns one, with an address from the bridge's subnet.
 */
export interface JailVnetArgs {
  /** The host bridge, e.g. "bridge0" (a network.Bridge's name). */
  bridge: pulumi.Input<string>;
  /** The jail's address with its prefix length: "10.0.0.10/24". */
  address?: pulumi.Input<string>;
  /** The default router inside the jail, usually the bridge's own address: "10.0.0.1". */
  gateway?: pulumi.Input<string>;
  /** A fixed MAC address for the jail's side. */
  mac?: pulumi.Input<string>;
  /** The epair's base name (at most 14 characters); the jail's name by default. */
  epair?: pulumi.Input<string>;
}

/** jail(8)'s allow.* permissions. All are off in a new jail but setHostname and reservedPorts. */
export interface JailAllowArgs {
  setHostname?: pulumi.Input<boolean>;
  sysvipc?: pulumi.Input<boolean>;
  rawSockets?: pulumi.Input<boolean>;
  chflags?: pulumi.Input<boolean>;
  mount?: pulumi.Input<boolean>;
  mountDevfs?: pulumi.Input<boolean>;
  mountFdescfs?: pulumi.Input<boolean>;
  mountNullfs?: pulumi.Input<boolean>;
  mountProcfs?: pulumi.Input<boolean>;
  mountTmpfs?: pulumi.Input<boolean>;
  mountZfs?: pulumi.Input<boolean>;
  quotas?: pulumi.Input<boolean>;
  socketAf?: pulumi.Input<boolean>;
  mlock?: pulumi.Input<boolean>;
  reservedPorts?: pulumi.Input<boolean>;
  readMsgbuf?: pulumi.Input<boolean>;
  unprivilegedProcDebug?: pulumi.Input<boolean>;
  suser?: pulumi.Input<boolean>;
  vmm?: pulumi.Input<boolean>;
  nfsd?: pulumi.Input<boolean>;
  extattr?: pulumi.Input<boolean>;
  adjtime?: pulumi.Input<boolean>;
  settime?: pulumi.Input<boolean>;
  routing?: pulumi.Input<boolean>;
}

type Commands = pulumi.Input<string | pulumi.Input<string>[]>;

/**
 * Commands jail(8) runs, each a line of /bin/sh: `start` and `stop` inside the jail, the others on the host.
 * Strings hold anything (quotes, `$(...)`, newlines); they reach the shell exactly as written, because the
 * config file escapes them (jail.conf variables such as `$name` are therefore not expanded).
 */
export interface JailExecArgs {
  prestart?: Commands;
  created?: Commands;
  /** "/bin/sh /etc/rc" by default: the jail's own rc scripts start its services. */
  start?: Commands;
  poststart?: Commands;
  prestop?: Commands;
  /** "/bin/sh /etc/rc.shutdown jail" by default. */
  stop?: Commands;
  poststop?: Commands;
  /** Run them in a clean environment (exec.clean); true by default. */
  clean?: pulumi.Input<boolean>;
  /** The user inside the jail that runs start and stop (exec.jail_user). */
  jailUser?: pulumi.Input<string>;
  /** A file on the host that collects the output of start and stop (exec.consolelog). */
  consolelog?: pulumi.Input<string>;
  /** Seconds a command may run (exec.timeout). */
  timeout?: pulumi.Input<number>;
}

/** A nullfs mount of a dataset's mountpoint or a host directory at `target` inside the jail. */
export interface JailMountArgs {
  /** A dataset, e.g. a zfs.Dataset's name; it is never changed or destroyed by the jail. */
  dataset?: pulumi.Input<string>;
  /** Or a host directory. */
  path?: pulumi.Input<string>;
  /** Where it appears inside the jail, e.g. "/usr/local/www/data" (made if missing). */
  target: pulumi.Input<string>;
  readOnly?: pulumi.Input<boolean>;
}

/**
 * rctl(8) limits on the whole jail, denied past the amount: `memoryuse: "512M"`, `pcpu: 50`, `maxproc: 200`.
 * Sizes take K, M, G… (powers of 1024). The host needs kern.racct.enable=1 in /boot/loader.conf (and a
 * reboot); without it rctl refuses, and so does the jail.
 */
export type JailLimitsArgs = Partial<
  Record<
    | "cputime" | "datasize" | "stacksize" | "coredumpsize" | "memoryuse" | "memorylocked" | "maxproc" | "openfiles"
    | "vmemoryuse" | "pseudoterminals" | "swapuse" | "nthr" | "msgqqueued" | "msgqsize" | "nmsgq" | "nsem"
    | "nsemop" | "nshm" | "shmsize" | "wallclock" | "pcpu" | "readbps" | "writebps" | "readiops" | "writeiops",
    pulumi.Input<string | number>
  >
>; // prettier-ignore

export interface JailArgs {
  /** The host; the same object works for every resource of the library (and for @pulumi/command). */
  connection: pulumi.Input<ConnectionArgs>;
  /**
   * The jail's name: letters, digits, _ and -, at most 64 characters. Its config is
   * /etc/jail.conf.d/NAME.conf. Changing it replaces the jail.
   */
  name: pulumi.Input<string>;
  /** host.hostname; the name by default. Changes on the running jail. */
  hostname?: pulumi.Input<string>;
  rootfs: pulumi.Input<JailRootFsArgs>;
  /**
   * Networking, one of: nothing (the host's network, ip4 and ip6 "inherit"); `ip4`/`ip6` addresses ("10.0.0.10/24"),
   * added as aliases to `interface` when the jail starts (an address in the interface's own subnet takes no
   * prefix: FreeBSD adds it as a /32 alias); or `vnet`, a network stack of its own.
   */
  ip4?: pulumi.Input<pulumi.Input<string>[]>;
  ip6?: pulumi.Input<pulumi.Input<string>[]>;
  interface?: pulumi.Input<string>;
  vnet?: pulumi.Input<JailVnetArgs>;
  allow?: pulumi.Input<JailAllowArgs>;
  /** 0, 1 or 2 (the default): how much of the host's mounts the jail sees. */
  enforceStatfs?: pulumi.Input<number>;
  /** The devfs ruleset of the jail's /dev: 4 (devfsrules_jail) by default. */
  devfsRuleset?: pulumi.Input<number>;
  securelevel?: pulumi.Input<number>;
  childrenMax?: pulumi.Input<number>;
  /** Mount devfs on the jail's /dev; true by default. */
  mountDevfs?: pulumi.Input<boolean>;
  mountFdescfs?: pulumi.Input<boolean>;
  mountProcfs?: pulumi.Input<boolean>;
  /** Keep the jail alive with no process in it; true by default. */
  persist?: pulumi.Input<boolean>;
  /** What uname -r says inside the jail. Changing it restarts the jail. */
  osrelease?: pulumi.Input<string>;
  osreldate?: pulumi.Input<number>;
  exec?: pulumi.Input<JailExecArgs>;
  /** Seconds jail(8) waits for processes to end at stop (stop.timeout). */
  stopTimeout?: pulumi.Input<number>;
  /**
   * Any other jail.conf(5) parameter by its name: `{ "allow.mount.linprocfs": true, sysvshm: "new" }`.
   * Parameters this resource sets itself (path, ip4.addr, exec.start, …) are refused: use their arguments.
   */
  params?: pulumi.Input<Record<string, pulumi.Input<string | number | boolean | string[]>>>;
  mounts?: pulumi.Input<pulumi.Input<JailMountArgs>[]>;
  limits?: pulumi.Input<JailLimitsArgs>;
  /** Start at boot: jail_enable=YES and the name in jail_list (only this name is ever added or removed). */
  startAtBoot?: pulumi.Input<boolean>;
  /** "running" (the default) or "stopped". */
  state?: pulumi.Input<"running" | "stopped">;
  /** Keep the root clone when the jail is destroyed. */
  keepData?: pulumi.Input<boolean>;
  /** Take over a config file or clone that exists without this resource's ownership marker. */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A FreeBSD jail, written to /etc/jail.conf.d/NAME.conf and started with `service jail start NAME`. Its id
 * is "host[:port]/NAME".
 *
 * Updates: hostname, allow.*, securelevel, enforce_statfs, children.max and persist change on the running
 * jail (`jail -m`); exec.stop and the other stop commands take effect at the next stop; anything else
 * (addresses, mounts, exec.start, devfs ruleset, osrelease, vnet, …) restarts the jail. A new name or root
 * replaces it. Drift: a jail stopped behind Pulumi's back, a config file edited by hand, limits or boot
 * settings changed by hand show on refresh, and the next up puts them back.
 *
 * Destroy stops the jail and removes its config file, rctl rules and jail_list entry, then destroys the root
 * clone it made (unless [keepData]). Datasets mounted into the jail are not touched.
 */
export class Jail extends FreeBSDResource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly hostname: pulumi.Output<string | undefined>;
  /** The jail's id while it runs; null when stopped. */
  declare public readonly jid: pulumi.Output<number | null>;
  /** "running" or "stopped", as the host reports it. */
  declare public readonly state: pulumi.Output<"running" | "stopped">;
  /** The jail's root directory on the host. */
  declare public readonly path: pulumi.Output<string>;
  /** Its addresses, without prefix lengths (for a vnet jail, the address inside it). */
  declare public readonly ip4Addresses: pulumi.Output<string[]>;
  declare public readonly ip6Addresses: pulumi.Output<string[]>;
  /** The config file as it is on the host. */
  declare public readonly config: pulumi.Output<string>;
  declare public readonly configFile: pulumi.Output<string>;
  /** The limits as rctl reports them (bytes for sizes). */
  declare public readonly limits: pulumi.Output<Record<string, string>>;
  declare public readonly startAtBoot: pulumi.Output<boolean>;

  constructor(name: string, args: JailArgs, opts?: pulumi.CustomResourceOptions) {
    // Every output needs its key here (undefined until the provider answers) to exist on the resource.
    const outputs = {
      hostname: undefined,
      state: undefined,
      limits: undefined,
      startAtBoot: undefined,
      jid: undefined,
      path: undefined,
      ip4Addresses: undefined,
      ip6Addresses: undefined,
      config: undefined,
      configFile: undefined,
      mountpoints: undefined,
      createdDataset: undefined,
    };
    super("jail", "Jail", name, { ...outputs, ...args }, opts);
  }
}
