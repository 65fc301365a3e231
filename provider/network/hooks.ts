// Whether /etc/pf.conf calls our anchors. pf evaluates an anchor only where the main ruleset calls it
// (pf.conf(5), ANCHORS), so a Nat's rules need `nat-anchor "pulumi/*"`, `rdr-anchor "pulumi/*"` and
// `anchor "pulumi/*"` in pf.conf. The file is read the way pf reads it: `pfctl -nvf` parses it without loading
// (no pf.ko needed) and prints every rule normalised, whatever its macros, quoting or line breaks.
import type { Host } from "../ssh/host";
import { pfctlCheckFile } from "./commands";
import { ANCHOR_HOOKS, hooksInRuleset } from "./parse";
import { runProbes, type Probe } from "./probe";

export const PF_CONF = "/etc/pf.conf";

export interface HooksVerdict {
  ok: boolean;
  /** The hook lines pf.conf lacks, as they are to be written. */
  missing: string[];
  /** What was found, in a few words. */
  detail: string;
  /** Where the missing lines go, for messages. */
  where: string;
}

const WHERE =
  "(nat-anchor and rdr-anchor with the translation rules, anchor with the filter rules: pf.conf(5) wants " +
  "options, normalization, queueing, translation, filtering in that order)";

export function pfConfProbe(): Probe {
  return { id: "pfconf", argv: pfctlCheckFile(PF_CONF), stderr: true };
}

/** Judges the output (stdout and stderr) and exit status of `pfctl -n -v -f /etc/pf.conf`. */
export function judgePfConf(output: string, exit: number): HooksVerdict {
  const all = ANCHOR_HOOKS.map((h) => h.line);
  if (exit !== 0) {
    const missingFile = /cannot open the main config file|No such file or directory/.test(output);
    return {
      ok: false,
      missing: all,
      detail: missingFile ? `${PF_CONF} does not exist` : `${PF_CONF} does not parse: ${firstError(output)}`,
      where: missingFile ? "(a new file)" : WHERE,
    };
  }
  const found = hooksInRuleset(output);
  const missing = ANCHOR_HOOKS.filter((h) => !found.has(h.type)).map((h) => h.line);
  return {
    ok: missing.length === 0,
    missing,
    detail: missing.length === 0 ? "calls the pulumi/* anchors" : `${PF_CONF} lacks ${missing.join(", ")}`,
    where: WHERE,
  };
}

function firstError(output: string): string {
  return output.split("\n").find((l) => /syntax error|Rules must be in order|pfctl:/.test(l)) ?? "pfctl -nf failed";
}

/** Reads /etc/pf.conf on the host and tells whether the anchor hooks are there, and which lines to add. */
export async function pfAnchorHooksPresent(host: Host): Promise<HooksVerdict> {
  const results = await runProbes(host, [pfConfProbe()]);
  const r = results.get("pfconf")!;
  return judgePfConf(r.out, r.exit);
}

/**
 * The doctor's finding for the hooks, in its Finding shape (provider/doctor/checks.ts). No fix command: the
 * lines belong in particular sections of a file the operator owns, so the finding names them and where.
 */
export function pfAnchorFinding(output: string, exit: number) {
  const v = judgePfConf(output, exit);
  if (v.ok) return { subject: "pf anchors", status: "ok" as const, detail: `${PF_CONF} ${v.detail}` };
  return {
    subject: "pf anchors",
    status: "missing" as const,
    detail: `${v.detail} (needed for NAT and port forwards); add ${v.missing.map((l) => `'${l}'`).join(", ")} ${v.where}`,
  };
}

/** A doctor probe (id, argv, judge): `pfctl -n -v -f /etc/pf.conf`, whose output the doctor frames with 2>&1. */
export const pfAnchorProbe = { id: "pf-anchors", argv: pfctlCheckFile(PF_CONF), judge: pfAnchorFinding };
