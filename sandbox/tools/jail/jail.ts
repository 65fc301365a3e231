// jail(8) of FreeBSD 14 (usr.sbin/jail/jail.c, command.c, config.c in freebsd-src) for simulated hosts:
// -c, -m, -r, -R, -rc and -cm, from a jail.conf(5) file (read from the host's own files, <hostDir>/root) or
// from parameters on the command line. Creating runs the steps of command.c's startcommands in order (interface
// aliases, mounts, devfs, exec.prestart, the jail itself, exec.created, vnet.interface, exec.start,
// exec.poststart) and undoes the finished ones when a step fails; removing runs stopcommands. Messages are
// jail(8)'s: "web: created", "web: updated", "web: removed", `jail: "web" already exists`, `jail: "web" not
// found`, "jail: web: path /x: No such file or directory", "jail: web: CMD: failed", "jail: web: osrelease
// cannot be changed after creation", "jail: web: unknown parameter: foo".
// Interface aliases and vnet interfaces go through the simulated ifconfig when the sandbox has one.
import type { HostState } from "../../state";
import type { Tool, ToolContext } from "../context";
import { getopt } from "../getopt";
import { hostFileExists, hostPath, readHostFile } from "../hostfs";
import { toolNames } from "../main";
import { JailConfError, parseJailConf, resolveJail, sameParam, type ResolvedParam } from "../../../provider/jail/parse";
import { isMounted, mountFs, unmountFs } from "./mount";
import { commandArgv, runCommand, type RunWhere } from "./run";
import {
  findJail,
  importValue,
  initialParams,
  INTERNAL_PARAMS,
  jailsState,
  KERNEL_PARAMS,
  kernelParam,
  type SimJail,
} from "./state";
import { existsSync, statSync } from "node:fs";

const USAGE =
  "usage: jail [-dhilqv] [-J jid_file] [-u username] [-U username]\n" +
  "            -[cmr] param=value ... [command=command ...]\n" +
  "       jail [-dqv] [-f file] -[cmr] [jail]\n" +
  "       jail [-qv] [-f file] -[rR] ['*' | jail ...]\n" +
  "       jail [-dhilqv] [-J jid_file] [-u username] [-U username]\n" +
  "            [-n jailname] [-s securelevel]\n" +
  "            path hostname [ip[,...]] command ...\n";

interface Options {
  create: boolean;
  modify: boolean;
  remove: boolean;
  force: boolean;
  file: string;
  /** -1 quiet (-q, -i), 0, 1 verbose (-v) */
  verbose: number;
  jidOut: boolean;
}

/** One jail to act on: its name and its parameters, in the order jail(8) collected them. */
interface Target {
  name: string;
  params: ResolvedParam[];
  /** Named in a config file (messages carry its name), not only on the command line. */
  fromConf: boolean;
}

class Failed extends Error {}

export const jail: Tool = (ctx) => {
  const parsed = getopt("jail", ctx.args, "cdf:hiJ:lmn:p:qrRs:u:U:v");
  if (parsed.error !== undefined) {
    ctx.err(parsed.error + USAGE);
    return 1;
  }
  const o: Options = {
    create: false,
    modify: false,
    remove: false,
    force: false,
    file: "/etc/jail.conf",
    verbose: 0,
    jidOut: false,
  };
  for (const { flag, arg } of parsed.opts) {
    if (flag === "c") o.create = true;
    else if (flag === "m") o.modify = true;
    else if (flag === "r") o.remove = true;
    else if (flag === "R") [o.remove, o.force] = [true, true];
    else if (flag === "f") o.file = arg!;
    else if (flag === "q") o.verbose = -1;
    else if (flag === "v") o.verbose = 1;
    else if (flag === "i") [o.jidOut, o.verbose] = [true, -1];
    else if ("hlnsuUJdp".includes(flag)) {
      ctx.err(`jail: -${flag} is not simulated by the sandbox\n`);
      return 70;
    }
  }
  const operands = parsed.operands;
  if (!o.create && !o.modify && !o.remove) {
    ctx.err(USAGE);
    return 1;
  }
  try {
    const cmdline = operands.length > 1 || (operands.length === 1 && operands[0]!.includes("="));
    if (o.remove && !o.create) return removeJails(ctx, o, operands);
    const targets = cmdline ? [commandLineTarget(ctx, operands)] : confTargets(ctx, o, operands[0]);
    let status = 0;
    for (const t of targets) status = Math.max(status, createOrModify(ctx, o, t));
    return status;
  } catch (err) {
    if (err instanceof Failed) return 1;
    throw err;
  }
};

