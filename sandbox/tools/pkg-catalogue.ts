// The fixed package repository of the sandbox: what `pkg install` can find. Names, comments (COMMENT) and
// dependencies (RUN_DEPENDS, LIB_DEPENDS) of the main packages come from their ports' Makefiles in
// freebsd/freebsd-ports (sysutils/podman, podman-suite, buildah, skopeo, conmon, containers-common, ocijail,
// vm-bhyve, bhyve-firmware, net/containernetworking-plugins, www/nginx, ftp/curl). Versions, sizes and the
// libraries' comments are UNCONFIRMED: plausible values, not a snapshot of one quarterly branch.
import type { HostState } from "../state";

export interface CatalogueEntry {
  version: string;
  comment: string;
  origin: string;
  deps: string[];
  /** Installed size (flatsize) and package file size, in bytes. */
  flatsize: number;
  pkgsize: number;
  /** Files in the package: extraction shows one progress dot per tenth, at most ten. */
  files: number;
  /** rc.d scripts the package installs under /usr/local/etc/rc.d. */
  rcScripts?: string[];
}

const p = (
  version: string,
  origin: string,
  comment: string,
  deps: string[],
  flatsize: number,
  pkgsize: number,
  files = 10,
  rcScripts?: string[],
): CatalogueEntry => ({ version, origin, comment, deps, flatsize, pkgsize, files, rcScripts });

const KiB = 1024;
const MiB = 1024 * KiB;

