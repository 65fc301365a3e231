// Processes the sandbox starts, found and ended through /proc: sshd daemonizes and its per-connection
// children rename themselves ("sshd: root@notty"), so they are found by parentage, never by name.
import { readFileSync, readdirSync } from "node:fs";

/** ppid of every process, from /proc/PID/stat (the field after the parenthesised command name). */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      map.set(Number(entry), ppid);
    } catch {
      // it ended meanwhile
    }
  }
  return map;
}

/** Every descendant of `pid`, children before grandchildren. */
export function descendants(pid: number): number[] {
  const all = parents();
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of all) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

export function childrenOf(pid: number): number[] {
  return [...parents()].filter(([, ppid]) => ppid === pid).map(([child]) => child);
}

/** True while `pid` exists and has not exited (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGKILLs `pid` and everything below it; the tree is read first so no orphan escapes. */
export function killTree(pid: number): number[] {
  const tree = [pid, ...descendants(pid)];
  for (const p of tree) signal(p, "SIGKILL");
  return tree;
}

/** Polls `check` every `stepMs` until it holds; throws `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  stepMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`sandbox: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
