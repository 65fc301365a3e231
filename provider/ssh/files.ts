// The transport's private directory: control sockets, key files and known_hosts, all 0600 inside a 0700
// directory that belongs to this process and is removed when it exits.
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

let privateDir: string | undefined;
const exitHooks: Array<() => void> = [];

/** Runs `hook` (synchronously) when the process exits, before the private directory is removed. */
export function onExit(hook: () => void): void {
  exitHooks.push(hook);
}

/**
 * The private directory, made on first use. Short, because control socket paths must fit in sockaddr_un
 * (104 bytes on FreeBSD and macOS, 108 on Linux).
 */
export function privateDirectory(): string {
  if (privateDir === undefined) {
    const base = process.env.PULUMI_FREEBSD_SSH_DIR ?? (tmpdir().length > 40 ? "/tmp" : tmpdir());
    const dir = mkdtempSync(path.join(base, "pf-ssh-"));
    chmodSync(dir, 0o700);
    privateDir = dir;
    process.once("exit", () => {
      for (const hook of exitHooks.splice(0)) {
        try {
          hook();
        } catch {
          // best effort: the process is ending
        }
      }
      rmSync(dir, { recursive: true, force: true });
    });
  }
  return privateDir;
}

/** Writes `content` to a 0600 file in the private directory; the same content gets the same file. */
export function privateFile(prefix: string, content: string): string {
  const name = `${prefix}-${createHash("sha256").update(content).digest("hex").slice(0, 16)}`;
  const file = path.join(privateDirectory(), name);
  // mode applies at creation; the file never exists with wider permissions.
  writeFileSync(file, content.endsWith("\n") ? content : `${content}\n`, { mode: 0o600 });
  return file;
}

/** An executable (0700) helper script in the private directory. */
export function privateScript(prefix: string, content: string): string {
  const file = privateFile(prefix, content);
  chmodSync(file, 0o700);
  return file;
}

/** OpenSSH's SHA256 fingerprint of a public key line ("ssh-ed25519 AAAA… comment"). */
export function fingerprint(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1] ?? "";
  const digest = createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}
