// Pure builders: typed arguments to argv arrays and /bin/sh scripts. Every word a user gave goes through the
// transport's quote()/shellJoin(); the scripts' own text is fixed.
import { quote, shellChain, shellJoin } from "../ssh/quote";
import type { RctlRule } from "./output";
import { confPath } from "./render";

/** The ZFS user property that marks a dataset this library made (DESIGN.md, "Ownership markers"). */
export const OWNER_PROPERTY = "pulumi-freebsd:owner";

/** Commands joined so that the first failure stops the rest and gives the script its exit status. */
export const chain = shellChain;

/**
 * Writes standard input to `file` atomically: a temporary file in the same directory, then a rename, so
 * jail(8) and rc.d/jail never read half a config. Mode 0644 root:wheel, as rc.d/jail writes its own.
 */
export function writeFileScript(file: string): string {
  const dir = file.slice(0, file.lastIndexOf("/")) || "/";
  const tmp = `${dir}/.${file.slice(dir.length + 1)}.pulumi-tmp`;
  return chain([["mkdir", "-p", dir], `umask 022 && cat > ${quote(tmp)}`, ["mv", "-f", tmp, file]]);
}

/** rc.d/jail: start and stop whatever jail_enable says (onestart, onestop). */
export function serviceJail(action: "start" | "stop", name: string): string[] {
  return ["service", "jail", `one${action}`, name];
}

/**
 * Starts a jail and proves it runs: rc.d/jail exits 0 even when jail(8) failed, so jls decides, and the
 * script's own output (jail(8)'s message) becomes the error.
 */
export function startJailScript(name: string): string {
  const q = quote(name);
  return (
    `out=$(${shellJoin(serviceJail("start", name))} 2>&1); ` +
    `if jls -j ${q} jid >/dev/null 2>&1; then printf '%s\\n' "$out"; else printf '%s\\n' "$out" >&2; exit 1; fi`
  );
}

/** Stops a jail and proves it is gone. */
export function stopJailScript(name: string): string {
  const q = quote(name);
  return (
    `out=$(${shellJoin(serviceJail("stop", name))} 2>&1); ` +
    `if jls -j ${q} jid >/dev/null 2>&1; then printf '%s\\n' "$out" >&2; exit 1; else printf '%s\\n' "$out"; fi`
  );
}

/** jail -m with parameters on the command line: the kernel parameters that change on a running jail. */
export function jailModify(name: string, params: Record<string, string>): string[] {
  return ["jail", "-m", `name=${name}`, ...Object.entries(params).map(([k, v]) => `${k}=${v}`)];
}

export function rctlAdd(rules: string[]): string[] {
  return ["rctl", "-a", ...rules];
}

export function rctlRemove(filters: string[]): string[] {
  return ["rctl", "-r", ...filters];
}

/** The rctl rules of a jail's limits: deny past the amount. */
export function limitRules(name: string, limits: Record<string, string>): RctlRule[] {
  return Object.keys(limits)
    .sort()
    .map((resource) => ({ subject: "jail", id: name, resource, action: "deny", amount: limits[resource]! }));
}

/**
 * jail_list holds our jail and jail_enable is on, or our name leaves jail_list (others stay). sysrc(8) takes a
 * `+=`/`-=` value's first character as the list delimiter when it is not a letter, digit, `.` or `/`, so the
 * value starts with the blank that separates jail_list's words: a name beginning with `_` stays a name.
 */
export function bootCommands(name: string, atBoot: boolean): string[][] {
  return atBoot
    ? [
        ["sysrc", "jail_enable=YES"],
        ["sysrc", `jail_list+= ${name}`],
      ]
    : [["sysrc", `jail_list-= ${name}`]];
}

export function zfsClone(snapshot: string, dataset: string, owner: string): string[] {
  return ["zfs", "clone", "-p", "-o", `${OWNER_PROPERTY}=${owner}`, snapshot, dataset];
}

/** Each dataset's mountpoint and owner marker, one line a property: NAME\tPROPERTY\tVALUE\tSOURCE. */
export function zfsGetJailProps(datasets: string[]): string[] {
  return ["zfs", "get", "-H", "-p", "-o", "name,property,value,source", `mountpoint,${OWNER_PROPERTY}`, ...datasets];
}

export function zfsDestroy(dataset: string): string[] {
  return ["zfs", "destroy", dataset];
}

/** `mkdir -p` of the mount points inside the jail: mount(8) needs them, and jail(8) does not make them. */
export function mkdirs(dirs: string[]): string[] | undefined {
  return dirs.length === 0 ? undefined : ["mkdir", "-p", ...dirs];
}

export const removeConf = (name: string): string[] => ["rm", "-f", confPath(name)];

/**
 * One round trip that reads every jail of a host the engine asked about: one jls for all of them, every rctl
 * rule, the boot settings, and each jail's config file between markers that carry `nonce` (so no file's text
 * can be mistaken for a marker). Exit status 0 whatever rctl says: its message is read as text.
 */
export function inventoryScript(names: string[], nonce: string): string {
  const mark = (what: string) => `printf '%s\\n' ${quote(`@@${nonce} ${what}`)}`;
  const parts = [
    "jls -v --libxo json",
    mark("rctl"),
    "rctl 2>&1",
    mark("sysrc"),
    "sysrc -n jail_enable jail_list 2>&1",
  ];
  for (const name of names) {
    const file = quote(confPath(name));
    parts.push(
      mark(`conf ${name}`),
      `if [ -r ${file} ]; then cat ${file}; printf '\\n'; ${mark("end")}; else ${mark("none")}; fi`,
      `if [ -e ${quote(`/etc/jail.${name}.conf`)} ]; then ${mark(`shadowed ${name}`)}; fi`,
    );
  }
  parts.push(mark("done"));
  return parts.join("; ");
}
