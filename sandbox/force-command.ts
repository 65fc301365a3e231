// What sshd runs for every session of a sandbox host (its ForceCommand), and the PATH wrappers that make
// the simulated FreeBSD tools answer to their FreeBSD names.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { toolNames } from "./tools/main";

/** The file names under <hostDir>/run that the ForceCommand and the fault-injection methods share. */
export function runFiles(dir: string) {
  return {
    lock: path.join(dir, "run", "session.lock"),
    log: path.join(dir, "run", "commands.log"),
    fault: path.join(dir, "run", "fault"),
    script: path.join(dir, "run", "force-command.sh"),
  };
}

/** POSIX single quotes; paths of the sandbox never hold a NUL. */
function sq(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The ForceCommand: under one lock it appends the command to the log (NUL-terminated, so commands may hold
 * newlines) and consumes one injected failure if any are pending; then it runs the command with the
 * simulated tools first on PATH, through `shell -c` as a FreeBSD login shell would.
 */
export function renderForceCommand(dir: string, flock: string, shell: string): string {
  const f = runFiles(dir);
  return `#!/bin/sh
# Written by the pulumi-freebsd sandbox: the ForceCommand of ${dir}.
PF_SANDBOX_HOST_DIR=${sq(dir)}
export PF_SANDBOX_HOST_DIR
PATH=${sq(path.join(dir, "bin"))}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
fail=
exec 9>>${sq(f.lock)}
${flock} 9
printf '%s\\0' "\${SSH_ORIGINAL_COMMAND-}" >>${sq(f.log)}
if [ -s ${sq(f.fault)} ]; then
  read -r left code <${sq(f.fault)}
  if [ "\${left:-0}" -gt 0 ]; then
    echo "$((left - 1)) $code" >${sq(f.fault)}
    fail=$code
  fi
fi
exec 9>&-
if [ -n "$fail" ]; then
  echo "sandbox: injected failure (exit $fail)" >&2
  exit "$fail"
fi
if [ -z "\${SSH_ORIGINAL_COMMAND-}" ]; then
  exec ${sq(shell)} -i
fi
exec ${sq(shell)} -c "$SSH_ORIGINAL_COMMAND"
`;
}

export function writeForceCommand(dir: string, flock: string, shell: string): string {
  const f = runFiles(dir);
  mkdirSync(path.dirname(f.script), { recursive: true });
  writeFileSync(f.script, renderForceCommand(dir, flock, shell), { mode: 0o755 });
  chmodSync(f.script, 0o755);
  return f.script;
}

/** <hostDir>/bin/NAME for each simulated tool: exec this Node on the tools' entry point. */
export function writeToolWrappers(dir: string): void {
  const bin = path.join(dir, "bin");
  rmSync(bin, { recursive: true, force: true });
  mkdirSync(bin, { recursive: true });
  const entry = path.join(__dirname, "tools", "main.js");
  for (const name of toolNames()) {
    const text = `#!/bin/sh\nexec ${sq(process.execPath)} ${sq(entry)} ${sq(name)} "$@"\n`;
    writeFileSync(path.join(bin, name), text, { mode: 0o755 });
  }
}