export const CATALOGUE: Record<string, CatalogueEntry> = {
  pkg: p("2.0.6", "ports-mgmt/pkg", "Package manager", [], 33 * MiB, 7 * MiB, 60),
  "podman-suite": p(
    "20240605",
    "sysutils/podman-suite",
    "Metaport of Podman and Buildah toolkit",
    ["buildah", "podman", "skopeo"],
    0,
    1200,
    1,
  ),
  podman: p(
    "5.7.1_1",
    "sysutils/podman",
    "Manage Pods, Containers and Container Images",
    ["conmon", "containernetworking-plugins", "containers-common", "ocijail", "gpgme"],
    52 * MiB,
    13 * MiB,
    120,
    ["podman", "podman_service"],
  ),
  buildah: p(
    "1.43.2_6",
    "sysutils/buildah",
    "Manage Pods, Containers and Container Images",
    ["containernetworking-plugins", "containers-common", "ocijail", "gpgme"],
    41 * MiB,
    11 * MiB,
    80,
  ),
  skopeo: p(
    "1.21.0_2",
    "sysutils/skopeo",
    "Inspect container images and repositories on registries",
    ["containers-common", "gpgme"],
    29 * MiB,
    8 * MiB,
    40,
  ),
  conmon: p("2.1.12", "sysutils/conmon", "OCI container runtime monitor", ["glib"], 180 * KiB, 60 * KiB, 4),
  "containers-common": p(
    "0.50.1",
    "sysutils/containers-common",
    "Common manpages and config files for podman and buildah",
    [],
    310 * KiB,
    95 * KiB,
    30,
  ),
  ocijail: p(
    "0.1",
    "sysutils/ocijail",
    "Experimental, proof-of-concept OCI-compatible runtime for jails",
    [],
    2 * MiB,
    700 * KiB,
    1,
  ),
  "containernetworking-plugins": p(
    "0.6_9",
    "net/containernetworking-plugins",
    "Networking plugins for container networking support",
    [],
    45 * MiB,
    12 * MiB,
    20,
  ),
  gpgme: p(
    "1.24.2",
    "security/gpgme",
    "Library to make access to GnuPG easier",
    ["libassuan", "libgpg-error"],
    1600 * KiB,
    450 * KiB,
    30,
  ),
  libassuan: p(
    "3.0.1",
    "security/libassuan",
    "IPC library used by GnuPG and gpgme",
    ["libgpg-error"],
    420 * KiB,
    130 * KiB,
    10,
  ),
  "libgpg-error": p(
    "1.51",
    "security/libgpg-error",
    "Common error values for all GnuPG components",
    ["gettext-runtime"],
    1100 * KiB,
    290 * KiB,
    40,
  ),
  glib: p(
    "2.80.5_3,2",
    "devel/glib20",
    "Some useful routines of C programming (current stable version)",
    ["gettext-runtime", "libffi", "libiconv", "pcre2"],
    21 * MiB,
    4 * MiB,
    200,
  ),
  "gettext-runtime": p(
    "0.23.1",
    "devel/gettext-runtime",
    "GNU gettext runtime libraries and programs",
    ["indexinfo"],
    1800 * KiB,
    240 * KiB,
    60,
  ),
  libffi: p("3.4.6", "devel/libffi", "Foreign Function Interface", [], 100 * KiB, 40 * KiB, 10),
  libiconv: p("1.17_1", "converters/libiconv", "Character set conversion library", [], 1700 * KiB, 660 * KiB, 20),
  pcre2: p(
    "10.45",
    "devel/pcre2",
    "Perl Compatible Regular Expressions library, version 2",
    [],
    5 * MiB,
    1500 * KiB,
    100,
  ),
  indexinfo: p("0.3.1_1", "print/indexinfo", "Utility to regenerate the GNU info page index", [], 8 * KiB, 6 * KiB, 3),
  "vm-bhyve": p(
    "1.7.0_1",
    "sysutils/vm-bhyve",
    "Management system for bhyve virtual machines",
    [],
    260 * KiB,
    45 * KiB,
    30,
    ["vm", "vm_network"],
  ),
  "bhyve-firmware": p(
    "1.0_1",
    "sysutils/bhyve-firmware",
    "Collection of Firmware for bhyve",
    ["uefi-edk2-bhyve", "uefi-edk2-bhyve-csm"],
    0,
    1100,
    1,
  ),
  "uefi-edk2-bhyve": p(
    "g20220526_2,2",
    "sysutils/uefi-edk2-bhyve",
    "UEFI-EDK2 firmware for bhyve",
    [],
    2 * MiB,
    1100 * KiB,
    2,
  ),
  "uefi-edk2-bhyve-csm": p(
    "0.2_5,1",
    "sysutils/uefi-edk2-bhyve-csm",
    "UEFI EDK2 firmware for bhyve with CSM (16-bit BIOS)",
    [],
    2 * MiB,
    900 * KiB,
    2,
  ),
  nginx: p("1.26.3_1,3", "www/nginx", "Robust and small WWW server", ["pcre2"], 1300 * KiB, 500 * KiB, 30, ["nginx"]),
  curl: p(
    "8.12.1",
    "ftp/curl",
    "Command line tool and library for transferring data with URLs",
    ["libnghttp2", "libpsl", "libidn2", "libunistring", "indexinfo"],
    5 * MiB,
    1400 * KiB,
    60,
  ),
  libnghttp2: p("1.64.0", "www/libnghttp2", "HTTP/2.0 C Library", [], 300 * KiB, 100 * KiB, 8),
  libpsl: p(
    "0.21.5_2",
    "dns/libpsl",
    "C library to handle the Public Suffix List",
    ["libidn2", "libunistring"],
    120 * KiB,
    60 * KiB,
    8,
  ),
  libidn2: p(
    "2.3.7",
    "dns/libidn2",
    "Implementation of IDNA2008 internationalized domain names",
    ["libunistring"],
    400 * KiB,
    140 * KiB,
    20,
  ),
  libunistring: p("1.3", "devel/libunistring", "Unicode string library", [], 2 * MiB, 600 * KiB, 40),
};

/** Repositories of /etc/pkg/FreeBSD.conf; 14.2 with the kmods repository is UNCONFIRMED. */
export const REPOSITORIES = ["FreeBSD", "FreeBSD-kmods"];

export interface Installed {
  version: string;
  comment: string;
  automatic: boolean;
}

/** Installed packages by name: a fresh host has only pkg itself (bootstrapped). */
export function installedPackages(state: HostState): Record<string, Installed> {
  const saved = state.pkg as { installed: Record<string, Installed> } | undefined;
  if (saved !== undefined) return saved.installed;
  const pkg = CATALOGUE.pkg!;
  return { pkg: { version: pkg.version, comment: pkg.comment, automatic: false } };
}

/** rc.d scripts of installed packages, e.g. "podman" once podman is installed. */
export function packageRcScripts(state: HostState): string[] {
  return Object.keys(installedPackages(state)).flatMap((name) => CATALOGUE[name]?.rcScripts ?? []);
}
