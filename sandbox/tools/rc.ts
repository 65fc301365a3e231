// run_rc_command() of libexec/rc/rc.subr (freebsd-src main at ea40e879), for simulated rc.d scripts: the
// fast/force/one/quiet prefixes, the rcvar check ("Cannot 'start' pf. Set pf_enable to YES in /etc/rc.conf
// or use 'onestart' instead of 'start'."), "already running? (pid=N).", the default start/stop/status/
// restart/rcvar/enable/disable/describe methods and their messages, and rc_usage.
// UNCONFIRMED for 14.2: this rc.subr lets `status` run without the rcvar set; older ones refused it.
import type { HostState } from "../state";
import { findModule, kldState, kldload } from "./kld";
import { hostFileExists } from "./hostfs";
import { RC_CONF_FILES, findVar, getVar, rcFiles, saveRcFiles, setVar, deleteVar, yesNo } from "./rcconf";

/** What a script's methods get: the host, its output, and its rc.conf view. */
export interface RcRun {
  state: HostState;
  hostDir: string;
  /** $0, e.g. /etc/rc.d/pf */
  path: string;
  out(text: string): void;
  err(text: string): void;
  /** The value load_rc_config gives a variable (defaults, rc_conf_files, rc.conf.d/NAME, script defaults). */
  value(name: string): string | undefined;
  /** checkyesno, warning about values that are neither yes nor no. */
  checkyesno(name: string): boolean;
  warn(message: string): void;
}

/** A method returns its exit status. */
export type Method = (rc: RcRun, extraArgs: string[]) => number;

export interface RcScript {
  name: string;
  dir: string;
  desc?: string;
  rcvar?: string;
  /** `: ${name_enable:=NO}` lines of the script itself. */
  scriptDefaults?: Record<string, string>;
  /** Set for daemons found by process (the status and poll keywords); the default start/stop use it. */
  daemon?: { command: string; pidfile?: string };
  extraCommands?: string[];
  requiredFiles?: (rc: RcRun) => string[];
  requiredModules?: string[];
  /** ${rc_arg}_cmd methods, e.g. start, stop, status, check. */
  cmds?: Record<string, Method>;
  /** ${rc_arg}_precmd methods. */
  precmds?: Record<string, Method>;
  /** Commands whose methods run other tools that take the host's lock, so service(8) must not hold it. */
  unlocked?: string[];
}

export interface ServicesState {
  /** Running daemons: script name → pid. */
  running: Record<string, number>;
  nextPid: number;
}

export function servicesState(state: HostState): ServicesState {
  // sshd runs from boot: the simulated host's own OpenSSH server (its pid is UNCONFIRMED, any will do).
  return (state.services as ServicesState | undefined) ?? { running: { sshd: 1021 }, nextPid: 2400 };
}

export function makeRun(
  script: RcScript,
  state: HostState,
  hostDir: string,
  out: (t: string) => void,
  err: (t: string) => void,
): RcRun {
  const path = `${script.dir}/${script.name}`;
  const confs = serviceConfs(state, script.name);
  const rc: RcRun = {
    state,
    hostDir,
    path,
    out,
    err,
    value: (name) => getVar(rcFiles(state), name, confs) ?? script.scriptDefaults?.[name],
    warn: (message) => err(`${path}: WARNING: ${message}\n`),
    checkyesno: (name) => {
      const yes = yesNo(rc.value(name));
      if (yes === undefined) rc.warn(`$${name} is not set properly - see rc.conf(5).`);
      return yes === true;
    },
  };
  return rc;
}

/** load_rc_config NAME reads rc_conf_files, then /etc/rc.conf.d/NAME and /usr/local/etc/rc.conf.d/NAME. */
function serviceConfs(state: HostState, name: string): string[] {
  const files = rcFiles(state).files;
  return [
    ...RC_CONF_FILES,
    ...[`/etc/rc.conf.d/${name}`, `/usr/local/etc/rc.conf.d/${name}`].filter((f) => f in files),
  ];
}