function warnx(ctx: ToolContext, name: string | undefined, message: string): void {
  ctx.err(name === undefined ? `jail: ${message}\n` : `jail: ${name}: ${message}\n`);
}

function commandLineTarget(ctx: ToolContext, words: string[]): Target {
  const params: ResolvedParam[] = [];
  for (const word of words) {
    const eq = word.indexOf("=");
    const name = eq < 0 ? word : word.slice(0, eq);
    const value =
      eq < 0 ? [] : name === "ip4.addr" || name === "ip6.addr" ? word.slice(eq + 1).split(",") : [word.slice(eq + 1)];
    const found = params.find((p) => p.name === name);
    if (found) found.values = value;
    else params.push({ name, values: value });
  }
  const name = params.find((p) => p.name === "name")?.values[0] ?? params.find((p) => p.name === "jid")?.values[0];
  if (name === undefined) {
    ctx.err(USAGE);
    throw new Failed();
  }
  return { name, params, fromConf: false };
}

function loadConf(ctx: ToolContext, file: string) {
  const text = file === "-" ? ctx.stdin() : readHostFile(ctx.hostDir, file);
  if (text === undefined) {
    ctx.err(`jail: ${file}: No such file or directory\n`);
    throw new Failed();
  }
  try {
    return parseJailConf(text, file === "-" ? "STDIN" : file);
  } catch (err) {
    if (err instanceof JailConfError) {
      ctx.err(`jail: ${err.message.replace(/: "[^"]*"$/, "")}\n`);
      throw new Failed();
    }
    throw err;
  }
}

function resolve(ctx: ToolContext, blocks: ReturnType<typeof loadConf>, name: string): ResolvedParam[] | undefined {
  try {
    return resolveJail(blocks, name);
  } catch (err) {
    if (err instanceof JailConfError) {
      warnx(ctx, name, err.message);
      throw new Failed();
    }
    throw err;
  }
}

function confTargets(ctx: ToolContext, o: Options, name: string | undefined): Target[] {
  const blocks = loadConf(ctx, o.file);
  const names = name !== undefined ? [name] : blocks.map((b) => b.name).filter((n) => !/(^|\.)\*(\.|$)/.test(n));
  return names.map((n) => {
    const params = resolve(ctx, blocks, n);
    if (params === undefined) {
      ctx.err(`jail: "${n}" not found\n`);
      throw new Failed();
    }
    return { name: n, params, fromConf: true };
  });
}

/** The last value of an internal parameter, or its values. */
function values(t: Target, name: string): string[] | undefined {
  return t.params.find((p) => p.name === name)?.values;
}
function str(t: Target, name: string): string | undefined {
  return values(t, name)?.at(-1);
}
/** bool_param() in config.c: present and true, or present, negated and false. */
function bool(t: Target, name: string): boolean {
  const dot = name.lastIndexOf(".");
  const negated = `${name.slice(0, dot + 1)}no${name.slice(dot + 1)}`;
  const p = t.params.find((q) => q.name === name || q.name === negated);
  if (p === undefined) return false;
  const last = p.values.at(-1);
  const on = last === undefined || /^true$/i.test(last) || (/^-?\d+$/.test(last) && Number(last) !== 0);
  return p.name === negated ? !on : on;
}

