// What a jail.Jail accepts, checked with every failure reported at once, and the JailSpec built from it.
import { isIP, isIPv4 } from "node:net";
import { z } from "zod";
import { containsUnknown } from "../check";
import type { CheckFailure } from "../resource";
import { connectionSchema } from "../ssh/connection";
import type { ExecCommands, JailSpec, Mount, Networking, RootFs, ConfValue } from "./spec";

// jail(8) accepts almost any name but reads a number as a jid and "." as a hierarchy; rc.d/jail turns "." and
// "/" into "_" and splits jail_list on blanks; rctl rules end the subject at ":"; the file is NAME.conf.
const JAIL_NAME = /^(?!\d+$)[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
const JAIL_NAME_REASON =
  "must be a jail name: letters, digits, _ and -, at most 64 characters, not only digits (jail(8) reads a number as a jid)";
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,253}[A-Za-z0-9])?$/;
// ZFS component rules (zfs.md); a snapshot adds @name.
const ZFS_NAME = /^[A-Za-z][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.:-]+)*$/;
const ZFS_SNAPSHOT = /^[A-Za-z][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.:-]+)*@[A-Za-z0-9_.:-]+$/;
// IFNAMSIZ is 16 with the NUL; jail(8) and fstab(5) lines split on blanks, so paths may not hold any.
const IFNAME = /^[A-Za-z][A-Za-z0-9_]{0,14}$/;
const ABS_PATH = /^\/[^\s\0]*$/;
const PARAM_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const MAC = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;

const noNul = z.string().refine((s) => !s.includes("\0"), { message: "cannot hold a NUL byte" });
const commands = z
  .union([noNul, z.array(noNul)])
  .optional()
  .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]));
const absPath = z
  .string()
  .regex(ABS_PATH, "must be an absolute path without blanks (jail(8) splits mount lines on blanks)")
  .refine((p) => !p.split("/").includes(".."), { message: "must not contain .." });

/** The allow.* permissions, by the names users write (jail(8), "allow.*"). */
export const ALLOW = {
  setHostname: "allow.set_hostname",
  sysvipc: "allow.sysvipc",
  rawSockets: "allow.raw_sockets",
  chflags: "allow.chflags",
  mount: "allow.mount",
  mountDevfs: "allow.mount.devfs",
  mountFdescfs: "allow.mount.fdescfs",
  mountNullfs: "allow.mount.nullfs",
  mountProcfs: "allow.mount.procfs",
  mountTmpfs: "allow.mount.tmpfs",
  mountZfs: "allow.mount.zfs",
  quotas: "allow.quotas",
  socketAf: "allow.socket_af",
  mlock: "allow.mlock",
  reservedPorts: "allow.reserved_ports",
  readMsgbuf: "allow.read_msgbuf",
  unprivilegedProcDebug: "allow.unprivileged_proc_debug",
  suser: "allow.suser",
  vmm: "allow.vmm",
  nfsd: "allow.nfsd",
  extattr: "allow.extattr",
  adjtime: "allow.adjtime",
  settime: "allow.settime",
  routing: "allow.routing",
} as const;

/** rctl(8) resources. */
export const RCTL_RESOURCES = [
  "cputime", "datasize", "stacksize", "coredumpsize", "memoryuse", "memorylocked", "maxproc", "openfiles",
  "vmemoryuse", "pseudoterminals", "swapuse", "nthr", "msgqqueued", "msgqsize", "nmsgq", "nsem", "nsemop",
  "nshm", "shmsize", "wallclock", "pcpu", "readbps", "writebps", "readiops", "writeiops",
] as const; // prettier-ignore

/** expand_number(3) as rctl(8) applies it: an integer with an optional K, M, G, T, P or E (powers of 1024). */
export function expandNumber(value: string | number): string | undefined {
  const m = /^(\d+)([kmgtpe]?)b?$/i.exec(String(value).trim());
  if (m === null) return undefined;
  const shift = BigInt(" kmgtpe".indexOf((m[2] || " ").toLowerCase()) * 10);
  return (BigInt(m[1]!) << shift).toString();
}

const limitValue = z.union([z.number().int().min(0), z.string()]).transform((v, ctx) => {
  const n = expandNumber(v);
  if (n === undefined) ctx.addIssue({ code: "custom", message: "must be a number, e.g. 512M, 2G or 100" });
  return n ?? String(v);
});

