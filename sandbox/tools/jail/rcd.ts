// The methods of rc.d/jail (libexec/rc/rc.d/jail in freebsd-src) for the simulated service(8): jail_start,
// jail_stop and jail_status. Each named jail's configuration is the first readable of /etc/jail.NAME.conf,
// /etc/jail.conf.d/NAME.conf and $jail_conf (parse_options); the jail starts with `jail -i -f CONF -c NAME`
// and stops with `jail -q -f CONF -r NAME`. Output as the script prints it: "Starting jails: web." or
// "Starting jails: cannot start jail  "web": " followed by jail(8)'s own output, and the exit status is 0
// either way, as the script's last command is `echo '.'`. /var/run/jail_NAME.id holds the jid.
// These methods run jail(8) and jls(8), which take the host's lock themselves: service(8) calls them unlocked.
import { StateStore } from "../../state";
import type { ToolContext } from "../context";
import { hostFileExists, writeHostFile } from "../hostfs";
import type { Method, RcRun } from "../rc";
import { jail } from "./jail";
import { findJail, jailsState } from "./state";

/** Runs a simulated tool in this process, its output collected. */
function call(
  rc: RcRun,
  tool: (ctx: ToolContext) => number | Promise<number>,
  args: string[],
): { code: number; output: string } {
  let output = "";
  const ctx: ToolContext = {
    name: "jail",
    args,
    state: new StateStore(rc.hostDir),
    hostDir: rc.hostDir,
    stdin: () => "",
    out: (t) => (output += t),
    err: (t) => (output += t),
  };
  const code = tool(ctx);
  if (typeof code !== "number") throw new Error("rc.d/jail: jail(8) must run synchronously");
  return { code, output };
}

/** The jail names rc.d/jail acts on: its arguments, else jail_list, else every jail (_ALL). */
function targets(rc: RcRun, args: string[]): string[] | "_ALL" {
  const list = args.length > 0 ? args : (rc.value("jail_list") ?? "").split(/\s+/).filter(Boolean);
  return list.length === 0 ? "_ALL" : list.map((j) => j.replace(/[/.]/g, "_"));
}

/** parse_options: the configuration file of jail `name`, or undefined with the script's warning. */
function confOf(rc: RcRun, name: string): string | undefined {
  for (const file of [
    `/etc/jail.${name}.conf`,
    `/etc/jail.conf.d/${name}.conf`,
    rc.value("jail_conf") ?? "/etc/jail.conf",
  ]) {
    if (hostFileExists(rc.hostDir, file)) return file;
  }
  rc.warn(`Invalid configuration for ${name} (no jail.conf, no hostname, or no path).  Jail ${name} was ignored.`);
  return undefined;
}

const running = (rc: RcRun, name: string) => findJail(new StateStore(rc.hostDir).read(), name) !== undefined;

export const jailStart: Method = (rc, args) => {
  const which = targets(rc, args);
  rc.out("Starting jails:");
  if (which === "_ALL") {
    const conf = rc.value("jail_conf") ?? "/etc/jail.conf";
    const r = call(rc, jail, ["-f", conf, "-c"]);
    if (r.code === 0) {
      for (const j of jailsState(new StateStore(rc.hostDir).read()).jails) {
        rc.out(` ${j.name}`);
        writeHostFile(rc.hostDir, `/var/run/jail_${j.name}.id`, `${j.jid}\n`);
      }
    } else rc.out(r.output);
    rc.out(".\n");
    return 0;
  }
  for (const name of which) {
    const conf = confOf(rc, name);
    if (conf === undefined) continue;
    const r = call(rc, jail, ["-i", "-f", conf, "-c", name]);
    if (r.code === 0) {
      rc.out(` ${name}`);
      const jid = findJail(new StateStore(rc.hostDir).read(), name)?.jid;
      writeHostFile(rc.hostDir, `/var/run/jail_${name}.id`, `${jid ?? ""}\n`);
    } else {
      rc.out(` cannot start jail  "${name}": \n${r.output}`);
    }
  }
  rc.out(".\n");
  return 0;
};

export const jailStop: Method = (rc, args) => {
  const which = targets(rc, args);
  rc.out("Stopping jails:");
  const names = which === "_ALL" ? jailsState(new StateStore(rc.hostDir).read()).jails.map((j) => j.name) : which;
  for (const name of names) {
    const conf = which === "_ALL" ? (rc.value("jail_conf") ?? "/etc/jail.conf") : confOf(rc, name);
    if (conf === undefined || !running(rc, name)) continue;
    rc.out(` ${name}`);
    const r = call(rc, jail, ["-q", "-f", conf, "-r", name]);
    if (running(rc, name)) rc.out(r.output);
    else writeHostFile(rc.hostDir, `/var/run/jail_${name}.id`, undefined);
  }
  rc.out(".\n");
  return 0;
};

/** jail_status: `jls -N`. */
export const jailStatus: Method = (rc) => {
  const jails = jailsState(new StateStore(rc.hostDir).read()).jails;
  let out = ` ${"JID".padEnd(15)} ${"IP Address".padEnd(15)} ${"Hostname".padEnd(29)} Path\n`;
  for (const j of jails) {
    const ip = (j.params["ip4.addr"] ?? "").split(",")[0] ?? "";
    out += ` ${j.name.padEnd(15)} ${ip.slice(0, 15).padEnd(15)} ${(j.params["host.hostname"] ?? "").slice(0, 29).padEnd(29)} ${j.params.path ?? ""}\n`;
  }
  rc.out(out);
  return 0;
};

/** The rc.d/jail commands whose methods take the host's lock themselves. */
export const JAIL_RC_UNLOCKED = ["start", "stop", "restart", "status"];
