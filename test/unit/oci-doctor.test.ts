// The doctor probes for podman hosts judge what FreeBSD prints.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ociHostChecks } from "../../provider/oci/doctor";

function judge(id: string, out: string, exit: number) {
  const probe = ociHostChecks().find((p) => p.id === id);
  assert.ok(probe, `no probe ${id}`);
  return probe.judge(out, exit);
}

describe("ociHostChecks", () => {
  it("runs only read-only commands, each one argv", () => {
    assert.deepEqual(
      ociHostChecks().map((p) => p.argv.join(" ")),
      [
        "pkg info -e podman-suite",
        "podman info --format {{.Store.GraphDriverName}} {{.Host.OCIRuntime.Name}}",
        "mount -p",
        "pfctl -s nat",
        "sysrc -n podman_enable",
      ],
    );
  });

  it("podman-suite: pkg info -e exits 0 when installed", () => {
    assert.equal(judge("oci-podman-suite", "", 0).status, "ok");
    assert.deepEqual(judge("oci-podman-suite", "", 1).fix, ["pkg install -y podman-suite"]);
  });

  it("storage: zfs is ok, vfs is missing with the fix, a failing podman says why", () => {
    assert.deepEqual(judge("oci-storage", "zfs ocijail\n", 0), {
      subject: "podman storage",
      status: "ok",
      detail: "driver zfs, runtime ocijail",
    });
    const vfs = judge("oci-storage", "vfs ocijail\n", 0);
    assert.equal(vfs.status, "missing");
    assert.match(vfs.fix!.join("\n"), /driver = "zfs"/);
    const none = judge("oci-storage", "sh: podman: not found\n", 127);
    assert.equal(none.status, "missing");
    assert.match(none.detail, /podman: not found/);
  });

  it("fdescfs: found in mount -p's fstab lines", () => {
    const mounted = "zroot/ROOT/default\t/\tzfs\trw,noatime,nfsv4acls\t0 0\nfdescfs\t/dev/fd\tfdescfs\trw\t0 0\n";
    assert.equal(judge("oci-fdescfs", mounted, 0).status, "ok");
    const without = judge("oci-fdescfs", "zroot/ROOT/default\t/\tzfs\trw\t0 0\ndevfs\t/dev\tdevfs\trw\t0 0\n", 0);
    assert.equal(without.status, "missing");
    assert.deepEqual(without.fix?.[0], "mount -t fdescfs fdesc /dev/fd");
  });

  it("pf: both the cni-nat rule and the cni-rdr anchor", () => {
    const rules = 'nat on vtnet0 inet from <cni-nat> to any -> (vtnet0) round-robin\nrdr-anchor "cni-rdr/*" all\n';
    assert.equal(judge("oci-pf-cni", rules, 0).status, "ok");
    assert.match(judge("oci-pf-cni", 'rdr-anchor "cni-rdr/*" all\n', 0).detail, /lacks the <cni-nat> nat rule/);
    assert.match(judge("oci-pf-cni", "pfctl: /dev/pf: No such file or directory\n", 1).detail, /pf is not running/);
  });

  it("podman_enable: only informs", () => {
    assert.equal(judge("oci-podman-enable", "YES\n", 0).status, "ok");
    assert.equal(judge("oci-podman-enable", "sysrc: unknown variable 'podman_enable'\n", 1).status, "info");
  });
});
