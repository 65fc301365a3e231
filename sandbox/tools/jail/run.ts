// How the sandbox runs the commands of a jail: jail(8)'s exec.* parameters and jexec(8).
//
// A FreeBSD userland cannot run here, so commands "inside" a jail run on this machine's /bin/sh, in the jail's
// root directory, with the jail's name in PF_SANDBOX_JAIL for simulated tools that care. The jail's own rc
// scripts (`/bin/sh /etc/rc`, `/bin/sh /etc/rc.shutdown …`) succeed without doing anything. Commands reach the
// simulated FreeBSD tools first: PATH is the host's tool directory, then /usr/bin and /bin only (this machine's
// sbin tools, ifconfig and route among them, are out of reach), and /sbin/X, /usr/sbin/X … naming a simulated
// tool X is rewritten to X. A command naming any other sbin program by path is refused.
import { spawnSync, type StdioOptions } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { hostPath } from "../hostfs";
import { toolNames } from "../main";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The program does not exist (execvp failed with ENOENT). */
  notFound?: boolean;
}

export interface RunWhere {
  hostDir: string;
  /** Set for commands that run inside a jail. */
  jail?: { name: string; jid: number; path: string };
  /** exec.clean: the environment of a login, not the caller's. */
  clean?: boolean;
  /** Standard input and output go straight to the caller's (jexec). */
  inherit?: boolean;
}

const SYSTEM_DIRS = "(?:/usr/local/sbin|/usr/local/bin|/usr/sbin|/usr/bin|/sbin|/bin)";

function isRcScript(argv: string[]): boolean {
  const [sh, script] = argv;
  return (sh === "/bin/sh" || sh === "sh") && (script === "/etc/rc" || script === "/etc/rc.shutdown");
}

/** `/sbin/ifconfig` → `ifconfig` where ifconfig is simulated; undefined for other sbin programs by path. */
function mapProgram(program: string): string | undefined {
  const base = path.posix.basename(program);
  if (!program.includes("/")) return program;
  if (toolNames().includes(base)) return base;
  if (/^\/(usr\/)?sbin\//.test(program) || /^\/usr\/local\/sbin\//.test(program)) return undefined;
  return program;
}

function mapScript(script: string): string {
  const names = toolNames().map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (names.length === 0) return script;
  return script.replace(new RegExp(`${SYSTEM_DIRS}/(${names.join("|")})(?![\\w.-])`, "g"), "$1");
}

/** Runs argv (as jail(8) split it, or `/bin/sh -c STRING`) on the host or in a jail. */
export function runCommand(argv: string[], where: RunWhere, input?: string): CommandResult {
  if (where.jail !== undefined && isRcScript(argv)) return { code: 0, stdout: "", stderr: "" };
  let program = mapProgram(argv[0]!);
  let args = argv.slice(1);
  if (program === undefined) {
    return { code: 127, stdout: "", stderr: `sandbox: ${argv[0]} is not simulated\n` };
  }
  if ((program === "/bin/sh" || program === "sh") && args[0] === "-c" && args[1] !== undefined) {
    program = "/bin/sh";
    args = ["-c", mapScript(args[1]), ...args.slice(2)];
  }
  const toolsDir = path.join(where.hostDir, "bin");
  const base: NodeJS.ProcessEnv = where.clean
    ? { HOME: "/root", SHELL: "/bin/sh", USER: "root", TERM: process.env.TERM ?? "dumb" }
    : { ...process.env };
  const env: NodeJS.ProcessEnv = {
    ...base,
    PATH: `${toolsDir}:/usr/bin:/bin`,
    PF_SANDBOX_HOST_DIR: where.hostDir,
  };
  let cwd = where.hostDir;
  if (where.jail !== undefined) {
    env.PF_SANDBOX_JAIL = where.jail.name;
    env.PF_SANDBOX_JID = String(where.jail.jid);
    // Inside the sandbox's own filesystem (sandbox/rootfs.ts) the jail's path is itself; elsewhere its copy.
    const root = process.env.PF_SANDBOX_ROOTFS === "1" ? where.jail.path : hostPath(where.hostDir, where.jail.path);
    if (existsSync(root)) cwd = root;
  }
  const stdio: StdioOptions = where.inherit ? "inherit" : ["pipe", "pipe", "pipe"];
  const r = spawnSync(program, args, { cwd, env, stdio, input, encoding: "utf8" });
  if (r.error !== undefined) {
    if ((r.error as NodeJS.ErrnoException).code === "ENOENT")
      return { code: 127, stdout: "", stderr: "", notFound: true };
    return { code: 127, stdout: "", stderr: `${argv[0]}: ${r.error.message}\n` };
  }
  return { code: r.status ?? 128 + 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/**
 * run_command()'s split of an exec.* string (usr.sbin/jail/command.c): through `/bin/sh -c` when it holds a
 * shell character, else on blanks.
 */
export function commandArgv(command: string): string[] {
  const special = /[!"$&'()*;<>?[\\\]`{|}~]/.exec(command);
  if (special !== null && !(special[0] === "&" && special.index === command.length - 1)) {
    return ["/bin/sh", "-c", command];
  }
  return command
    .replace(/&$/, "")
    .split(/[ \t\f\v\r\n]+/)
    .filter((w) => w !== "");
}