function keywords(script: RcScript): string[] {
  const list = ["start", "stop", "restart", "rcvar", "enable", "disable", "delete", "enabled", "describe"];
  list.push("extracommands", ...(script.extraCommands ?? []));
  if (script.daemon !== undefined) list.push("status", "poll");
  else if (script.cmds?.status !== undefined) list.push("status");
  return list;
}

function usage(rc: RcRun, script: RcScript): number {
  rc.err(`Usage: ${rc.path} [fast|force|one|quiet](${keywords(script).join("|")})\n`);
  return 1;
}

/** The commands that never change a host; service(8) runs them without taking the host's lock. */
export function isReadOnly(arg: string | undefined): boolean {
  const bare = (arg ?? "").replace(/^(fast|force|one|quiet)/, "");
  return ["status", "enabled", "rcvar", "describe", "extracommands", "poll", "check"].includes(bare);
}

export function runRcCommand(script: RcScript, rc: RcRun, argv: string[]): number {
  const extra = argv.slice(1);
  let arg = argv[0] ?? "";
  let fast = false;
  let quiet = false;
  let forceYes = false;
  let prefix = "";
  const m = /^(fast|force|one|quiet)(.*)$/.exec(arg);
  if (m) {
    prefix = m[1]!;
    arg = m[2]!;
    if (prefix === "fast") [fast, quiet] = [true, true];
    if (prefix === "force" || prefix === "one") forceYes = true;
    if (prefix === "quiet") quiet = true;
  }
  const enabled = () => forceYes || script.rcvar === undefined || rc.checkyesno(script.rcvar);
  if (arg === "") return usage(rc, script);
  if (arg === "enabled") return script.rcvar === undefined || rc.checkyesno(script.rcvar) ? 0 : 1;
  const services = servicesState(rc.state);
  const pid = script.daemon === undefined ? undefined : services.running[script.name];

  if (!keywords(script).includes(arg)) {
    rc.err(`${rc.path}: unknown directive '${arg}'.\n`);
    return usage(rc, script);
  }
  const exempt = ["rcvar", "stop", "delete", "enable", "describe", "status"];
  if (script.rcvar !== undefined && (!exempt.includes(arg) || (arg === "stop" && pid === undefined)) && !enabled()) {
    if (!quiet) {
      rc.out(
        `Cannot '${arg}' ${script.name}. Set ${script.rcvar} to YES in /etc/rc.conf or use 'one${arg}' instead of '${arg}'.\n`,
      );
    }
    return 0;
  }
  if (arg === "start" && !fast && pid !== undefined) {
    if (!quiet) rc.err(`${script.name} already running? (pid=${pid}).\n`);
    return 1;
  }
  const precmd = () =>
    requiredBefore(script, rc, arg) &&
    (script.precmds?.[arg]?.(rc, extra) ?? 0) === 0 &&
    requiredAfter(script, rc, arg);

  const custom = script.cmds?.[arg];
  if (custom !== undefined) {
    if (!precmd()) return 1;
    return custom(rc, extra);
  }
  switch (arg) {
    case "describe":
      if (script.desc !== undefined) rc.out(`${script.desc}\n`);
      return 0;
    case "extracommands":
      rc.out(`${(script.extraCommands ?? []).join(" ")}\n`);
      return 0;
    case "enable":
    case "disable":
      return setEnable(script, rc, arg === "enable");
    case "delete":
      return deleteRcvar(script, rc);
    case "status":
      if (!precmd()) return 1;
      if (pid === undefined) {
        rc.out(`${script.name} is not running.\n`);
        return 1;
      }
      rc.out(`${script.name} is running as pid ${pid}.\n`);
      return 0;
    case "poll":
      return 0;
    case "start":
      if (!precmd()) {
        rc.warn(`failed precmd routine for ${script.name}`);
        return 1;
      }
      if (!quiet || rc.checkyesno("rc_startmsgs")) rc.out(`Starting ${script.name}.\n`);
      startDaemon(rc.state, script.name);
      return 0;
    case "stop":
      if (pid === undefined) {
        if (fast) return 0;
        rc.err(`${script.name} not running?${script.daemon?.pidfile ? ` (check ${script.daemon.pidfile}).` : ""}\n`);
        return 1;
      }
      if (!precmd()) return 1;
      rc.out(`Stopping ${script.name}.\nWaiting for PIDS: ${pid}.\n`);
      stopDaemon(rc.state, script.name);
      return 0;
    case "restart": {
      if (!precmd()) return 1;
      // Each half runs in a subshell, with the same prefix.
      runRcCommand(script, rc, [`${prefix}stop`, ...extra]);
      return runRcCommand(script, rc, [`${prefix}start`, ...extra]) === 0 ? 0 : 1;
    }
    case "rcvar":
      rc.out(rcvarText(script, rc));
      return 0;
  }
  return usage(rc, script);
}