/** Parameters the resource writes itself, with the argument that sets each; `params` may not set them. */
const MANAGED: Record<string, string> = {
  name: "name", jid: "name", path: "rootfs", "host.hostname": "hostname", ip4: "ip4", "ip4.addr": "ip4",
  ip6: "ip6", "ip6.addr": "ip6", interface: "interface", vnet: "vnet", "vnet.interface": "vnet", mount: "mounts",
  "mount.fstab": "mounts", command: "exec.start", "exec.prestart": "exec.prestart", "exec.created": "exec.created",
  "exec.start": "exec.start", "exec.poststart": "exec.poststart", "exec.prestop": "exec.prestop",
  "exec.stop": "exec.stop", "exec.poststop": "exec.poststop", "exec.clean": "exec.clean",
  "exec.jail_user": "exec.jailUser", "exec.consolelog": "exec.consolelog", "exec.timeout": "exec.timeout",
  "stop.timeout": "stopTimeout", persist: "persist", "mount.devfs": "mountDevfs", "mount.fdescfs": "mountFdescfs",
  "mount.procfs": "mountProcfs", devfs_ruleset: "devfsRuleset", enforce_statfs: "enforceStatfs",
  securelevel: "securelevel", "children.max": "childrenMax", osrelease: "osrelease", osreldate: "osreldate",
  ...Object.fromEntries(Object.entries(ALLOW).map(([key, name]) => [name, `allow.${key}`])),
}; // prettier-ignore

export const jailInputsSchema = z
  .strictObject({
    owner: z.string(),
    connection: connectionSchema,
    name: z.string().regex(JAIL_NAME, JAIL_NAME_REASON),
    hostname: z.string().regex(HOSTNAME, "must be a host name").optional(),
    rootfs: z.strictObject({
      snapshot: z.string().regex(ZFS_SNAPSHOT, "must be a ZFS snapshot, e.g. zroot/images/freebsd@base").optional(),
      dataset: z.string().regex(ZFS_NAME, "must be a ZFS dataset name, e.g. zroot/jails/web").optional(),
      path: absPath.optional(),
    }),
    ip4: z.array(z.string().refine((a) => isIPv4(a.split("/")[0]!) && /^[^/]+(\/\d{1,2})?$/.test(a), {
      message: "must be IPv4 addresses, optionally with a prefix length: 10.0.0.10/24",
    })).optional(), // prettier-ignore
    ip6: z.array(z.string().refine((a) => isIP(a.split("/")[0]!) === 6 && /^[^/]+(\/\d{1,3})?$/.test(a), {
      message: "must be IPv6 addresses, optionally with a prefix length: fd00::10/64",
    })).optional(), // prettier-ignore
    interface: z.string().regex(IFNAME, "must be an interface name, e.g. em0").optional(),
    vnet: z
      .strictObject({
        bridge: z.string().regex(IFNAME, "must be an interface name, e.g. bridge0"),
        address: z
          .string()
          .refine((a) => isIP(a.split("/")[0]!) !== 0, { message: "must be an address with a prefix: 10.0.0.10/24" })
          .optional(),
        gateway: z
          .string()
          .refine((a) => isIP(a) !== 0, { message: "must be an IP address" })
          .optional(),
        mac: z.string().regex(MAC, "must be a MAC address, e.g. 58:9c:fc:00:00:01").optional(),
        epair: z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9_]{0,13}$/, "must be at most 14 letters, digits or _ (the ends add a and b)")
          .optional(),
      })
      .optional(),
    allow: z.strictObject(Object.fromEntries(Object.keys(ALLOW).map((k) => [k, z.boolean().optional()]))).optional(),
    enforceStatfs: z.number().int().min(0).max(2).optional(),
    devfsRuleset: z.number().int().min(0).max(65535).default(4),
    securelevel: z.number().int().min(-1).max(3).optional(),
    childrenMax: z.number().int().min(0).optional(),
    mountDevfs: z.boolean().default(true),
    mountFdescfs: z.boolean().optional(),
    mountProcfs: z.boolean().optional(),
    persist: z.boolean().default(true),
    osrelease: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,31}$/, "must be a release such as 14.2-RELEASE")
      .optional(),
    osreldate: z.number().int().positive().optional(),
    exec: z
      .strictObject({
        prestart: commands,
        created: commands,
        start: commands,
        poststart: commands,
        prestop: commands,
        stop: commands,
        poststop: commands,
        clean: z.boolean().optional(),
        jailUser: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "must be a user name")
          .optional(),
        consolelog: absPath.optional(),
        timeout: z.number().int().min(0).optional(),
      })
      .prefault({}),
    stopTimeout: z.number().int().min(0).optional(),
    params: z
      .record(
        z.string(), // names are checked in crossFieldFailures: zod would only say "Invalid key in record"
        z.union([z.boolean(), z.number(), noNul, z.array(noNul)]),
      )
      .default({}),
    mounts: z
      .array(
        z.strictObject({
          dataset: z.string().regex(ZFS_NAME, "must be a ZFS dataset name").optional(),
          path: absPath.optional(),
          target: absPath,
          readOnly: z.boolean().default(false),
        }),
      )
      .default([]),
    limits: z.partialRecord(z.enum(RCTL_RESOURCES), limitValue).default({}),
    startAtBoot: z.boolean().default(false),
    state: z.enum(["running", "stopped"]).default("running"),
    keepData: z.boolean().default(false),
    adopt: z.boolean().default(false),
  })
  .transform(({ rootfs, ...rest }) => ({ ...rest, rootfs: normalRootFs(rootfs, rest.name) }));

