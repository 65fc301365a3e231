// `pulumi-freebsd doctor`: what a host has and lacks for this library, read in one round trip.
import { pfAnchorProbe } from "../network/hooks";
import { ociHostChecks } from "../oci/doctor";
import type { Host } from "../ssh/host";
import { shellJoin } from "../ssh/quote";

export type Status = "ok" | "missing" | "info";

export interface Finding {
  /** What was checked, e.g. "kernel module vmm". */
  subject: string;
  status: Status;
  /** What was found, in a few words. */
  detail: string;
  /** Commands that fix a missing piece, to run as root on the host. */
  fix?: string[];
}

/** One probe: a command whose output and exit status decide a finding. */
interface Probe {
  id: string;
  argv: string[];
  judge(out: string, exit: number): Finding;
}

const MODULES: Array<{ module: string; file: string; purpose: string }> = [
  { module: "vmm", file: "vmm", purpose: "bhyve virtual machines" },
  { module: "if_bridge", file: "if_bridge", purpose: "bridges for VNET jails" },
  { module: "pf", file: "pf", purpose: "NAT and port forwards" },
];

// podman-suite is checked with the rest of what podman needs (provider/oci/doctor.ts).
const PACKAGES: Array<{ pkg: string; purpose: string }> = [{ pkg: "vm-bhyve", purpose: "bhyve virtual machines" }];

/** Every probe, base system first, then each area's own (networks, OCI). */
function probes(): Probe[] {
  return [...baseProbes(), pfAnchorProbe, ...ociHostChecks()];
}

function baseProbes(): Probe[] {
  const list: Probe[] = [
    {
      id: "version",
      argv: ["freebsd-version", "-ku"],
      judge: (out, exit) => {
        const [kernel, user] = out.trim().split("\n");
        if (exit !== 0 || !kernel)
          return { subject: "FreeBSD", status: "missing", detail: "freebsd-version failed: is this FreeBSD?" };
        const major = Number.parseInt(kernel, 10);
        return {
          subject: "FreeBSD",
          status: major >= 14 ? "ok" : "missing",
          detail: `kernel ${kernel}, userland ${user ?? "?"}${major >= 14 ? "" : " (14.0 or later is needed)"}`,
          fix: major >= 14 ? undefined : ["freebsd-update -r 14.2-RELEASE upgrade"],
        };
      },
    },
    {
      id: "zpools",
      argv: ["zpool", "list", "-H", "-o", "name,health,size,free"],
      judge: (out, exit) => {
        const pools =
          out.trim() === ""
            ? []
            : out
                .trim()
                .split("\n")
                .map((l) => l.split("\t"));
        if (exit !== 0 || pools.length === 0) {
          return { subject: "ZFS pools", status: "missing", detail: "no ZFS pool", fix: ["zpool create zroot <disk>"] };
        }
        const detail = pools
          .map(([name, health, size, free]) => `${name} ${health} (${free} free of ${size})`)
          .join(", ");
        const healthy = pools.every(([, health]) => health === "ONLINE");
        return { subject: "ZFS pools", status: healthy ? "ok" : "missing", detail };
      },
    },
  ];
  for (const m of MODULES) {
    list.push({
      id: `kld-${m.module}`,
      argv: ["kldstat", "-q", "-m", m.module],
      judge: (_out, exit) =>
        exit === 0
          ? { subject: `kernel module ${m.module}`, status: "ok", detail: "loaded" }
          : {
              subject: `kernel module ${m.module}`,
              status: "missing",
              detail: `not loaded (needed for ${m.purpose})`,
              fix: [shellJoin(["kldload", m.file]), shellJoin(["sysrc", `kld_list+=${m.file}`])],
            },
    });
  }
  for (const p of PACKAGES) {
    list.push({
      id: `pkg-${p.pkg}`,
      argv: ["pkg", "info", "-e", p.pkg],
      judge: (_out, exit) =>
        exit === 0
          ? { subject: `package ${p.pkg}`, status: "ok", detail: "installed" }
          : {
              subject: `package ${p.pkg}`,
              status: "missing",
              detail: `not installed (needed for ${p.purpose})`,
              fix: [shellJoin(["pkg", "install", "-y", p.pkg])],
            },
    });
  }
  list.push({
    id: "racct",
    argv: ["sysctl", "-n", "kern.racct.enable"],
    judge: (out, exit) =>
      exit === 0 && out.trim() === "1"
        ? { subject: "RACCT", status: "ok", detail: "kern.racct.enable=1" }
        : {
            subject: "RACCT",
            status: "missing",
            detail: "kern.racct.enable is 0 (needed for jail limits through rctl); a boot-time tunable",
            // rctl(8): RACCT is enabled at boot only, from loader.conf(5).
            fix: ["echo kern.racct.enable=1 >> /boot/loader.conf", "shutdown -r now"],
          },
  });
  list.push({
    id: "pf-enable",
    argv: ["sysrc", "-n", "pf_enable"],
    judge: (out) =>
      /^(yes|true|on|1)$/i.test(out.trim())
        ? { subject: "pf", status: "ok", detail: "enabled in rc.conf" }
        : {
            subject: "pf",
            status: "missing",
            detail: "not enabled in rc.conf (needed for NAT and port forwards)",
            // rc.d/pf refuses to start without a ruleset file.
            fix: ["sysrc pf_enable=YES", "touch /etc/pf.conf", "service pf start"],
          },
  });
  return list;
}

/** A unique line that cannot appear in any probe's output by accident. */
const MARK = "@@pulumi-freebsd-doctor";

/**
 * All probes as one /bin/sh script: each probe's output framed by marker lines carrying its id and exit
 * status, so one round trip answers everything.
 */
export function doctorScript(): string {
  return probes()
    .map((p) => `echo ${MARK} ${p.id}; ${shellJoin(p.argv)} 2>&1; echo ${MARK} exit $?`)
    .join("\n");
}

/** Turns the script's output into findings, in probe order. */
export function parseDoctorOutput(output: string): Finding[] {
  const sections = new Map<string, { out: string; exit: number }>();
  const re = new RegExp(`^${MARK} (\\S+)\\n([\\s\\S]*?)^${MARK} exit (\\d+)$`, "gm");
  for (const m of output.matchAll(re)) sections.set(m[1]!, { out: m[2]!, exit: Number(m[3]) });
  return probes().map((p) => {
    const s = sections.get(p.id);
    if (s === undefined) return { subject: p.id, status: "missing", detail: "the probe did not run" };
    return p.judge(s.out, s.exit);
  });
}

export async function runDoctor(host: Host): Promise<Finding[]> {
  const result = await host.script(doctorScript(), { retry: "safe" });
  return parseDoctorOutput(result.stdout);
}

/** The report as a person reads it: one line per finding, and the fixes to run. */
export function formatReport(hostName: string, findings: Finding[]): string {
  const icon: Record<Status, string> = { ok: "ok     ", missing: "MISSING", info: "info   " };
  const lines = [`pulumi-freebsd doctor: ${hostName}`, ""];
  for (const f of findings) lines.push(`  ${icon[f.status]}  ${f.subject}: ${f.detail}`);
  const fixes = findings.flatMap((f) => f.fix ?? []);
  lines.push("");
  if (fixes.length === 0) {
    lines.push("Everything pulumi-freebsd needs is in place.");
  } else {
    lines.push("To fix what is missing, run as root on the host:", "");
    for (const fix of fixes) lines.push(`  ${fix}`);
  }
  return `${lines.join("\n")}\n`;
}
