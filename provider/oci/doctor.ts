// What a FreeBSD host needs before podman works, as doctor probes (the shape of provider/doctor/checks.ts):
// the podman-suite package, storage on ZFS, fdescfs on /dev/fd (ocijail needs it), pf NAT for CNI's
// bridge network, and podman_enable for containers that restart at boot. docs/oci/README.md explains each.
import type { Finding } from "../doctor/checks";

export interface OciProbe {
  id: string;
  argv: string[];
  judge(out: string, exit: number): Finding;
}

const STORAGE_CONF = "/usr/local/etc/containers/storage.conf";

export function ociHostChecks(): OciProbe[] {
  return [
    {
      id: "oci-podman-suite",
      argv: ["pkg", "info", "-e", "podman-suite"],
      judge: (_out, exit) =>
        exit === 0
          ? { subject: "package podman-suite", status: "ok", detail: "installed" }
          : {
              subject: "package podman-suite",
              status: "missing",
              detail: "not installed (podman, buildah, skopeo and the ocijail runtime: OCI images and containers)",
              fix: ["pkg install -y podman-suite"],
            },
    },
    {
      id: "oci-storage",
      // What podman really uses, whatever the file says; fails when podman is missing.
      argv: ["podman", "info", "--format", "{{.Store.GraphDriverName}} {{.Host.OCIRuntime.Name}}"],
      judge: (out, exit) => {
        const [driver, runtime] = out.trim().split(/\s+/);
        if (exit !== 0 || !driver) {
          return {
            subject: "podman storage",
            status: "missing",
            detail: `podman info failed: ${out.trim().split("\n").pop() ?? ""}`.trim(),
          };
        }
        if (driver === "zfs") {
          return { subject: "podman storage", status: "ok", detail: `driver zfs, runtime ${runtime ?? "?"}` };
        }
        return {
          subject: "podman storage",
          status: "missing",
          detail: `driver ${driver}, runtime ${runtime ?? "?"}: on FreeBSD the zfs driver keeps layers as datasets (vfs copies every layer)`,
          // The file is the operator's: say what to set rather than edit it blind.
          fix: [
            "zfs create -o mountpoint=/var/db/containers zroot/containers",
            `# in ${STORAGE_CONF}: driver = "zfs" and graphroot = "/var/db/containers/storage"`,
          ],
        };
      },
    },
    {
      id: "oci-fdescfs",
      argv: ["mount", "-p"],
      judge: (out, exit) =>
        exit === 0 && /^\S+\s+\/dev\/fd\s+fdescfs\s/m.test(out)
          ? { subject: "fdescfs on /dev/fd", status: "ok", detail: "mounted" }
          : {
              subject: "fdescfs on /dev/fd",
              status: "missing",
              detail: "not mounted (conmon and ocijail need /dev/fd)",
              fix: ["mount -t fdescfs fdesc /dev/fd", "echo 'fdesc /dev/fd fdescfs rw 0 0' >> /etc/fstab"],
            },
    },
    {
      id: "oci-pf-cni",
      argv: ["pfctl", "-s", "nat"],
      judge: (out, exit) => {
        const nat = /<cni-nat>/.test(out);
        const rdr = /rdr-anchor "cni-rdr\/\*"/.test(out);
        if (exit === 0 && nat && rdr)
          return { subject: "pf NAT for containers", status: "ok", detail: "cni-nat and cni-rdr loaded" };
        return {
          subject: "pf NAT for containers",
          status: "missing",
          detail:
            exit !== 0
              ? "pf is not running (containers on the podman network reach nothing beyond the host)"
              : `pf.conf lacks ${[nat ? "" : "the <cni-nat> nat rule", rdr ? "" : 'rdr-anchor "cni-rdr/*"'].filter(Boolean).join(" and ")}`,
          fix: [
            "# in /etc/pf.conf, with ext_if your outside interface:",
            "#   table <cni-nat>",
            '#   rdr-anchor "cni-rdr/*"',
            "#   nat on $ext_if inet from <cni-nat> to any -> ($ext_if)",
            "sysrc pf_enable=YES",
            "service pf restart",
          ],
        };
      },
    },
    {
      id: "oci-podman-enable",
      argv: ["sysrc", "-n", "podman_enable"],
      judge: (out) =>
        /^(yes|true|on|1)$/i.test(out.trim())
          ? { subject: "podman at boot", status: "ok", detail: "podman_enable=YES" }
          : {
              subject: "podman at boot",
              status: "info",
              detail: "podman_enable is not set: containers with restart=always do not come back after a reboot",
              fix: ["sysrc podman_enable=YES"],
            },
    },
  ];
}
