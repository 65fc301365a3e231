// Pure parsers of what jls(8), rctl(8) and rc.d/jail print on FreeBSD 14. Each throws an error quoting the
// text it could not read.

export class JailOutputError extends Error {
  constructor(what: string, text: string) {
    super(`cannot read ${what}: ${JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text)}`);
    this.name = "JailOutputError";
  }
}

/** One running jail as `jls -v --libxo json` reports it. */
export interface RunningJail {
  jid: number;
  name: string;
  hostname: string;
  path: string;
  /** "ACTIVE", or "DYING" while it shuts down. */
  state: string;
  cpusetid: number;
  ipv4: string[];
  ipv6: string[];
}

/**
 * `jls -v --libxo json` (usr.sbin/jls/jls.c, print_jail with PRINT_VERBOSE): the container
 * "jail-information" holds the list "jail"; each instance has jid, hostname, path, name, state, cpusetid and
 * the lists ipv4_addrs / ipv6_addrs (emit_ip_addr_list). The lists' exact libxo shape is UNCONFIRMED against a
 * real host: plain strings (freebsd-reference/jails.md) and {"ipv4_addr": …} objects are both read.
 */
export function parseJlsVerboseJson(text: string): RunningJail[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new JailOutputError("jls --libxo json output", text);
  }
  const list = (doc as { "jail-information"?: { jail?: unknown } })?.["jail-information"]?.jail;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new JailOutputError("jls --libxo json output", text);
  return list.map((raw: Record<string, unknown>) => {
    const jid = Number(raw.jid);
    if (!Number.isInteger(jid) || typeof raw.name !== "string") {
      throw new JailOutputError("a jail in jls --libxo json output", JSON.stringify(raw));
    }
    return {
      jid,
      name: raw.name,
      hostname: String(raw.hostname ?? ""),
      path: String(raw.path ?? ""),
      state: String(raw.state ?? "ACTIVE"),
      cpusetid: Number(raw.cpusetid ?? 0),
      ipv4: addresses(raw.ipv4_addrs, "ipv4_addr"),
      ipv6: addresses(raw.ipv6_addrs, "ipv6_addr"),
    };
  });
}

function addresses(value: unknown, key: string): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => {
    if (typeof item === "string") return [item];
    const inner = (item as Record<string, unknown>)?.[key];
    return Array.isArray(inner) ? inner.map(String) : inner === undefined ? [] : [String(inner)];
  });
}

/** One rctl(8) rule: subject:subject-id:resource:action=amount[/per]. */
export interface RctlRule {
  subject: string;
  id: string;
  resource: string;
  action: string;
  amount: string;
  per?: string;
}

const RULE = /^([a-z]+):([^:]*):([a-z]+):([a-z]+(?:=[a-z]+)?)=([^/]+)(?:\/([a-z]+))?$/;

/**
 * rctl(8)'s listing, one rule a line as print_rules() in usr.bin/rctl/rctl.c writes them: the kernel's
 * "subject:id:resource:action=amount" with "/per" only where per differs from the subject.
 */
export function parseRctlRules(text: string): RctlRule[] {
  const rules: RctlRule[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const m = RULE.exec(line.trim());
    if (m === null) throw new JailOutputError("an rctl rule", line);
    // An action may carry a signal: "sigterm"; "deny", "log", "devctl", "throttle" are the usual ones.
    rules.push({
      subject: m[1]!,
      id: m[2]!,
      resource: m[3]!,
      action: m[4]!,
      amount: m[5]!,
      ...(m[6] ? { per: m[6] } : {}),
    });
  }
  return rules;
}

/** The rule text rctl -a takes and rctl prints back. */
export function formatRctlRule(rule: RctlRule): string {
  return `${rule.subject}:${rule.id}:${rule.resource}:${rule.action}=${rule.amount}${rule.per ? `/${rule.per}` : ""}`;
}

/**
 * What `service jail start NAME` printed when a jail did not start. rc.d/jail (libexec/rc/rc.d/jail,
 * jail_start) exits 0 either way and prints ` cannot start jail  "NAME": ` followed by jail(8)'s own output.
 */
export function serviceJailFailure(output: string): string | undefined {
  const at = output.indexOf(" cannot start jail ");
  if (at < 0) return undefined;
  return output
    .slice(at + 1)
    .replace(/\.\s*$/, "")
    .trim();
}
