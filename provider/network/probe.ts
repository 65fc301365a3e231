// Several read-only commands in one round trip: each one's output framed by marker lines with its exit status.
import type { Host } from "../ssh/host";
import { shellJoin } from "../ssh/quote";

export interface Probe {
  id: string;
  argv: string[];
  /** Keep the command's stderr in its output (for messages we read); otherwise it is dropped. */
  stderr?: boolean;
}

export interface ProbeResult {
  out: string;
  exit: number;
}

/** A line no command we run prints. */
const MARK = "@@pulumi-freebsd-network";

/** The /bin/sh script: fixed words and shellJoin'd argv only, so nothing from inputs is parsed by the shell. */
export function probeScript(probes: Probe[]): string {
  return probes
    .map((p) => {
      if (!/^[A-Za-z0-9_.-]+$/.test(p.id)) throw new Error(`bad probe id ${p.id}`);
      const redirect = p.stderr ? "2>&1" : "2>/dev/null";
      return `echo ${MARK} ${p.id}; ${shellJoin(p.argv)} ${redirect}; s=$?; echo; echo ${MARK} exit $s`;
    })
    .join("\n");
}

/**
 * Each probe's output and exit status. The `echo` before the closing marker ends output that lacks a final
 * newline; the extra newline is removed again here.
 */
export function parseProbes(output: string): Map<string, ProbeResult> {
  const results = new Map<string, ProbeResult>();
  const re = new RegExp(`^${MARK} (\\S+)\\n([\\s\\S]*?)^${MARK} exit (\\d+)$`, "gm");
  for (const m of output.matchAll(re)) {
    results.set(m[1]!, { out: m[2]!.replace(/\n$/, ""), exit: Number(m[3]) });
  }
  return results;
}

/** Runs the probes; a probe missing from the output is an error naming it. */
export async function runProbes(host: Host, probes: Probe[]): Promise<Map<string, ProbeResult>> {
  const result = await host.script(probeScript(probes), { retry: "safe" });
  const parsed = parseProbes(result.stdout);
  for (const p of probes) {
    if (!parsed.has(p.id)) throw new Error(`${host.name}: the output of ${shellJoin(p.argv)} was not found`);
  }
  return parsed;
}
