// The simulated host's own files (/etc/rc.conf, /etc/pf.conf, …) live under <hostDir>/root, so tools can
// render them as text for each other and for tests, and sandbox hosts never touch this machine's /etc.
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
