// What the simulated host reports about itself: FreeBSD 14.2-RELEASE-p1, amd64, GENERIC kernel.
import type { HostState } from "../state";

export const DEFAULT_HOSTNAME = "sandbox.example.org";

export interface SystemFacts {
  hostname: string;
  /** kern.ostype */
  ostype: string;
  /** kern.osrelease, uname -r, freebsd-version -r */
  osrelease: string;
  /** kern.osreldate (getosreldate, uname -K) */
  osreldate: number;
  /** __FreeBSD_version of the userland (uname -U) */
  userVersion: number;
  /** freebsd-version -u (hardcoded in the userland) */
  userland: string;
  /** freebsd-version -k (the installed kernel's version) */
  installedKernel: string;
  /** kern.ident */
  ident: string;
  /** kern.version: newvers.sh of a release build is "${VERSION} ${git} ${ident}\n" (sys/conf/newvers.sh). */
  version: string;
  /** kern.build_id (uname -b) */
  buildId: string;
  machine: string;
  machineArch: string;
}

// 14.2-RELEASE is "releng/14.2-n269506-c8918d6c7412" (seen in uname -a of real hosts); the -p1 kernel's
// commit count and hash below are UNCONFIRMED: no 14.2-RELEASE-p1 uname output was found to copy.
const RELENG = "releng/14.2-n269518-3a38cbb7e9f0";

export function systemFacts(state: HostState): SystemFacts {
  const release = "14.2-RELEASE-p1";
  return {
    hostname: typeof state.hostname === "string" ? state.hostname : DEFAULT_HOSTNAME,
    ostype: "FreeBSD",
    osrelease: release,
    osreldate: 1402000,
    userVersion: 1402000,
    userland: release,
    installedKernel: release,
    ident: "GENERIC",
    version: `FreeBSD ${release} ${RELENG} GENERIC\n`,
    // UNCONFIRMED value; the format (40 hex digits) is the one uname -b prints.
    buildId: "f2b8d5a1c6e04d7391a0be5c2d4f6a8190c3e7b5",
    machine: "amd64",
    machineArch: "amd64",
  };
}
