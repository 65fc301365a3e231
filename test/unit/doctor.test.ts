import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectionFromArgs, parseTarget } from "../../provider/cli/main";
import { doctorScript, formatReport, parseDoctorOutput } from "../../provider/doctor/checks";

const MARK = "@@pulumi-freebsd-doctor";
function section(id: string, out: string, exit: number): string {
  return `${MARK} ${id}\n${out}${MARK} exit ${exit}\n`;
}

describe("doctor", () => {
  it("runs every probe in one script, each framed by markers", () => {
    const script = doctorScript();
    assert.match(script, /freebsd-version -ku/);
    assert.match(script, /kldstat -q -m vmm/);
    assert.match(script, /pkg info -e vm-bhyve/);
    assert.match(script, /pfctl -n -v -f \/etc\/pf\.conf/);
    assert.match(script, /podman info --format/);
    assert.equal(script.split("\n").length, 14);
  });

  it("reports what is missing with the commands that fix it", () => {
    const output =
      section("version", "14.2-RELEASE-p1\n14.2-RELEASE-p2\n", 0) +
      section("zpools", "zroot\tONLINE\t19.5G\t17.0G\n", 0) +
      section("kld-vmm", "", 1) +
      section("kld-if_bridge", "", 0) +
      section("kld-pf", "", 1) +
      section("oci-podman-suite", "", 1) +
      section("pkg-vm-bhyve", "", 0) +
      section("racct", "0\n", 0) +
      section("pf-enable", "NO\n", 0);
    const findings = parseDoctorOutput(output);
    const bySubject = Object.fromEntries(findings.map((f) => [f.subject, f]));
    assert.equal(bySubject["FreeBSD"]!.status, "ok");
    assert.equal(bySubject["FreeBSD"]!.detail, "kernel 14.2-RELEASE-p1, userland 14.2-RELEASE-p2");
    assert.equal(bySubject["ZFS pools"]!.detail, "zroot ONLINE (17.0G free of 19.5G)");
    assert.equal(bySubject["kernel module vmm"]!.status, "missing");
    assert.deepEqual(bySubject["kernel module vmm"]!.fix, ["kldload vmm", "sysrc kld_list+=vmm"]);
    assert.equal(bySubject["kernel module if_bridge"]!.status, "ok");
    assert.deepEqual(bySubject["package podman-suite"]!.fix, ["pkg install -y podman-suite"]);
    assert.equal(bySubject["pf"]!.status, "missing");
    assert.equal(bySubject["RACCT"]!.status, "missing");
    assert.deepEqual(bySubject["RACCT"]!.fix, ["echo kern.racct.enable=1 >> /boot/loader.conf", "shutdown -r now"]);
    const report = formatReport("root@fbsd", findings);
    assert.match(report, /MISSING {2}kernel module pf: not loaded/);
    assert.match(report, /^ {2}service pf start$/m);
  });

  it("says so when a probe produced nothing, rather than guessing", () => {
    const findings = parseDoctorOutput("");
    assert.ok(findings.every((f) => f.status === "missing" && f.detail === "the probe did not run"));
  });
});

describe("doctor command line", () => {
  it("reads ssh-style targets", () => {
    assert.deepEqual(parseTarget("admin@fbsd.example.org:2222"), {
      user: "admin",
      host: "fbsd.example.org",
      port: 2222,
    });
    assert.deepEqual(parseTarget("fbsd"), { user: undefined, host: "fbsd", port: undefined });
    assert.deepEqual(parseTarget("root@[2001:db8::1]:22"), { user: "root", host: "2001:db8::1", port: 22 });
  });

  it("names every invalid part of a connection", () => {
    assert.throws(
      () => connectionFromArgs(["bad host!", "--become", "su"]),
      (err: Error) => /host: must be a host name/.test(err.message) && /become/.test(err.message),
    );
  });
});
