// pfctl(8) of FreeBSD 14 (sbin/pfctl/pfctl.c) for rulesets and anchors: `-f FILE|-` (with -a ANCHOR, -n, -v),
// `-s nat|rules|Anchors|Running|info` (-P prints ports as numbers), `-F all|rules|nat`, `-e`, `-d`, `-q`.
// Rules live in the host state under `pfctl`, one ruleset per anchor path ("" is the main ruleset); whether pf
// runs is the `pf` area that rc.d/pf's simulation keeps. Without pf.ko loaded, every command but -n fails with
// "pfctl: /dev/pf: No such file or directory", as opening the device does.
import type { HostState } from "../state";
import type { Tool, ToolContext } from "./context";
import { getopt } from "./getopt";
import { readHostFile } from "./hostfs";
import { findModule, kldState } from "./kld";
import { netState } from "./net-state";
import { emptyRuleset, parseRuleset, PfSyntaxError, printRule, type SimRule, type SimRuleset } from "./pf-rules";
import { pfState } from "./rc-scripts";

const USAGE =
  "usage: pfctl [-AdeghMmNnOPqRSrvz] [-a anchor] [-D macro=value] [-F modifier]\n" +
  "\t[-f file] [-i interface] [-K host | network]\n" +
  "\t[-k host | network | gateway | label | id] [-o level] [-p device]\n" +
  "\t[-s modifier] [-t table -T command [address ...]] [-x level]\n";

// showopt_list and clearopt_list: a modifier is the first entry it is a prefix of (pfctl_lookup_option()).
const SHOW = ["ether", "nat", "queue", "rules", "Anchors", "Sources", "states", "info", "Interfaces", "labels",
  "timeouts", "memory", "Tables", "osfp", "Running", "all"]; // prettier-ignore
const CLEAR = ["nat", "queue", "rules", "Sources", "states", "info", "Tables", "osfp", "all", "ethernet", "Reset"];
const SIMULATED_SHOW = ["nat", "rules", "Anchors", "Running", "info"];
const SIMULATED_CLEAR = ["nat", "rules", "all"];

export interface PfctlState {
  rulesets: Record<string, SimRuleset>;
}

export function pfctlState(state: HostState): PfctlState {
  return (state.pfctl as PfctlState | undefined) ?? { rulesets: {} };
}

function lookup(opt: string, list: string[]): string | undefined {
  return opt === "" ? undefined : list.find((item) => item.startsWith(opt));
}