export type JailInputs = z.output<typeof jailInputsSchema>;
export type RootFsInput = ReturnType<typeof normalRootFs>;

function normalRootFs(r: { snapshot?: string; dataset?: string; path?: string }, name: string) {
  if (r.snapshot !== undefined) {
    const pool = r.snapshot.split("/")[0]!.split("@")[0]!;
    return { kind: "clone" as const, snapshot: r.snapshot, dataset: r.dataset ?? `${pool}/jails/${name}` };
  }
  if (r.dataset !== undefined) return { kind: "dataset" as const, dataset: r.dataset };
  return { kind: "path" as const, path: r.path ?? "" };
}

/** Rules across fields, checked on the raw inputs so they are reported along with every other failure. */
export function crossFieldFailures(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const known = (v: unknown) => v !== undefined && !containsUnknown(v);
  const set = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

  const vnet = news.vnet;
  for (const key of ["ip4", "ip6", "interface"]) {
    if (set(news[key]) && set(vnet)) fail(key, `Only one of [${key}] and [vnet] can be set`);
  }
  if (known(news.interface) && !set(news.ip4) && !set(news.ip6)) {
    fail("interface", "[interface] takes the addresses of [ip4] or [ip6]; set one of them or remove it");
  }

  const rootfs = news.rootfs as Record<string, unknown> | undefined;
  if (rootfs !== null && typeof rootfs === "object" && !containsUnknown(rootfs)) {
    if (rootfs.path !== undefined && (rootfs.snapshot !== undefined || rootfs.dataset !== undefined)) {
      fail("rootfs", "Only one of [rootfs.path] and [rootfs.snapshot]/[rootfs.dataset] can be set");
    } else if (rootfs.path === undefined && rootfs.snapshot === undefined && rootfs.dataset === undefined) {
      fail("rootfs", "set [rootfs.snapshot] (a clone made for this jail), [rootfs.dataset] or [rootfs.path]");
    }
  }

  const params = news.params as Record<string, unknown> | undefined;
  if (params !== null && typeof params === "object") {
    for (const name of Object.keys(params)) {
      if (!PARAM_NAME.test(name)) {
        fail(`params.${name}`, "parameter names are lowercase words joined by dots, e.g. allow.mount.linprocfs");
      }
      const arg = Object.hasOwn(MANAGED, name) ? MANAGED[name] : undefined;
      if (arg !== undefined) fail(`params.${name}`, `"${name}" is set by [${arg}]; use it instead`);
    }
  }

  if (Array.isArray(news.mounts)) {
    const targets = new Set<string>();
    news.mounts.forEach((m: Record<string, unknown>, i) => {
      if (m === null || typeof m !== "object" || containsUnknown(m)) return;
      if ((m.dataset === undefined) === (m.path === undefined)) {
        fail(`mounts[${i}]`, "set exactly one of [dataset] and [path]");
      }
      const target = String(m.target ?? "").replace(/\/+$/, "");
      if (target === "") fail(`mounts[${i}].target`, "cannot be the jail's root");
      if (targets.has(target)) fail(`mounts[${i}].target`, `${target} is mounted twice`);
      targets.add(target);
    });
  }
  return failures;
}

