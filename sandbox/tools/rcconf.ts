// rc.conf(5) files of a simulated host, kept as text in the host's state (so comments and line order
// survive) and rendered under <hostDir>/root for other tools. Reading, setting and deleting follow
// f_sysrc_get / f_sysrc_find / f_sysrc_set / f_sysrc_delete in usr.sbin/bsdconfig/share/sysrc.subr.
import type { HostState } from "../state";
import { DEFAULT_HOSTNAME } from "./facts";
import { writeHostFile } from "./hostfs";
import { UPLINK } from "./net-state";

export const RC_DEFAULTS = "/etc/defaults/rc.conf";
export const RC_CONF_FILES = ["/etc/rc.conf", "/etc/rc.conf.local"];

/** The variables of /etc/defaults/rc.conf (libexec/rc/rc.conf) that the simulated tools use: a subset. */
export const DEFAULTS: ReadonlyArray<readonly [string, string]> = [
  ["rc_info", "NO"],
  ["rc_startmsgs", "YES"],
  ["devd_enable", "YES"],
  ["local_startup", "/usr/local/etc/rc.d"],
  ["rc_conf_files", RC_CONF_FILES.join(" ")],
  ["zfs_enable", "NO"],
  ["zfsd_enable", "NO"],
  ["hostname", ""],
  ["netif_enable", "YES"],
  ["firewall_enable", "NO"],
  ["pf_enable", "NO"],
  ["pf_rules", "/etc/pf.conf"],
  ["pf_program", "/sbin/pfctl"],
  ["pf_flags", ""],
  ["pflog_enable", "NO"],
  ["pfsync_enable", "NO"],
  ["icmp_drop_redirect", "NO"],
  ["icmp_log_redirect", "NO"],
  ["network_interfaces", "auto"],
  ["cloned_interfaces", ""],
  ["syslogd_enable", "YES"],
  ["sshd_enable", "NO"],
  ["sshd_program", "/usr/sbin/sshd"],
  ["sshd_flags", ""],
  ["ntpd_enable", "NO"],
  ["defaultrouter", "NO"],
  ["static_routes", ""],
  ["gateway_enable", "NO"],
  ["arpproxy_all", "NO"],
  ["forward_sourceroute", "NO"],
  ["accept_sourceroute", "NO"],
  ["icmp_bmcastecho", "NO"],
  ["ipv6_network_interfaces", "auto"],
  ["ipv6_defaultrouter", "NO"],
  ["ipv6_static_routes", ""],
  ["ipv6_gateway_enable", "NO"],
  ["moused_nondefault_enable", "YES"],
  ["cron_enable", "YES"],
  ["jail_enable", "NO"],
  ["jail_conf", "/etc/jail.conf"],
  ["jail_list", ""],
  ["dumpdev", "AUTO"],
];

/** rc.conf-family files by simulated path, as text. */
export interface RcFiles {
  files: Record<string, string>;
}

/**
 * /etc/rc.conf as bsdinstall(8) leaves a ZFS install with a static address (UNCONFIRMED in detail: the comment
 * line follows a typical 14.x install). The uplink matches the simulated interfaces (net-state.ts: UPLINK).
 */
export function initialRcConf(hostname: string = DEFAULT_HOSTNAME): string {
  return [
    `hostname="${hostname}"`,
    `ifconfig_${UPLINK.name}="inet ${UPLINK.address}/${UPLINK.prefix}"`,
    `defaultrouter="${UPLINK.gateway}"`,
    `sshd_enable="YES"`,
    `moused_nondefault_enable="NO"`,
    `# Set dumpdev to "AUTO" to enable crash dumps, "NO" to disable`,
    `dumpdev="AUTO"`,
    `zfs_enable="YES"`,
    "",
  ].join("\n");
}

/** The host's rc files, or the fresh install's when the state has none yet. */
export function rcFiles(state: HostState): RcFiles {
  const saved = state.rcconf as RcFiles | undefined;
  if (saved !== undefined) return saved;
  const hostname = typeof state.hostname === "string" ? state.hostname : DEFAULT_HOSTNAME;
  return { files: { "/etc/rc.conf": initialRcConf(hostname) } };
}

/** Saves the rc files into the state and renders the changed ones as text under <hostDir>/root. */
export function saveRcFiles(state: HostState, hostDir: string, rc: RcFiles, changed: Iterable<string>): void {
  state.rcconf = rc;
  for (const file of changed) writeHostFile(hostDir, file, rc.files[file]);
}

const ASSIGN = (name: string) => new RegExp(`^[ \\t]*${name}=`);

