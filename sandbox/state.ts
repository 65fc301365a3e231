// The state of one simulated FreeBSD host: one JSON file shared by every simulated tool.
// Writers hold an exclusive lock (a lock file created with O_EXCL) and replace the file by rename, so
// readers never see half a file and concurrent commands over SSH are safe.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/**
 * Everything a simulated host remembers. Each area owns one key; a tool that finds its key missing starts
 * from its area's initial value. Keep values JSON.
 */
export interface HostState {
  /** Bumped on every write; tests use it to see that nothing was written. */
  generation: number;
  [area: string]: unknown;
}

const LOCK_STALE_MS = 30_000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class StateStore {
  readonly file: string;
  private readonly lockFile: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, "state.json");
    this.lockFile = path.join(dir, "state.lock");
  }

  /** A consistent snapshot; safe without the lock because writers rename. */
  read(): HostState {
    try {
      return JSON.parse(readFileSync(this.file, "utf8")) as HostState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { generation: 0 };
      throw err;
    }
  }

  /** Runs `change` on the current state under the lock and saves what it returns (or the mutated state). */
  update<T>(change: (state: HostState) => T): T {
    this.lock();
    try {
      const state = this.read();
      const result = change(state);
      state.generation += 1;
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(state, null, 1));
      renameSync(tmp, this.file);
      return result;
    } finally {
      this.unlock();
    }
  }

  private lock(): void {
    mkdirSync(this.dir, { recursive: true });
    for (let attempt = 0; ; attempt++) {
      try {
        closeSync(openSync(this.lockFile, "wx"));
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      // A holder that died leaves its lock behind; no simulated command runs this long.
      try {
        if (Date.now() - statSync(this.lockFile).mtimeMs > LOCK_STALE_MS) rmSync(this.lockFile, { force: true });
      } catch {
        // gone already
      }
      sleep(Math.min(2 + attempt, 20));
    }
  }

  private unlock(): void {
    rmSync(this.lockFile, { force: true });
  }
}