/** The kernel parameters of a target, imported; fails with jail(8)'s message on a bad one. */
function kernelValues(ctx: ToolContext, t: Target): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of t.params) {
    // jail(8)'s own parameters, negated ones too (mount.nodevfs): config.c matches them with equalopts().
    if (p.name === "name" || [...INTERNAL_PARAMS].some((i) => sameParam(i, p.name))) continue;
    const k = kernelParam(p.name);
    if (k === undefined) {
      warnx(ctx, t.name, `unknown parameter: ${p.name}`);
      throw new Failed();
    }
    const v = importValue(k.name, p.values, k.negated);
    if (typeof v !== "string") {
      warnx(ctx, t.name, v.error);
      throw new Failed();
    }
    out[k.name] = v;
  }
  // Setting ip4.addr implies ip4=new, as host.hostname implies host=new (jail(8), "ip4").
  for (const family of ["ip4", "ip6"]) if (out[`${family}.addr`] && out[family] === undefined) out[family] = "new";
  return out;
}

function createOrModify(ctx: ToolContext, o: Options, t: Target): number {
  const kernel = kernelValues(ctx, t);
  const running = findJail(ctx.state.read(), t.name);
  if (o.create && o.remove) {
    // -rc: remove (with the stop commands), then create.
    if (running === undefined) {
      ctx.err(`jail: "${t.name}" not found\n`);
      return 1;
    }
    if (removeOne(ctx, o, t.name, t, true) !== 0) return 1;
    return createJail(ctx, o, t, kernel);
  }
  if (running !== undefined && o.create && !o.modify) {
    ctx.err(`jail: "${t.name}" already exists\n`);
    return 1;
  }
  if (running === undefined) {
    if (!o.create) {
      ctx.err(`jail: "${t.name}" not found\n`);
      return 1;
    }
    return createJail(ctx, o, t, kernel);
  }
  return modifyJail(ctx, o, t, running, kernel);
}

function modifyJail(ctx: ToolContext, o: Options, t: Target, running: SimJail, kernel: Record<string, string>): number {
  // rdtun_params(): a create-only parameter may be given, but only with the value it already has.
  for (const [name, value] of Object.entries(kernel)) {
    const def = KERNEL_PARAMS[name]!;
    if (def.readOnly) {
      warnx(ctx, t.name, `${name}: parameter is read-only`);
      return 1;
    }
    if (def.rdtun && name !== "jid" && running.params[name] !== value) {
      warnx(ctx, t.name, `${name} cannot be changed after creation`);
      return 1;
    }
  }
  ctx.state.update((state) => {
    const j = jailsState(state);
    const live = j.jails.find((x) => x.jid === running.jid)!;
    Object.assign(live.params, kernel);
    if (kernel.name !== undefined) live.name = kernel.name;
    state.jails = j;
  });
  if (o.verbose >= 0) ctx.out(`${t.name}: updated\n`);
  return 0;
}

type Step = { what: string; undo?: () => void };

function hasIfconfig(): boolean {
  return toolNames().includes("ifconfig");
}

function where(ctx: ToolContext, t: Target, inJail?: SimJail): RunWhere {
  const base: RunWhere = { hostDir: ctx.hostDir, clean: bool(t, "exec.clean") };
  if (inJail !== undefined) base.jail = { name: inJail.name, jid: inJail.jid, path: inJail.params.path! };
  return base;
}

/** Runs one exec.* command, passing its output through; fails as jail(8) does. */
function execStep(ctx: ToolContext, t: Target, command: string, inJail?: SimJail): void {
  const argv = commandArgv(command);
  if (argv.length === 0) return;
  const r = runCommand(argv, where(ctx, t, inJail));
  ctx.out(r.stdout);
  ctx.err(r.stderr);
  // The child's own message when execvp() fails (command.c, run_command), then the failure.
  if (r.notFound) warnx(ctx, t.name, `exec ${argv[0]}: No such file or directory`);
  if (r.code !== 0) {
    warnx(ctx, t.name, `${argv.join(" ")}: failed`);
    throw new Failed();
  }
}