/** The epair's base name: the jail's name, shortened to leave room for the a/b suffix. */
export function epairName(inputs: Pick<JailInputs, "name" | "vnet">): string {
  return inputs.vnet?.epair ?? inputs.name.replace(/-/g, "_").slice(0, 14);
}

function networking(i: JailInputs): Networking {
  if (i.vnet !== undefined) {
    const { bridge, address, gateway, mac } = i.vnet;
    return { kind: "vnet", bridge, epair: epairName(i), address, gateway, mac };
  }
  if ((i.ip4?.length ?? 0) > 0 || (i.ip6?.length ?? 0) > 0) {
    return { kind: "ip", interface: i.interface, ip4: i.ip4 ?? [], ip6: i.ip6 ?? [] };
  }
  return { kind: "inherit" };
}

/** Mountpoints looked up on the host: the root dataset's and each mounted dataset's. */
export type Mountpoints = Record<string, string>;

/** The datasets whose mountpoints the spec needs. */
export function datasetsToResolve(i: JailInputs): string[] {
  const out = i.mounts.flatMap((m) => (m.dataset === undefined ? [] : [m.dataset]));
  if (i.rootfs.kind !== "path") out.unshift(i.rootfs.dataset);
  return [...new Set(out)];
}

/** The JailSpec for checked inputs, given the mountpoints of the datasets involved. */
export function jailSpec(i: JailInputs, mountpoints: Mountpoints): JailSpec {
  const mp = (ds: string) => {
    const found = mountpoints[ds];
    if (found === undefined || !found.startsWith("/")) {
      throw new Error(`dataset ${ds} has no mountpoint (${found ?? "not found"}); a jail needs a mounted filesystem`);
    }
    return found;
  };
  let rootfs: RootFs;
  switch (i.rootfs.kind) {
    case "clone":
      rootfs = { ...i.rootfs, mountpoint: mp(i.rootfs.dataset) };
      break;
    case "dataset":
      rootfs = { ...i.rootfs, mountpoint: mp(i.rootfs.dataset) };
      break;
    default:
      rootfs = i.rootfs;
  }
  const mounts: Mount[] = i.mounts.map((m) => ({
    source:
      m.dataset !== undefined
        ? { kind: "dataset", dataset: m.dataset, mountpoint: mp(m.dataset) }
        : { kind: "path", path: m.path! },
    target: m.target,
    readOnly: m.readOnly,
  }));
  const params: Record<string, ConfValue> = {};
  const put = (name: string, v: boolean | number | string | string[] | undefined) => {
    if (v !== undefined) params[name] = typeof v === "boolean" || Array.isArray(v) ? v : [String(v)];
  };
  put("persist", i.persist);
  put("mount.devfs", i.mountDevfs);
  if (i.mountDevfs) put("devfs_ruleset", i.devfsRuleset);
  put("mount.fdescfs", i.mountFdescfs);
  put("mount.procfs", i.mountProcfs);
  put("enforce_statfs", i.enforceStatfs);
  put("securelevel", i.securelevel);
  put("children.max", i.childrenMax);
  put("osrelease", i.osrelease);
  put("osreldate", i.osreldate);
  for (const [key, name] of Object.entries(ALLOW)) put(name, i.allow?.[key]);
  put("exec.clean", i.exec.clean ?? true);
  put("exec.jail_user", i.exec.jailUser);
  put("exec.consolelog", i.exec.consolelog);
  put("exec.timeout", i.exec.timeout);
  put("stop.timeout", i.stopTimeout);
  for (const [name, v] of Object.entries(i.params)) put(name, v);
  const exec: ExecCommands = {
    prestart: i.exec.prestart ?? [],
    created: i.exec.created ?? [],
    // The rc scripts of the jail's own userland: what rc.d/jail uses when nothing else is said.
    start: i.exec.start ?? ["/bin/sh /etc/rc"],
    poststart: i.exec.poststart ?? [],
    prestop: i.exec.prestop ?? [],
    stop: i.exec.stop ?? ["/bin/sh /etc/rc.shutdown jail"],
    poststop: i.exec.poststop ?? [],
  };
  return {
    name: i.name,
    owner: i.owner,
    hostname: i.hostname ?? i.name,
    rootfs,
    networking: networking(i),
    mounts,
    exec,
    params,
  };
}