/** The value an assignment line gives when sh(1) sources it; quotes and one level of escapes removed. */
export function assignedValue(line: string): string {
  const text = line.slice(line.indexOf("=") + 1);
  if (text.startsWith("'")) {
    const end = text.indexOf("'", 1);
    return end < 0 ? text.slice(1) : text.slice(1, end);
  }
  if (text.startsWith('"')) {
    let value = "";
    for (let i = 1; i < text.length; i++) {
      const c = text[i]!;
      if (c === '"') break;
      if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) value += text[++i];
      else value += c;
    }
    return value;
  }
  // A bare word ends at a blank or `;` (UNCONFIRMED: no expansion of $vars or backticks is simulated).
  return /^[^ \t;#]*/.exec(text)![0];
}

/** The files a query reads, in the order they are sourced: RC_CONFS (-f) or rc_conf_files. */
function sourced(confs: readonly string[] | undefined): readonly string[] {
  return confs ?? RC_CONF_FILES;
}

function lastAssignment(text: string | undefined, name: string): string | undefined {
  if (text === undefined) return undefined;
  let value: string | undefined;
  for (const line of text.split("\n")) if (ASSIGN(name).test(line)) value = assignedValue(line);
  return value;
}

/** f_sysrc_get: defaults, then each file in turn; undefined when the variable is set nowhere. */
export function getVar(rc: RcFiles, name: string, confs?: readonly string[]): string | undefined {
  let value = DEFAULTS.find(([n]) => n === name)?.[1];
  for (const file of sourced(confs)) value = lastAssignment(rc.files[file], name) ?? value;
  return value;
}

/** f_sysrc_find: the file holding the effective (last) assignment, the defaults file last. */
export function findVar(rc: RcFiles, name: string, confs?: readonly string[]): string | undefined {
  for (const file of [...sourced(confs)].reverse()) {
    if (lastAssignment(rc.files[file], name) !== undefined) return file;
  }
  return DEFAULTS.some(([n]) => n === name) ? RC_DEFAULTS : undefined;
}

/**
 * f_sysrc_set: edit the last assignment in place, keeping its quoting, or append `name="value"` to the first
 * file (of RC_CONFS, else rc_conf_files) when the variable is only a default or unset. Returns the file.
 */
export function setVar(rc: RcFiles, name: string, value: string, confs?: readonly string[]): string {
  const found = findVar(rc, name, confs);
  if (found === undefined || found === RC_DEFAULTS) {
    const file = sourced(confs)[0]!;
    rc.files[file] = appendLine(rc.files[file], `${name}="${value}"`);
    return file;
  }
  const lines = rc.files[found]!.split("\n");
  const at = lines.findLastIndex((line) => ASSIGN(name).test(line));
  const line = lines[at]!;
  const prefix = line.slice(0, line.indexOf("=") + 1);
  const old = line.slice(prefix.length);
  const q = old[0];
  if (q !== undefined && "`$\\".includes(q)) {
    // The awk script leaves lines it did not write alone and appends a new assignment instead.
    rc.files[found] = appendLine(rc.files[found], `${name}="${value}"`);
  } else if (q === "'" || q === '"') {
    const close = q === "'" ? old.indexOf("'", 1) : closingDoubleQuote(old);
    lines[at] = `${prefix}${q}${value}${q}${close < 0 ? "" : old.slice(close + 1)}`;
    rc.files[found] = lines.join("\n");
  } else {
    const rest = /^[^ \t]*/.exec(old)![0].length;
    lines[at] = `${prefix}"${value}"${old.slice(rest)}`;
    rc.files[found] = lines.join("\n");
  }
  return found;
}

/** f_sysrc_delete: every assignment to `name`, in every file that exists. Returns the files it changed. */
export function deleteVar(rc: RcFiles, name: string, confs?: readonly string[]): string[] {
  const changed: string[] = [];
  for (const file of sourced(confs)) {
    const text = rc.files[file];
    if (text === undefined) continue;
    const kept = text.split("\n").filter((line) => !ASSIGN(name).test(line));
    if (kept.length === text.split("\n").length) continue;
    rc.files[file] = kept.join("\n");
    changed.push(file);
  }
  return changed;
}

function appendLine(text: string | undefined, line: string): string {
  const base = text ?? "";
  return `${base}${base === "" || base.endsWith("\n") ? "" : "\n"}${line}\n`;
}

function closingDoubleQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** checkyesno(rc.subr): true for yes/true/on/1, false for no/false/off/0, undefined (a warning) otherwise. */
export function yesNo(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(yes|true|on|1)$/i.test(value)) return true;
  if (/^(no|false|off|0)$/i.test(value)) return false;
  return undefined;
}
