// /etc/jail.conf.d/NAME.conf from a JailSpec: a pure function, pinned by golden files (test/fixtures/jail).
//
// Quoting follows the lexer of jail(8), usr.sbin/jail/jaillex.l in freebsd-src: inside double quotes every
// byte but `"` and `\` is literal, except that an unescaped `$` starts a variable ($name, ${name}); text2lval()
// turns `\` + any character into that character and knows the C escapes \n \t \r \a \b \f \v and octal \NNN.
// So `"`, `\` and `$` are escaped, and control characters become C or 3-digit octal escapes, which makes every
// string read back as exactly itself (test/unit/jail/render.test.ts proves it with the parser in parse.ts).
import { quote } from "../ssh/quote";
import { type ConfValue, type JailSpec, type Networking, rootPath, type RootFs, unreachable } from "./spec";

const C_ESCAPES: Record<string, string> = {
  "\n": "\\n",
  "\t": "\\t",
  "\r": "\\r",
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\v": "\\v",
};

/** One jail.conf(5) string, double-quoted. A NUL byte cannot be represented (jail(8) keeps C strings). */
export function confString(value: string): string {
  if (value.includes("\0")) throw new TypeError(`jail.conf strings cannot hold a NUL byte: ${JSON.stringify(value)}`);
  let out = '"';
  for (const ch of value) {
    if (ch === '"' || ch === "\\" || ch === "$") out += `\\${ch}`;
    else if (C_ESCAPES[ch] !== undefined) out += C_ESCAPES[ch];
    else if (ch < " " || ch === "\x7f") out += `\\${ch.charCodeAt(0).toString(8).padStart(3, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Characters of an unquoted token (jaillex.l, "Atomic (unquoted) strings"). */
const ATOM = /^[A-Za-z0-9_!%&()\-.:<>?@[\]^`|~]+$/;

/** A jail or parameter name: bare when the lexer reads it as one token, quoted otherwise. */
export function confName(name: string): string {
  return ATOM.test(name) ? name : confString(name);
}

/** The negated form of a boolean parameter: `persist` → `nopersist`, `allow.mount` → `allow.nomount`. */
export function negated(name: string): string {
  const dot = name.lastIndexOf(".");
  return `${name.slice(0, dot + 1)}no${name.slice(dot + 1)}`;
}

const HEADER = /^# Managed by pulumi-freebsd for ("(?:[^"\\]|\\.)*"): /;

/** The file's first line names the owner (DESIGN.md, "Ownership markers"); JSON keeps it on one line. */
export function ownerHeader(owner: string): string {
  return `# Managed by pulumi-freebsd for ${JSON.stringify(owner)}: pulumi up rewrites this file.`;
}

/** The owner named by a file's header line, or undefined when the file is not ours. */
export function ownerOf(text: string): string | undefined {
  const m = HEADER.exec(text);
  if (m === null) return undefined;
  try {
    return JSON.parse(m[1]!) as string;
  } catch {
    return undefined;
  }
}

/** A comment that tells an operator where the root directory comes from. */
function rootComment(rootfs: RootFs): string {
  switch (rootfs.kind) {
    case "clone":
      return `# Root: ${rootfs.dataset}, a clone of ${rootfs.snapshot} made for this jail.`;
    case "dataset":
      return `# Root: the dataset ${rootfs.dataset}.`;
    case "path":
      return `# Root: the directory ${rootfs.path}.`;
    default:
      return unreachable(rootfs);
  }
}

export interface ConfParam {
  name: string;
  value: ConfValue;
}

/** Network parameters and the commands that plumb a vnet epair, by jail.conf name. */
function networkParams(net: Networking): { params: ConfParam[]; exec: Partial<Record<ExecName, string[]>> } {
  switch (net.kind) {
    case "inherit":
      return {
        params: [
          { name: "ip4", value: ["inherit"] },
          { name: "ip6", value: ["inherit"] },
        ],
        exec: {},
      };
    case "ip": {
      // With `interface`, jail(8) adds each address to it as an alias at start and removes it at stop.
      const params: ConfParam[] = [];
      if (net.interface !== undefined) params.push({ name: "interface", value: [net.interface] });
      params.push(net.ip4.length > 0 ? { name: "ip4.addr", value: net.ip4 } : { name: "ip4", value: ["disable"] });
      params.push(net.ip6.length > 0 ? { name: "ip6.addr", value: net.ip6 } : { name: "ip6", value: ["disable"] });
      return { params, exec: {} };
    }
    case "vnet":
      return {
        params: [
          { name: "vnet", value: true },
          { name: "vnet.interface", value: [`${net.epair}b`] },
        ],
        exec: vnetCommands(net),
      };
    default:
      return unreachable(net);
  }
}

/**
 * The handbook's VNET recipe (network.md) with an epair named after the jail: created and put on the bridge
 * before the jail exists, addressed inside it, destroyed after it is gone (destroying the a side takes the b
 * side, back on the host by then, and the bridge membership with it). Commands use bare names: jail(8) runs
 * them with rc's PATH, or the login class's with exec.clean.
 */
export function vnetCommands(net: Extract<Networking, { kind: "vnet" }>): Partial<Record<ExecName, string[]>> {
  const a = quote(`${net.epair}a`);
  const b = quote(`${net.epair}b`);
  const create = [
    `ifconfig ${a} >/dev/null 2>&1 || { ep=$(ifconfig epair create) && ifconfig "$ep" name ${a} >/dev/null && ifconfig "\${ep%a}b" name ${b} >/dev/null; }`,
  ];
  if (net.mac !== undefined) create.push(`ifconfig ${b} ether ${quote(net.mac)}`);
  create.push(`ifconfig ${a} up`, `ifconfig ${quote(net.bridge)} addm ${a}`);
  const start = [net.address === undefined ? `ifconfig ${b} up` : `ifconfig ${b} inet ${quote(net.address)} up`];
  if (net.gateway !== undefined) start.push(`route add default ${quote(net.gateway)}`);
  return {
    prestart: [create.join(" && ")],
    start,
    poststop: [`ifconfig ${a} destroy 2>/dev/null || true`],
  };
}

export type ExecName = "prestart" | "created" | "start" | "poststart" | "prestop" | "stop" | "poststop";
const EXEC_ORDER: ExecName[] = ["prestart", "created", "start", "poststart", "prestop", "stop", "poststop"];

/** Parameters shown first, in this order; the rest follow sorted by name, then the exec.* commands. */
const LEADING = ["persist", "mount.devfs", "devfs_ruleset", "mount.fdescfs", "mount.procfs", "enforce_statfs"];

/** Every parameter of the jail, in the order the file lists them. */
export function jailParams(spec: JailSpec): ConfParam[] {
  const net = networkParams(spec.networking);
  const root = rootPath(spec.rootfs);
  const out: ConfParam[] = [
    { name: "path", value: [root] },
    { name: "host.hostname", value: [spec.hostname] },
    ...net.params,
  ];
  const rest = Object.keys(spec.params).sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : x > y ? 1 : 0));
  for (const name of rest) out.push({ name, value: spec.params[name]! });
  // fstab(5) lines; jail(8) mounts them in order at start and unmounts them in reverse at stop.
  const mounts = spec.mounts.map((m) => {
    const source = m.source.kind === "dataset" ? m.source.mountpoint : m.source.path;
    return `${source} ${joinPath(root, m.target)} nullfs ${m.readOnly ? "ro" : "rw"} 0 0`;
  });
  if (mounts.length > 0) out.push({ name: "mount", value: mounts });
  for (const step of EXEC_ORDER) {
    // The network is up before the user's start commands run, and torn down after their poststop.
    const commands =
      step === "poststop"
        ? [...spec.exec[step], ...(net.exec[step] ?? [])]
        : [...(net.exec[step] ?? []), ...spec.exec[step]];
    if (commands.length > 0) out.push({ name: `exec.${step}`, value: commands });
  }
  return out;
}

function rank(name: string): number {
  const i = LEADING.indexOf(name);
  return i < 0 ? LEADING.length : i;
}

/** `root` + an absolute path inside the jail, without a doubled slash. */
export function joinPath(root: string, inside: string): string {
  return `${root.replace(/\/+$/, "")}/${inside.replace(/^\/+/, "")}`;
}

function paramLines(p: ConfParam): string[] {
  if (typeof p.value === "boolean") return [`\t${p.value ? p.name : negated(p.name)};`];
  // A list starts with `=` and goes on with `+=`, one value a line, which reads well in a diff.
  return p.value.map((v, i) => `\t${p.name} ${i === 0 ? "=" : "+="} ${confString(v)};`);
}

/** The whole file. */
export function renderJailConf(spec: JailSpec): string {
  const lines = [ownerHeader(spec.owner), rootComment(spec.rootfs), `${confName(spec.name)} {`];
  for (const p of jailParams(spec)) lines.push(...paramLines(p));
  lines.push("}", "");
  return lines.join("\n");
}

/** Where rc.d/jail looks for a jail's own file, second after /etc/jail.NAME.conf (libexec/rc/rc.d/jail). */
export function confPath(name: string): string {
  return `/etc/jail.conf.d/${name}.conf`;
}