export function startDaemon(state: HostState, name: string): number {
  const s = structuredClone(servicesState(state));
  const pid = s.nextPid;
  s.running[name] = pid;
  s.nextPid += 1 + (pid % 7);
  state.services = s;
  return pid;
}

export function stopDaemon(state: HostState, name: string): void {
  const s = structuredClone(servicesState(state));
  delete s.running[name];
  state.services = s;
}

/** check_required_before: required_files must be readable before start. */
function requiredBefore(script: RcScript, rc: RcRun, arg: string): boolean {
  if (arg !== "start") return true;
  for (const file of script.requiredFiles?.(rc) ?? []) {
    if (!hostFileExists(rc.hostDir, file)) {
      rc.warn(`${file} is not readable.`);
      return false;
    }
  }
  return true;
}

/** check_required_after: load_kld each required module that kldstat -q -m does not find. */
function requiredAfter(script: RcScript, rc: RcRun, arg: string): boolean {
  if (arg !== "start") return true;
  for (const module of script.requiredModules ?? []) {
    const k = structuredClone(kldState(rc.state));
    if (findModule(k, module) !== undefined) continue;
    const result = kldload(k, module);
    if (!result.ok) {
      rc.err(`kldload: can't load ${module}: No such file or directory\n`);
      rc.warn(`Unable to load kernel module ${module}`);
      return false;
    }
    rc.state.kld = k;
  }
  return true;
}

/** `sysrc -vs NAME rcvar=YES`, then "NAME enabled in FILE" with the file sysrc -v named. */
function setEnable(script: RcScript, rc: RcRun, on: boolean): number {
  if (script.rcvar === undefined) return 0;
  const files = structuredClone(rcFiles(rc.state));
  const confs = serviceConfs(rc.state, script.name);
  const found = findVar(files, script.rcvar, confs);
  const shown = found === undefined || found.startsWith("/etc/defaults/") ? confs[0]! : found;
  const changed = setVar(files, script.rcvar, on ? "YES" : "NO", confs);
  saveRcFiles(rc.state, rc.hostDir, files, [changed]);
  rc.out(`${script.name} ${on ? "enabled" : "disabled"} in ${shown}\n`);
  return 0;
}

/** `sysrc -x rcvar`, then "rcvar deleted in FILES" (which files are listed is UNCONFIRMED in detail). */
function deleteRcvar(script: RcScript, rc: RcRun): number {
  if (script.rcvar === undefined) return 0;
  const files = structuredClone(rcFiles(rc.state));
  const changed = deleteVar(files, script.rcvar, serviceConfs(rc.state, script.name));
  saveRcFiles(rc.state, rc.hostDir, files, changed);
  rc.out(`${script.rcvar} deleted in ${changed.join(" ")}\n`);
  return 0;
}

function rcvarText(script: RcScript, rc: RcRun): string {
  let text = `# ${script.name}${script.desc === undefined ? "" : ` : ${script.desc}`}\n#\n`;
  if (script.rcvar !== undefined) text += `${script.rcvar}="${rc.value(script.rcvar) ?? ""}"\n#   (default: "")\n`;
  return `${text}\n`;
}
