// What a host's jails look like, read for every jail the engine asks about in one round trip per host:
// concurrent reads within a short window share one `jls -v --libxo json` (provider/inventory.ts).
import { randomBytes } from "node:crypto";
import { readerPerHost } from "../inventory";
import type { Host } from "../ssh";
import { inventoryScript } from "./commands";
import { JailOutputError, parseJlsVerboseJson, parseRctlRules, type RctlRule, type RunningJail } from "./output";

export interface JailObservation {
  running?: RunningJail;
  /** /etc/jail.conf.d/NAME.conf as it is, undefined when there is none. */
  config?: string;
  /** This jail's rctl rules. */
  rules: RctlRule[];
  /** Why the rules could not be read (RACCT disabled), if so. */
  rctlError?: string;
  /** jail_enable is on and jail_list names the jail. */
  atBoot: boolean;
  listed: boolean;
  /** /etc/jail.NAME.conf exists, which rc.d/jail would read instead of ours. */
  shadowed: boolean;
}

/** Splits the inventory script's output at its markers. */
export function parseInventory(stdout: string, names: string[], nonce: string): Map<string, JailObservation> {
  const marker = `@@${nonce} `;
  const sections = new Map<string, string>();
  const order: string[] = [];
  let at = stdout.indexOf(marker);
  const head = at < 0 ? stdout : stdout.slice(0, at);
  while (at >= 0) {
    const eol = stdout.indexOf("\n", at);
    const label = stdout.slice(at + marker.length, eol);
    const next = stdout.indexOf(`\n${marker}`, eol);
    sections.set(label, next < 0 ? stdout.slice(eol + 1) : stdout.slice(eol + 1, next + 1));
    order.push(label);
    at = next < 0 ? -1 : next + 1;
  }
  if (!order.includes("done")) throw new JailOutputError("the jail inventory (it stopped early)", stdout);
  const running = new Map(parseJlsVerboseJson(head).map((j) => [j.name, j]));

  const rctlText = sections.get("rctl") ?? "";
  let rules: RctlRule[] = [];
  let rctlError: string | undefined;
  if (/^rctl: /m.test(rctlText)) rctlError = rctlText.trim();
  else rules = parseRctlRules(rctlText);

  const [enable = "", list = ""] = (sections.get("sysrc") ?? "").split("\n");
  const enabled = /^(yes|true|on|1)$/i.test(enable.trim());
  const listed = new Set(list.trim().split(/\s+/).filter(Boolean));

  const out = new Map<string, JailObservation>();
  for (const name of names) {
    const label = order.find((l) => l === `conf ${name}`);
    const idx = label === undefined ? -1 : order.indexOf(label);
    let config: string | undefined;
    if (idx >= 0 && order[idx + 1] === "end") {
      // The script adds one newline after the file so the marker starts a line; it is not the file's.
      config = sections.get(label!)!.slice(0, -1);
    }
    out.set(name, {
      running: running.get(name),
      config,
      rules: rules.filter((r) => r.subject === "jail" && r.id === name),
      rctlError,
      atBoot: enabled && listed.has(name),
      listed: listed.has(name),
      shadowed: order.includes(`shadowed ${name}`),
    });
  }
  return out;
}

const readers = readerPerHost((host: Host) => async (names: string[]) => {
  const nonce = randomBytes(8).toString("hex");
  const result = await host.script(inventoryScript(names, nonce), { retry: "safe" });
  return parseInventory(result.stdout, names, nonce);
});

/** The jail `name` on `host`, read together with every other jail read at the same time. */
export function observeJail(host: Host, name: string): Promise<JailObservation> {
  return readers(host)
    .get(name)
    .then((o) => o ?? { rules: [], atBoot: false, listed: false, shadowed: false });
}
