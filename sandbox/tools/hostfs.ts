// The simulated host's own files (/etc/rc.conf, /etc/pf.conf, …) live under <hostDir>/root, so tools can
// render them as text for each other and for tests, and sandbox hosts never touch this machine's /etc.
// Sessions over SSH see the same files at their FreeBSD paths (/etc, /usr/local/etc and the host's own
// top-level directories are bound in its mount namespace, sandbox/force-command.ts), so a real `cat` and a
// simulated tool agree on what /etc/jail.conf.d/web.conf holds.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/** Where the simulated absolute path `file` lives on this machine. */
export function hostPath(hostDir: string, file: string): string {
  const normal = path.posix.normalize(path.posix.join("/", file));
  return path.join(hostDir, "root", normal);
}

export function hostFileExists(hostDir: string, file: string): boolean {
  return existsSync(hostPath(hostDir, file));
}

export function readHostFile(hostDir: string, file: string): string | undefined {
  try {
    return readFileSync(hostPath(hostDir, file), "utf8");
  } catch {
    return undefined;
  }
}

/** Writes (or, with `undefined`, removes) a simulated file. */
export function writeHostFile(hostDir: string, file: string, text: string | undefined): void {
  const target = hostPath(hostDir, file);
  if (text === undefined) {
    rmSync(target, { force: true });
    return;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
}

/**
 * Makes the simulated directory `dir` (a dataset's mountpoint, say "/zroot/images/x") and returns where it is
 * on this machine. While the host runs, its sessions see it at `dir` itself, this one included: a top-level
 * directory new to the host (/jails) is bound into its mount namespace on the spot, so the next command of
 * the same SSH session can already `cat > /jails/web/etc/rc.conf`. Under this machine's own top-level
 * directories (/var, /usr, /tmp…) only /etc and /usr/local/etc are the host's; anything else there exists only
 * in the simulated tree. For a host that is not running (a unit test's directory) only the tree changes.
 */
export function ensureHostDir(hostDir: string, dir: string): string {
  const target = hostPath(hostDir, dir);
  mkdirSync(target, { recursive: true });
  // The overlay login shell (sandbox/rootfs.ts) shows the whole tree as the session's / already.
  if (process.env.PF_SANDBOX_ROOTFS !== "1") {
    (require("../force-command") as typeof import("../force-command")).showHostDir(hostDir, dir);
  }
  return target;
}
