// pkg(8) from freebsd/pkg, the subcommands the sandbox needs: `pkg info` (one line per package, the name-version
// padded to column 32 then the comment: print_info in src/utils.c), `pkg info -e NAME` (exit status only),
// `pkg update`, and `pkg install [-y] NAME...` printing exec_install's transcript as it looks without a tty
// (src/install.c, print_jobs_summary in src/utils.c, the progress and event callbacks in src/event.c).
import type { HostState } from "../state";
import type { Tool, ToolContext } from "./context";
import { getopt, has } from "./getopt";
import { humanize } from "./humanize";
import { CATALOGUE, REPOSITORIES, installedPackages, type Installed } from "./pkg-catalogue";

export const pkg: Tool = (ctx) => {
  const [command, ...args] = ctx.args;
  if (command === "info") return info(ctx, args);
  if (command === "install") return install(ctx, args);
  if (command === "update") {
    updateRepositories(ctx);
    return 0;
  }
  ctx.err(`pkg: ${command === undefined ? "no command" : `'${command}'`} is not simulated by the sandbox\n`);
  return 70;
};

function info(ctx: ToolContext, args: string[]): number {
  const parsed = getopt("pkg", args, "aeq");
  if (parsed.error !== undefined) {
    ctx.err(`pkg: ${args.join(" ")}: only pkg info [-a], -e and -q are simulated by the sandbox\n`);
    return 70;
  }
  const installed = installedPackages(ctx.state.read());
  if (has(parsed, "e")) {
    // INFO_EXISTS: silent, and failure when a name is not installed.
    return parsed.operands.length > 0 && parsed.operands.every((n) => installed[n] !== undefined) ? 0 : 1;
  }
  if (parsed.operands.length > 0) {
    ctx.err("pkg: pkg info NAME (the full description) is not simulated by the sandbox\n");
    return 70;
  }
  for (const name of Object.keys(installed).sort()) {
    const p = installed[name]!;
    const tag = `${name}-${p.version}`;
    ctx.out(has(parsed, "q") ? `${tag}\n` : `${tag}${" ".repeat(tag.length < 31 ? 31 - tag.length : 1)}${p.comment}\n`);
  }
  return 0;
}

/** pkgcli_update when every catalogue is current. */
function updateRepositories(ctx: ToolContext): void {
  for (const repo of REPOSITORIES)
    ctx.out(`Updating ${repo} repository catalogue...\n${repo} repository is up to date.\n`);
  ctx.out("All repositories are up to date.\n");
}

function install(ctx: ToolContext, args: string[]): number {
  const parsed = getopt("pkg", args, "ACfFgiIlMnqr:RUxy");
  if (parsed.error !== undefined || parsed.operands.length === 0) {
    ctx.err("Usage: pkg install [-AfInFMqRUy] [-r reponame] [-Cgix] <pkg-name> ...\n\n");
    ctx.err("For more information see 'pkg help install'.\n");
    return 1;
  }
  const unsupported = parsed.opts.find((o) => !"AUy".includes(o.flag));
  if (unsupported !== undefined) {
    ctx.err(`pkg: install -${unsupported.flag} is not simulated by the sandbox\n`);
    return 70;
  }
  const yes = has(parsed, "y") || /^(yes|true|1)$/i.test(ctx.env?.("ASSUME_ALWAYS_YES") ?? "");
  if (!has(parsed, "U")) updateRepositories(ctx);

  // The host's lock is held from planning to the last install, so concurrent installs cannot interleave.
  return ctx.state.update((state) => {
    const installed = { ...installedPackages(state) };
    const missing = parsed.operands.filter((n) => CATALOGUE[n] === undefined);
    for (const name of missing) {
      ctx.err(`pkg: No packages available to install matching '${name}' have been found in the repositories\n`);
    }
    if (missing.length > 0) return 1;
    const plan = resolve(parsed.operands, installed);
    if (plan.length === 0) {
      ctx.out("The most recent versions of packages are already installed\n");
      return 0;
    }
    ctx.out(summary(plan));
    if (!yes) {
      ctx.out("\nProceed with this action? [y/N]: ");
      if (!/^y(es)?$/i.test(readAnswer(ctx))) return 1;
    }
    ctx.out(transcript(plan));
    for (const name of plan) {
      const entry = CATALOGUE[name]!;
      const automatic = has(parsed, "A") || !parsed.operands.includes(name);
      installed[name] = { version: entry.version, comment: entry.comment, automatic } satisfies Installed;
    }
    setInstalled(state, installed);
    return 0;
  });
}

function setInstalled(state: HostState, installed: Record<string, Installed>): void {
  state.pkg = { installed };
}

function readAnswer(ctx: ToolContext): string {
  try {
    return ctx.stdin().split("\n")[0]!.trim();
  } catch {
    return "";
  }
}

/** Packages to install, dependencies before their dependents, each once. */
function resolve(names: string[], installed: Record<string, Installed>): string[] {
  const order: string[] = [];
  const visit = (name: string): void => {
    if (installed[name] !== undefined || order.includes(name)) return;
    for (const dep of CATALOGUE[name]!.deps) visit(dep);
    order.push(name);
  };
  for (const name of names) visit(name);
  return order;
}

/** print_jobs_summary() for new installs, after exec_install's "The following … will be affected" line. */
function summary(plan: string[]): string {
  const multiRepo = REPOSITORIES.length > 1;
  let text = `The following ${plan.length} package(s) will be affected (of 0 checked):\n\n`;
  text += "New packages to be INSTALLED:\n";
  for (const name of [...plan].sort()) {
    text += `\t${name}: ${CATALOGUE[name]!.version}${multiRepo ? " [FreeBSD]" : ""}\n`;
  }
  text += `\nNumber of packages to be installed: ${plan.length}\n`;
  const newsize = plan.reduce((sum, n) => sum + CATALOGUE[n]!.flatsize, 0);
  const dlsize = plan.reduce((sum, n) => sum + CATALOGUE[n]!.pkgsize, 0);
  const warnLimit = 1024 * 1024; // WARN_SIZE_LIMIT's default
  if (newsize > warnLimit || dlsize > 0) text += "\n";
  if (newsize > warnLimit) text += `The process will require ${humanize(newsize, 8, "B", { iec: true })} more space.\n`;
  if (dlsize > 0) text += `${humanize(dlsize, 8, "B", { iec: true })} to be downloaded.\n`;
  return text;
}

/**
 * What pkg_jobs_apply() prints without a tty: each fetch, the integrity check, then each install and its
 * extraction. A progress line gets a dot each time it crosses a tenth; how many ticks a real fetch makes
 * (here one per 64 KiB) is UNCONFIRMED.
 */
function transcript(plan: string[]): string {
  const width = String(plan.length).length;
  const counter = (i: number) => `[${String(i + 1).padStart(width)}/${plan.length}]`;
  const dots = (ticks: number) => ".".repeat(Math.max(1, Math.min(10, ticks)));
  let text = "";
  plan.forEach((name, i) => {
    const e = CATALOGUE[name]!;
    text += `${counter(i)} Fetching ${name}-${e.version}: ${dots(Math.ceil(e.pkgsize / 65536))} done\n`;
  });
  text += "Checking integrity... done (0 conflicting)\n";
  plan.forEach((name, i) => {
    const e = CATALOGUE[name]!;
    text += `${counter(i)} Installing ${name}-${e.version}...\n`;
    text += `${counter(i)} Extracting ${name}-${e.version}: ${dots(e.files)} done\n`;
  });
  return text;
}