function ifconfig(ctx: ToolContext, t: Target, argv: string[]): void {
  if (!hasIfconfig()) return;
  const r = runCommand(["ifconfig", ...argv], { hostDir: ctx.hostDir });
  ctx.out(r.stdout);
  ctx.err(r.stderr);
  if (r.code !== 0) {
    warnx(ctx, t.name, `/sbin/ifconfig ${argv.join(" ")}: failed`);
    throw new Failed();
  }
}

/** The fstab(5) lines of `mount` and `mount.fstab`, split as command.c does (at most four fields). */
function fstabEntries(ctx: ToolContext, t: Target): string[][] {
  const lines = [...(values(t, "mount") ?? [])];
  const fstab = str(t, "mount.fstab");
  if (fstab !== undefined) {
    const text = readHostFile(ctx.hostDir, fstab);
    if (text === undefined) {
      warnx(ctx, t.name, `mount.fstab: ${fstab}: No such file or directory`);
      throw new Failed();
    }
    lines.push(...text.split("\n").filter((l) => !/^\s*(#|$)/.test(l)));
  }
  return lines
    .map((l) =>
      l
        .split(/[ \t\f\v\r\n]+/)
        .filter(Boolean)
        .slice(0, 4),
    )
    .filter((f) => f.length > 0);
}

function addresses(t: Target, family: "ip4" | "ip6"): Array<{ iface: string; addr: string }> {
  const dflt = str(t, "interface");
  return (values(t, `${family}.addr`) ?? []).flatMap((a) => {
    const bar = a.indexOf("|");
    const iface = bar < 0 ? dflt : a.slice(0, bar);
    return iface === undefined ? [] : [{ iface, addr: bar < 0 ? a : a.slice(bar + 1) }];
  });
}

function createJail(ctx: ToolContext, o: Options, t: Target, kernel: Record<string, string>): number {
  const path = kernel.path;
  const done: Step[] = [];
  const mount = (fstype: string, special: string, dir: string, opts: string[]) => {
    const error = ctx.state.update((state) => mountFs(state, ctx.hostDir, fstype, special, dir, opts));
    if (error !== undefined) {
      ctx.err(error);
      warnx(ctx, t.name, `mount -t ${fstype}${opts.length ? ` -o ${opts.join(",")}` : ""} ${special} ${dir}: failed`);
      throw new Failed();
    }
    done.push({ what: `umount ${dir}`, undo: () => ctx.state.update((state) => void unmountFs(state, dir)) });
  };
  const checkPath = (param: string, dir: string) => {
    if (!existsSync(hostPath(ctx.hostDir, dir))) {
      warnx(ctx, t.name, `${param}: ${dir}: No such file or directory`);
      throw new Failed();
    }
  };
  let created: SimJail | undefined;
  try {
    for (const family of ["ip4", "ip6"] as const) {
      for (const { iface, addr } of addresses(t, family)) {
        const inet = family === "ip4" ? "inet" : "inet6";
        const withMask = addr.includes("/")
          ? [addr]
          : family === "ip4"
            ? [addr, "netmask", "255.255.255.255"]
            : [addr, "prefixlen", "128"];
        ifconfig(ctx, t, [iface, inet, ...withMask, "alias"]);
        done.push({
          what: "alias",
          undo: () =>
            runCommand(["ifconfig", iface, inet, addr.replace(/\/.*$/, ""), "-alias"], { hostDir: ctx.hostDir }),
        });
      }
    }
    for (const [special, dir, fstype, opts] of fstabEntries(ctx, t)) {
      if (dir === undefined || fstype === undefined) {
        warnx(ctx, t.name, `mount: ${special}: missing information`);
        throw new Failed();
      }
      checkPath("mount", dir);
      mount(fstype, special!, dir, opts === undefined ? [] : opts.split(","));
    }
    for (const [param, sub, fstype] of [
      ["mount.devfs", "dev", "devfs"],
      ["mount.fdescfs", "dev/fd", "fdescfs"],
      ["mount.procfs", "proc", "procfs"],
    ] as const) {
      if (!bool(t, param)) continue;
      if (path === undefined) {
        warnx(ctx, t.name, `${param}: no path`);
        throw new Failed();
      }
      const dir = `${path.replace(/\/+$/, "")}/${sub}`;
      checkPath(param, dir);
      // devfs_ruleset 4 (devfsrules_jail) when none is given: command.c, IP_MOUNT_DEVFS.
      mount(fstype, ".", dir, fstype === "devfs" ? [`ruleset=${kernel.devfs_ruleset ?? "4"}`] : []);
    }
    for (const command of values(t, "exec.prestart") ?? []) execStep(ctx, t, command);

    // create_jail(): the path must be an absolute directory.
    if (path !== undefined) {
      const host = hostPath(ctx.hostDir, path);
      const error = !path.startsWith("/")
        ? "not an absolute pathname"
        : !existsSync(host)
          ? "No such file or directory"
          : !statSync(host).isDirectory()
            ? "Not a directory"
            : undefined;
      if (error !== undefined) {
        warnx(ctx, t.name, `path ${path}: ${error}`);
        throw new Failed();
      }
    }
    created = ctx.state.update((state) => addJail(state, t, kernel));
    if (created === undefined) {
      ctx.err(`jail: "${t.name}" already exists\n`);
      throw new Failed();
    }
    const jid = created.jid;
    done.push({ what: "jail", undo: () => dropJail(ctx, o, jid, t.fromConf) });
    if (o.jidOut) ctx.out(`${jid}\n`);
    if (o.verbose >= 0) ctx.out(`${t.name}: created\n`);

    for (const command of values(t, "exec.created") ?? []) execStep(ctx, t, command);
    for (const iface of values(t, "vnet.interface") ?? []) {
      ifconfig(ctx, t, [iface, "vnet", t.name]);
      ctx.state.update((state) => {
        const j = jailsState(state);
        j.jails.find((x) => x.jid === jid)?.interfaces.push(iface);
        state.jails = j;
      });
    }
    for (const command of values(t, "exec.start") ?? []) execStep(ctx, t, command, created);
    for (const command of values(t, "command") ?? []) execStep(ctx, t, command, created);
    for (const command of values(t, "exec.poststart") ?? []) execStep(ctx, t, command);
    return 0;
  } catch (err) {
    if (!(err instanceof Failed)) throw err;
    for (const step of done.reverse()) step.undo?.();
    return 1;
  }
}

function addJail(state: HostState, t: Target, kernel: Record<string, string>): SimJail | undefined {
  const j = jailsState(state);
  if (j.jails.some((x) => x.name === t.name)) return undefined;
  const jid = kernel.jid !== undefined && kernel.jid !== "0" ? Number(kernel.jid) : j.nextJid;
  const params = { ...initialParams(state), ...kernel, jid: String(jid), name: t.name };
  // A jail with a hostname of its own has host=new; its cpuset is a new one (cpuset.id).
  const sim: SimJail = { jid, name: t.name, params, cpusetid: j.nextCpuset, interfaces: [] };
  sim.params["cpuset.id"] = String(sim.cpusetid);
  j.jails.push(sim);
  j.nextJid = Math.max(j.nextJid, jid) + 1;
  j.nextCpuset += 1;
  state.jails = j;
  return sim;
}

/** jail_remove(): the jail and its processes are gone; its vnet interfaces go back to the host first. */
function dropJail(ctx: ToolContext, o: Options, jid: number, note: boolean): void {
  const sim = jailsState(ctx.state.read()).jails.find((x) => x.jid === jid);
  if (sim === undefined) return;
  for (const iface of sim.interfaces) {
    if (hasIfconfig()) runCommand(["ifconfig", iface, "-vnet", sim.name], { hostDir: ctx.hostDir });
  }
  ctx.state.update((state) => {
    const j = jailsState(state);
    j.jails = j.jails.filter((x) => x.jid !== jid);
    state.jails = j;
    // A vnet jail's network stack, its routing table included, dies with it (vnet(9)).
    const net = state.net as { defaults?: Record<string, unknown> } | undefined;
    if (net?.defaults !== undefined) delete net.defaults[sim.name];
  });
  if (o.verbose > 0 || (o.verbose === 0 && note)) ctx.out(`${sim.name}: removed\n`);
}

function removeJails(ctx: ToolContext, o: Options, names: string[]): number {
  if (names.length === 0 || (!o.force && names.some((n) => n.includes("=")))) {
    ctx.err(USAGE);
    return 1;
  }
  const docf = !o.force && (o.file === "-" || hostFileExists(ctx.hostDir, o.file));
  const blocks = docf ? loadConf(ctx, o.file) : undefined;
  // note_remove: with a config file, several jails or a wildcard, "removed" is printed.
  const note = docf || names.length > 1 || names.some((n) => n.includes("*"));
  let status = 0;
  for (const name of names) {
    const targets = name === "*" ? jailsState(ctx.state.read()).jails.map((j) => j.name) : [name];
    for (const n of targets) {
      const params = blocks === undefined ? undefined : resolve(ctx, blocks, n);
      const t = params === undefined ? undefined : { name: n, params, fromConf: true };
      status = Math.max(status, removeOne(ctx, o, n, t, note));
    }
  }
  return status;
}

/** stopcommands: exec.prestop, exec.stop (in the jail), the removal, exec.poststop, unmounts, aliases. */
function removeOne(ctx: ToolContext, o: Options, key: string, t: Target | undefined, note: boolean): number {
  const sim = findJail(ctx.state.read(), key);
  if (sim === undefined) {
    if (o.verbose >= 0) ctx.err(`jail: "${key}" not found\n`);
    return 1;
  }
  try {
    if (t !== undefined) {
      for (const command of values(t, "exec.prestop") ?? []) execStep(ctx, t, command);
      for (const command of values(t, "exec.stop") ?? []) execStep(ctx, t, command, sim);
    }
    dropJail(ctx, o, sim.jid, note);
    if (t === undefined) return 0;
    for (const command of values(t, "exec.poststop") ?? []) execStep(ctx, t, command);
    const path = sim.params.path ?? "/";
    // Mounts come off in reverse; one that is not mounted is passed over (check_path with umount_type).
    const dirs = [
      ...(["procfs:proc", "fdescfs:dev/fd", "devfs:dev"] as const).map((x) => {
        const [fstype, sub] = x.split(":") as [string, string];
        return { fstype, dir: `${path.replace(/\/+$/, "")}/${sub}` };
      }),
      ...fstabEntries(ctx, t)
        .reverse()
        .map(([, dir, fstype]) => ({ fstype: fstype!, dir: dir! })),
    ];
    for (const { fstype, dir } of dirs) {
      ctx.state.update((state) => {
        if (isMounted(state, dir, fstype)) unmountFs(state, dir);
      });
    }
    for (const family of ["ip6", "ip4"] as const) {
      for (const { iface, addr } of addresses(t, family).reverse()) {
        if (hasIfconfig()) {
          runCommand(["ifconfig", iface, family === "ip4" ? "inet" : "inet6", addr.replace(/\/.*$/, ""), "-alias"], {
            hostDir: ctx.hostDir,
          });
        }
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof Failed) return 1;
    throw err;
  }
}