/** An anchor's path made absolute: a call from the main ruleset is relative to the root. */
function called(rule: SimRule): string | undefined {
  if (rule.anchor === undefined) return undefined;
  return rule.anchor.replace(/\/\*$/, "").replace(/^\//, "");
}

/**
 * Whether pf holds a ruleset for `path`: the main one always; an anchor while it has rules, children, or an
 * anchor rule calling it (pf_remove_if_empty_kruleset() removes the rest).
 */
export function rulesetExists(pf: PfctlState, path: string): boolean {
  if (path === "") return true;
  const rs = pf.rulesets[path];
  if (rs !== undefined && Object.values(rs).some((l: SimRule[]) => l.length > 0)) return true;
  if (Object.keys(pf.rulesets).some((p) => p.startsWith(`${path}/`) && rulesetExists(pf, p))) return true;
  return Object.values(pf.rulesets).some((r) => Object.values(r).some((l: SimRule[]) => l.some((x) => called(x) === path))); // prettier-ignore
}

/** The anchors directly under `path`, as DIOCGETRULESETS lists them. */
function children(pf: PfctlState, path: string): string[] {
  const names = new Set<string>();
  const candidates = [
    ...Object.keys(pf.rulesets),
    ...Object.values(pf.rulesets).flatMap((r) => Object.values(r).flatMap((l: SimRule[]) => l.map(called))),
  ].filter((p): p is string => p !== undefined && p !== "");
  for (const p of candidates) {
    const rest = path === "" ? p : p.startsWith(`${path}/`) ? p.slice(path.length + 1) : undefined;
    if (rest === undefined || rest === "") continue;
    const child = path === "" ? rest.split("/")[0]! : `${path}/${rest.split("/")[0]}`;
    if (rulesetExists(pf, child)) names.add(child);
  }
  return [...names].sort();
}

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export const pfctl: Tool = (ctx) => {
  const parsed = getopt("pfctl", ctx.args, "a:AdD:eqf:F:ghi:k:K:mMnNOo:Pp:rRs:St:T:vx:z");
  if (parsed.error !== undefined) {
    ctx.err(parsed.error + USAGE);
    return 1;
  }
  if (parsed.operands.length > 0) {
    ctx.err(`pfctl: unknown command line argument: ${parsed.operands[0]} ...\n${USAGE}`);
    return 1;
  }
  let anchor: string | undefined;
  let file: string | undefined;
  let show: string | undefined;
  let clear: string | undefined;
  let enable = false;
  let disable = false;
  let quiet = false;
  let noAction = false;
  let verbose = false;
  let numeric = false;
  for (const { flag, arg } of parsed.opts) {
    if (flag === "a") anchor = arg!;
    else if (flag === "f") file = arg!;
    else if (flag === "e") enable = true;
    else if (flag === "d") disable = true;
    else if (flag === "q") quiet = true;
    else if (flag === "n") noAction = true;
    else if (flag === "v") verbose = true;
    else if (flag === "P") numeric = true;
    else if (flag === "s") {
      show = lookup(arg!, SHOW);
      if (show === undefined) {
        ctx.err(`pfctl: Unknown show modifier '${arg}'\n${USAGE}`);
        return 1;
      }
    } else if (flag === "F") {
      clear = lookup(arg!, CLEAR);
      if (clear === undefined) {
        ctx.err(`pfctl: Unknown flush modifier '${arg}'\n${USAGE}`);
        return 1;
      }
    } else {
      ctx.err(`pfctl: -${flag} is not simulated by the sandbox\n`);
      return 70;
    }
  }
  if (
    (show !== undefined && !SIMULATED_SHOW.includes(show)) ||
    (clear !== undefined && !SIMULATED_CLEAR.includes(clear))
  ) {
    ctx.err(`pfctl: -${show !== undefined ? "s" : "F"} ${show ?? clear} is not simulated by the sandbox\n`);
    return 70;
  }
  let anchorName = "";
  if (anchor !== undefined) {
    if (anchor === "") {
      ctx.err("pfctl: anchor name must not be empty\n");
      return 1;
    }
    if ((file !== undefined || clear !== undefined) && (anchor.startsWith("_") || anchor.includes("/_"))) {
      ctx.err("pfctl: anchor names beginning with '_' cannot be modified from the command line\n");
      return 1;
    }
    anchorName = anchor.replace(/\/?\*$/, "");
  }
  try {
    return run(ctx, { anchorName, file, show, clear, enable, disable, quiet, noAction, verbose, numeric });
  } catch (err) {
    if (err instanceof Exit) return err.code;
    throw err;
  }
};

interface Options {
  anchorName: string;
  file?: string;
  show?: string;
  clear?: string;
  enable: boolean;
  disable: boolean;
  quiet: boolean;
  noAction: boolean;
  verbose: boolean;
  numeric: boolean;
}

function run(ctx: ToolContext, o: Options): number {
  const loaded = findModule(kldState(ctx.state.read()), "pf") !== undefined;
  // With -n the device is optional, and -e/-d/-s/-F are turned off (main() in pfctl.c).
  if (o.noAction) {
    if (o.file !== undefined) return load(ctx, o);
    return 0;
  }
  if (!loaded) {
    ctx.err("pfctl: /dev/pf: No such file or directory\n");
    return 1;
  }
  let exit = 0;
  if (o.disable) {
    exit = ctx.state.update((state) => {
      if (!pfState(state).enabled) {
        ctx.err("pfctl: pf not enabled\n");
        throw new Exit(1);
      }
      state.pf = { enabled: false, since: 0 };
      if (!o.quiet) ctx.err("pf disabled\n");
      return 0;
    });
  }
  if (o.show !== undefined) exit = showCommand(ctx, o) || exit;
  if (o.clear !== undefined) flush(ctx, o);
  if (o.file !== undefined) exit = load(ctx, o) || exit;
  if (o.enable) {
    exit =
      ctx.state.update((state) => {
        if (pfState(state).enabled) {
          ctx.err("pfctl: pf already enabled\n");
          throw new Exit(1);
        }
        state.pf = { enabled: true, since: Math.floor(Date.now() / 1000) };
        if (!o.quiet) ctx.err("pf enabled\n");
        return 0;
      }) || exit;
  }
  return exit;
}

function showCommand(ctx: ToolContext, o: Options): number {
  const state = ctx.state.read();
  const pf = pfctlState(state);
  switch (o.show) {
    case "Running":
      // pfctl_show_running(): the exit status is 0 only while pf runs.
      ctx.out(pfState(state).enabled ? "Enabled\n" : "Disabled\n");
      return pfState(state).enabled ? 0 : 1;
    case "info": {
      // print_status(): the status line padded to 44, the debug level to 15. The counters that follow are
      // left out, as the rc.d/pf simulation's status does.
      const s = pfState(state);
      let line = `Status: ${s.enabled ? "Enabled" : "Disabled"}`;
      if (s.since > 0) {
        let t = Math.max(0, Math.floor(Date.now() / 1000) - s.since);
        const two = (n: number) => String(n).padStart(2, "0");
        const [sec, min, hrs] = [t % 60, Math.floor(t / 60) % 60, Math.floor(t / 3600) % 24];
        t = Math.floor(t / 86400);
        line += ` for ${t} days ${two(hrs)}:${two(min)}:${two(sec)}`;
      }
      ctx.out(`${line.padEnd(44)}${"Debug: Urgent".padStart(15)}\n\n`);
      return 0;
    }
    case "Anchors":
      // pfctl_show_anchors(): a missing anchor is ENOENT from the kernel, which pfctl reports with err().
      if (!rulesetExists(pf, o.anchorName)) {
        ctx.err("pfctl: DIOCGETRULESETS: No such file or directory\n");
        return 1;
      }
      for (const child of children(pf, o.anchorName)) ctx.out(`  ${child}\n`);
      return 0;
    case "nat":
    case "rules": {
      // pfctl_show_nat()/pfctl_show_rules() warn and go on: the exit status stays 0.
      if (!rulesetExists(pf, o.anchorName)) {
        ctx.err("pfctl: DIOCGETRULES: Invalid argument\n");
        return 0;
      }
      const rs = pf.rulesets[o.anchorName] ?? emptyRuleset();
      const rules = o.show === "nat" ? [...rs.nat, ...rs.rdr] : [...rs.scrub, ...rs.filter];
      for (const r of rules) ctx.out(`${printRule(r, o.numeric)}\n`);
      return 0;
    }
  }
  return 0;
}

function flush(ctx: ToolContext, o: Options): void {
  ctx.state.update((state) => {
    const pf = pfctlState(state);
    const rs = pf.rulesets[o.anchorName] ?? emptyRuleset();
    const say = (m: string) => {
      if (!o.quiet) ctx.err(`${m}\n`);
    };
    if (o.clear === "all" || o.clear === "rules") {
      if (o.clear === "all") say("Ethernet rules cleared");
      rs.scrub = [];
      rs.filter = [];
      say("rules cleared");
    }
    if (o.clear === "all" || o.clear === "nat") {
      rs.nat = [];
      rs.rdr = [];
      say("nat cleared");
    }
    if (o.clear === "all") {
      say("0 tables deleted.");
      if (o.anchorName === "") {
        say("0 states cleared");
        say("source tracking entries cleared");
        say("pf: statistics cleared");
        say("pf: interface flags reset");
      }
    }
    pf.rulesets[o.anchorName] = rs;
    prune(pf);
    state.pfctl = pf;
  });
}

/** Drops the anchors pf would have removed. */
function prune(pf: PfctlState): void {
  for (const path of Object.keys(pf.rulesets)) {
    if (path !== "" && !rulesetExists(pf, path)) delete pf.rulesets[path];
  }
}

/** -f FILE|-: parses the file and, unless -n, replaces the anchor's (or the main) ruleset in one transaction. */
function load(ctx: ToolContext, o: Options): number {
  const name = o.file === "-" ? "stdin" : o.file!;
  const text = o.file === "-" ? ctx.stdin() : readHostFile(ctx.hostDir, o.file!);
  if (text === undefined) {
    ctx.err(`pfctl: cannot open the main config file!: No such file or directory\n`);
    if (!o.noAction) ctx.err("pfctl: Syntax error in config file: pf rules not loaded\n");
    return 1;
  }
  const state = ctx.state.read();
  const net = netState(state);
  const ifaddrs = (n: string) => net.interfaces.find((i) => i.name === n && i.vnet === undefined)?.inet;
  let parsed;
  try {
    parsed = parseRuleset(text, name, ifaddrs);
    for (const l of parsed.loads) {
      if (readHostFile(ctx.hostDir, l.file) === undefined) throw new PfSyntaxError(name, 0);
    }
  } catch (err) {
    if (!(err instanceof PfSyntaxError)) throw err;
    ctx.err(`${err.message}\n`);
    if (!o.noAction) ctx.err("pfctl: Syntax error in config file: pf rules not loaded\n");
    return 1;
  }
  if (o.verbose) {
    // Macros and options as they are parsed, then the rules in the order pfctl_rules() loads them.
    for (const line of parsed.verbose) ctx.out(`${line}\n`);
    const rs = parsed.ruleset;
    for (const r of [...rs.scrub, ...rs.nat, ...rs.rdr, ...rs.filter]) ctx.out(`${printRule(r, o.numeric)}\n`);
  }
  if (o.noAction) return 0;
  ctx.state.update((s) => {
    const pf = pfctlState(s);
    pf.rulesets[o.anchorName] = parsed.ruleset;
    for (const l of parsed.loads) {
      const sub = parseRuleset(readHostFile(ctx.hostDir, l.file)!, l.file, ifaddrs);
      const path = o.anchorName === "" ? l.anchor : `${o.anchorName}/${l.anchor}`;
      pf.rulesets[path] = sub.ruleset;
    }
    prune(pf);
    s.pfctl = pf;
  });
  return 0;
}
