// rctl(8) of FreeBSD 14 (usr.bin/rctl/rctl.c, sys/kern/kern_rctl.c): -a RULE, -r FILTER, -l FILTER,
// -u FILTER, FILTER or nothing (every rule), -h and -n. Rules are kept as the kernel prints them,
// "jail:web:memoryuse:deny=536870912": amounts expanded (expand_number, powers of 1024), the subject's long
// name, "/per" only where it differs from the subject. GENERIC has RACCT/RCTL but kern.racct.enable is 0 until
// set in loader.conf, and then every call fails with rctl's own message; the host's state says which
// (`rctl.enabled`, false on a fresh host). Rules list in the order they were added: the kernel's own order
// (per-subject rule lists in kern_rctl.c) is UNCONFIRMED.
import type { HostState } from "../../state";
import type { Tool, ToolContext } from "../context";
import { getopt, has } from "../getopt";
import { jailsState } from "./state";

export interface RctlState {
  enabled: boolean;
  rules: string[];
}

export function rctlState(state: HostState): RctlState {
  return (state.rctl as RctlState | undefined) ?? { enabled: false, rules: [] };
}

const RESOURCES = new Set([
  "cputime", "datasize", "stacksize", "coredumpsize", "memoryuse", "memorylocked", "maxproc", "openfiles",
  "vmemoryuse", "pseudoterminals", "swapuse", "nthr", "msgqqueued", "msgqsize", "nmsgq", "nsem", "nsemop",
  "nshm", "shmsize", "wallclock", "pcpu", "readbps", "writebps", "readiops", "writeiops",
]); // prettier-ignore
const ACTIONS = /^(deny|log|devctl|throttle|sig[a-z]+)$/;
const SUBJECTS: Record<string, string> = {
  u: "user",
  g: "group",
  p: "process",
  l: "loginclass",
  c: "loginclass",
  class: "loginclass",
  j: "jail",
};

/** expand_rule(): long subject names and expanded amounts; undefined with a warning for a bad rule. */
function expand(rule: string): { text: string } | { error: string } {
  const [subject0, id, resource = "", rest = ""] = rule.split(":");
  if (id === undefined) return { error: `malformed rule '${rule}': missing subject` };
  const subject = SUBJECTS[subject0!.toLowerCase()] ?? subject0!;
  const m = /^([^=/]*)(?:=([^/]*))?(?:\/(.*))?$/.exec(rest)!;
  let amount = m[2];
  if (amount !== undefined && amount !== "") {
    const n = /^(\d+)([kmgtpe]?)b?$/i.exec(amount);
    if (n === null) return { error: `malformed rule '${rule}': invalid numeric value '${amount}'` };
    amount = (BigInt(n[1]!) << BigInt(" kmgtpe".indexOf((n[2] || " ").toLowerCase()) * 10)).toString();
  }
  let text = `${subject}:${id}:${resource}:${m[1]}`;
  if (amount !== undefined) text += `=${amount}`;
  if (m[3] !== undefined && m[3] !== subject) text += `/${m[3]}`;
  return { text };
}

/** A filter matches a rule when every field it gives is equal ("jail:web" matches all of web's rules). */
function matches(filter: string, rule: string): boolean {
  const f = filter.split(/[:=/]/);
  const r = rule.split(/[:=/]/);
  return f.every((part, i) => part === "" || part === r[i]);
}

function disabled(ctx: ToolContext): number {
  ctx.err("rctl: RACCT/RCTL present, but disabled; enable using kern.racct.enable=1 tunable\n");
  return 1;
}

function humanize(rule: string): string {
  const m = /^(.*=)(\d+)(\/.*)?$/.exec(rule);
  if (m === null) return rule;
  let n = Number(m[2]);
  let unit = 0;
  while (n >= 1024 * 0.95 && unit < 6) {
    n /= 1024;
    unit++;
  }
  const text =
    unit === 0 ? String(n) : n >= 10 ? `${Math.round(n)}${"BKMGTPE"[unit]}` : `${n.toFixed(1)}${"BKMGTPE"[unit]}`;
  return `${m[1]}${text}${m[3] ?? ""}`;
}

export const rctl: Tool = (ctx) => {
  const parsed = getopt("rctl", ctx.args, "ahlnru");
  if (parsed.error !== undefined) {
    ctx.err(`${parsed.error}usage: rctl [ -h ] [-a rule | -l filter | -r filter | -u filter | filter]\n`);
    return 1;
  }
  const modes = ["a", "l", "r", "u"].filter((f) => has(parsed, f));
  if (modes.length > 1) {
    ctx.err("rctl: at most one of -a, -l, -r, or -u may be specified\n");
    return 1;
  }
  const mode = modes[0];
  const show = (rules: string[]) => ctx.out(rules.map((r) => `${has(parsed, "h") ? humanize(r) : r}\n`).join(""));
  if (!rctlState(ctx.state.read()).enabled) return disabled(ctx);
  if (parsed.operands.length === 0) {
    if (mode !== undefined) {
      ctx.err("usage: rctl [ -h ] [-a rule | -l filter | -r filter | -u filter | filter]\n");
      return 1;
    }
    show(rctlState(ctx.state.read()).rules);
    return 0;
  }
  let errors = 0;
  for (const word of parsed.operands) {
    const e = expand(word);
    if ("error" in e) {
      ctx.err(`rctl: ${e.error}\n`);
      errors++;
      continue;
    }
    const rule = e.text;
    if (mode === "a") {
      const [subject, id, resource, action] = rule.split(/[:=/]/);
      const valid =
        subject === "jail" ||
        subject === "user" ||
        subject === "process" ||
        subject === "loginclass" ||
        subject === "group";
      if (!valid || id === "" || !RESOURCES.has(resource ?? "") || !ACTIONS.test(action ?? "") || !rule.includes("=")) {
        ctx.err(`rctl: failed to add rule '${word}': Invalid argument\n`);
        errors++;
        continue;
      }
      ctx.state.update((state) => {
        const r = rctlState(state);
        // kern_rctl.c replaces a rule with the same subject, resource, action and per.
        const head = rule.replace(/=\d+/, "=");
        const rules = r.rules.filter((x) => x.replace(/=\d+/, "=") !== head);
        state.rctl = { ...r, rules: [...rules, rule] };
      });
    } else if (mode === "r") {
      const removed = ctx.state.update((state) => {
        const r = rctlState(state);
        const kept = r.rules.filter((x) => !matches(rule, x));
        state.rctl = { ...r, rules: kept };
        return r.rules.length - kept.length;
      });
      if (removed === 0) {
        ctx.err(`rctl: failed to remove rule '${word}': No such process\n`);
        errors++;
      }
    } else if (mode === "u") {
      const [subject, id] = rule.split(":");
      if (subject === "jail" && !jailsState(ctx.state.read()).jails.some((j) => j.name === id)) {
        ctx.err(`rctl: failed to show resource consumption for '${word}': No such process\n`);
        errors++;
        continue;
      }
      // Nothing runs in a simulated jail: every resource is at 0.
      ctx.out([...RESOURCES].map((r) => `${r}=0\n`).join(""));
    } else {
      show(rctlState(ctx.state.read()).rules.filter((x) => matches(rule, x)));
    }
  }
  return errors;
};
