// The rc.d scripts of a simulated host, each written after its source: libexec/rc/rc.d/{sshd,pf,zfs,routing,
// jail} in freebsd-src, sysutils/podman/files/podman.in in freebsd-ports, rc.d/vm in churchers/vm-bhyve.
// Package scripts exist only while their package is installed.
import type { HostState } from "../state";
import { findModule, kldState } from "./kld";
import { packageRcScripts } from "./pkg-catalogue";
import type { Method, RcRun, RcScript } from "./rc";
import { sysctlValues } from "./sysctl-tree";
import { JAIL_RC_UNLOCKED, jailStart, jailStatus, jailStop } from "./jail/rcd";

export interface PfState {
  enabled: boolean;
  /** When pf was enabled, in seconds since the epoch (pfctl -s info shows the uptime). */
  since: number;
}

export function pfState(state: HostState): PfState {
  return (state.pf as PfState | undefined) ?? { enabled: false, since: 0 };
}

const configtest: Method = (rc) => {
  rc.out("Performing sanity check on sshd configuration.\n");
  return 0;
};

const sshd: RcScript = {
  name: "sshd",
  dir: "/etc/rc.d",
  desc: "Secure Shell Daemon",
  rcvar: "sshd_enable",
  daemon: { command: "/usr/sbin/sshd", pidfile: "/var/run/sshd.pid" },
  extraCommands: ["configtest", "keygen", "reload"],
  // sshd_precmd runs keygen (silent: the host keys exist) and configtest.
  precmds: { start: configtest, restart: configtest, reload: configtest },
  cmds: { configtest, keygen: () => 0 },
};

/** pf_status: "pf.ko is not loaded", or pfctl -s info and the status of pfctl -s Running. */
const pfStatus: Method = (rc) => {
  if (findModule(kldState(rc.state), "pf") === undefined) {
    rc.out("pf.ko is not loaded\n");
    return 1;
  }
  const pf = pfState(rc.state);
  // print_status() in sbin/pfctl/pfctl_parser.c: the status line padded to 44, the debug level to 15. The
  // state-table and counter sections that follow it are UNCONFIRMED for 14.2 and left out.
  let line = `Status: ${pf.enabled ? "Enabled" : "Disabled"}`;
  if (pf.since > 0) {
    let t = Math.max(0, Math.floor(Date.now() / 1000) - pf.since);
    const [sec, min, hrs] = [t % 60, Math.floor(t / 60) % 60, Math.floor(t / 3600) % 24];
    t = Math.floor(t / 86400);
    const two = (n: number) => String(n).padStart(2, "0");
    line += ` for ${t} days ${two(hrs)}:${two(min)}:${two(sec)}`;
  }
  rc.out(`${line.padEnd(44)}${"Debug: Urgent".padStart(15)}\n\n`);
  return pf.enabled ? 0 : 1;
};

const pf: RcScript = {
  name: "pf",
  dir: "/etc/rc.d",
  desc: "Packet filter",
  rcvar: "pf_enable",
  extraCommands: ["check", "reload", "resync"],
  requiredFiles: (rc) => [rc.value("pf_rules") ?? "/etc/pf.conf"],
  requiredModules: ["pf"],
  cmds: {
    start: (rc) => {
      const now = pfState(rc.state);
      rc.state.pf = { enabled: true, since: now.enabled ? now.since : Math.floor(Date.now() / 1000) };
      // startmsg -n 'Enabling pf' … startmsg '.'; rc_startmsgs only matters at boot.
      rc.out("Enabling pf.\n");
      return 0;
    },
    stop: (rc) => {
      if (pfState(rc.state).enabled) {
        rc.out("Disabling pf.\n");
        rc.state.pf = { enabled: false, since: 0 };
      }
      return 0;
    },
    status: pfStatus,
    check: (rc) => {
      rc.out("Checking pf rules.\n");
      return 0;
    },
    reload: (rc) => {
      rc.out("Reloading pf rules.\n");
      return 0;
    },
    resync: () => 0,
  },
};

// zfs mount -va / zfs unmount -a print nothing when every dataset is already as wanted.
const zfs: RcScript = {
  name: "zfs",
  dir: "/etc/rc.d",
  desc: "Mount and share ZFS datasets",
  rcvar: "zfs_enable",
  requiredModules: ["zfs"],
  cmds: { start: () => 0, stop: () => 0 },
};

/**
 * routing_start's options_inet/options_inet6: the forwarding sysctls follow gateway_enable, and enabled
 * options are announced. The static routes it adds and flushes are not simulated (route(8)'s lines for
 * them are UNCONFIRMED), so start and stop print only the options.
 */
function routingOptions(rc: RcRun): number {
  const values = { ...sysctlValues(rc.state) };
  for (const [family, gateway, oid] of [
    ["inet", "gateway_enable", "net.inet.ip.forwarding"],
    ["inet6", "ipv6_gateway_enable", "net.inet6.ip6.forwarding"],
  ] as const) {
    const on = rc.checkyesno(gateway);
    values[oid] = on ? "1" : "0";
    if (on) rc.out(`Additional ${family} routing options: gateway=YES.\n`);
  }
  rc.state.sysctl = values;
  return 0;
}

const routing: RcScript = {
  name: "routing",
  dir: "/etc/rc.d",
  desc: "Routing setup",
  extraCommands: ["options", "static"],
  cmds: { start: routingOptions, options: routingOptions, static: () => 0, stop: () => 0 },
};

// rc.d/jail's start/stop/status live with the jail tools (tools/jail/rcd.ts).
const jail: RcScript = {
  name: "jail",
  dir: "/etc/rc.d",
  desc: "Start/stop jails",
  rcvar: "jail_enable",
  extraCommands: ["config", "console", "status"],
  cmds: { start: jailStart, stop: jailStop, status: jailStatus },
  unlocked: JAIL_RC_UNLOCKED,
};

const podman: RcScript = {
  name: "podman",
  dir: "/usr/local/etc/rc.d",
  rcvar: "podman_enable",
  scriptDefaults: { podman_enable: "NO", podman_flags: "--noout" },
  // `podman --noout start --all --filter restart-policy=always` prints nothing.
  cmds: { start: () => 0, stop: () => 0, restart: () => 0 },
};

const vm: RcScript = {
  name: "vm",
  dir: "/usr/local/etc/rc.d",
  desc: "Start and stop vm-bhyve guests on boot/shutdown",
  rcvar: "vm_enable",
  scriptDefaults: { vm_enable: "NO" },
  // command= makes rc.subr look for a process: status and poll exist and find none.
  daemon: { command: "/usr/local/sbin/vm" },
  cmds: { start: () => 0, stop: () => 0 },
};

const BASE = [zfs, routing, pf, sshd, jail];
const PACKAGED = [podman, vm];

/** The scripts of /etc/rc.d and /usr/local/etc/rc.d on this host, in the order `service -e` lists them. */
export function rcScripts(state: HostState): RcScript[] {
  const installed = packageRcScripts(state);
  return [...BASE, ...PACKAGED.filter((s) => installed.includes(s.name))];
}
