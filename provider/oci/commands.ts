// Pure builders: typed arguments to argv arrays (and to the few scripts that need a private file on the host).
// Every word of user input is quoted by shellJoin; the only other text in a script is constant.
import { quote, shellChain, shellJoin } from "../ssh/quote";

/** The ZFS user property that marks a dataset as made by one resource of one stack (DESIGN.md). */
export const OWNER_PROPERTY = "pulumi-freebsd:owner";
/** The container label with the same meaning: one marker to grep for on a host. */
export const OWNER_LABEL = OWNER_PROPERTY;

/**
 * A word made of a variable of the script (a directory from mktemp) and a constant suffix, rendered as
 * "$name"/suffix: the variable expands inside double quotes, so it is never split or globbed.
 */
export interface ShellVar {
  shellVar: string;
  suffix?: string;
}
export type Word = string | ShellVar;

const PRIVATE_FILE: ShellVar = { shellVar: "pf_file" };

/** argv with variables: strings are quoted by the one quoting function, variables expand as one word. */
export function joinWords(words: readonly Word[]): string {
  if (words.length === 0) throw new TypeError("empty command");
  return words
    .map((w) => (typeof w === "string" ? quote(w) : `"$${w.shellVar}"${w.suffix ? quote(w.suffix) : ""}`))
    .join(" ");
}

/**
 * A script that saves its standard input to a 0600 file in a fresh 0700 directory, runs `commands` (joined by
 * &&) with PRIVATE_FILE naming that file, and removes the directory whatever happened. This is how secrets
 * (registry credentials, environment values) reach a host: on stdin, never argv, and never left behind.
 */
export function withPrivateFile(fileName: string, commands: ReadonlyArray<readonly Word[]>): string {
  return [
    "umask 077",
    "pf_dir=$(mktemp -d) || exit 1",
    `pf_file="$pf_dir"/${quote(fileName)}`,
    'cat > "$pf_file" || { rm -rf "$pf_dir"; exit 1; }',
    commands.map(joinWords).join(" && "),
    "pf_rc=$?",
    'rm -rf "$pf_dir"',
    "exit $pf_rc",
  ].join("\n");
}

/** The private file, for use in a command given to withPrivateFile. */
export const privateFile = PRIVATE_FILE;

/** containers-auth.json(5) for one registry: what `podman login` would write, built without a login. */
export function authFileContent(registry: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return `${JSON.stringify({ auths: { [registry]: { auth } } })}\n`;
}

// ---- images ----

export function imagesJson(): string[] {
  return ["podman", "images", "--format", "json"];
}

export function imageInspect(names: readonly string[]): string[] {
  return ["podman", "image", "inspect", ...names];
}

export interface PullOptions {
  platform?: string;
  /** Read credentials from the private file. */
  withAuth?: boolean;
}

export function podmanPull(name: string, opts: PullOptions = {}): Word[] {
  const argv: Word[] = ["podman", "pull"];
  if (opts.withAuth) argv.push("--authfile", PRIVATE_FILE);
  if (opts.platform !== undefined) argv.push("--platform", opts.platform);
  argv.push(name);
  return argv;
}

/**
 * The manifest a registry serves for `name` now, as raw bytes: their SHA-256 is the digest the tag points to
 * (what refresh compares with the local image). Raw, because for a multi-platform index a plain inspect must
 * pick an instance, and fails where none matches this machine's platform.
 */
export function skopeoInspect(name: string, opts: { withAuth?: boolean } = {}): Word[] {
  const argv: Word[] = ["skopeo", "inspect", "--raw", "--no-tags"];
  if (opts.withAuth) argv.push("--authfile", PRIVATE_FILE);
  argv.push(`docker://${name}`);
  return argv;
}

export function podmanTag(image: string, name: string): string[] {
  return ["podman", "tag", image, name];
}

export function podmanLoad(archive: string): string[] {
  return ["podman", "load", "--input", archive];
}

export function sha256Quiet(file: string): string[] {
  return ["sha256", "-q", file];
}

/** Removes a name, or an image by id; never --force, which would untag images that containers use. */
export function podmanRmi(nameOrId: string): string[] {
  return ["podman", "rmi", nameOrId];
}

// ---- containers ----

export function psJson(): string[] {
  return ["podman", "ps", "--all", "--format", "json"];
}

export function containerInspect(name: string): string[] {
  return ["podman", "container", "inspect", name];
}

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: "tcp" | "udp";
  hostIp?: string;
}

export interface VolumeMount {
  /** The directory on the host (a dataset's mountpoint already resolved). */
  hostPath: string;
  target: string;
  readOnly: boolean;
}

export type RestartPolicy = "no" | "always" | "on-failure" | "unless-stopped";

export interface RunSpec {
  name: string;
  image: string;
  owner: string;
  command?: string[];
  /** Whether environment variables come from the private file (podman run --env-file). */
  withEnvFile: boolean;
  ports: PortMapping[];
  volumes: VolumeMount[];
  restart: RestartPolicy;
  annotations: Record<string, string>;
  network?: string;
}

/** `podman run -d`; with withEnvFile, inside withPrivateFile so values never appear in argv. */
export function podmanRun(spec: RunSpec): Word[] {
  const argv: Word[] = ["podman", "run", "--detach", "--name", spec.name, "--label", `${OWNER_LABEL}=${spec.owner}`];
  if (spec.withEnvFile) argv.push("--env-file", PRIVATE_FILE);
  for (const p of spec.ports) {
    const host = p.hostIp !== undefined ? `${p.hostIp.includes(":") ? `[${p.hostIp}]` : p.hostIp}:` : "";
    argv.push("--publish", `${host}${p.hostPort}:${p.containerPort}/${p.protocol}`);
  }
  for (const v of spec.volumes) argv.push("--volume", `${v.hostPath}:${v.target}${v.readOnly ? ":ro" : ""}`);
  argv.push("--restart", spec.restart);
  for (const key of Object.keys(spec.annotations).sort()) {
    argv.push("--annotation", `${key}=${spec.annotations[key]}`);
  }
  if (spec.network !== undefined) argv.push("--network", spec.network);
  argv.push(spec.image, ...(spec.command ?? []));
  return argv;
}

/** podman's env-file format (containers/common pkg/env ParseFile): KEY=VALUE per line, taken literally. */
export function envFileContent(env: Record<string, string>): string {
  return Object.keys(env)
    .sort()
    .map((k) => `${k}=${env[k]}\n`)
    .join("");
}

export function podmanStart(name: string): string[] {
  return ["podman", "start", name];
}

/** Stops (10 s grace, then SIGKILL) and removes. */
export function podmanRm(name: string): string[] {
  return ["podman", "rm", "--force", "--time", "10", name];
}

// ---- root filesystems in ZFS ----

export function zfsListTemplate(dataset: string): string[] {
  return [
    "zfs", "list", "-H", "-p", "-o", `name,mountpoint,${OWNER_PROPERTY}`,
    "-t", "filesystem,snapshot", "-d", "1", dataset,
  ]; // prettier-ignore
}

/** Creates the parents if missing (`-p` is silent for those that exist), then the dataset with its owner. */
export function zfsCreateOwned(dataset: string, owner: string): string {
  const parent = dataset.slice(0, dataset.lastIndexOf("/"));
  const create = shellJoin(["zfs", "create", "-o", `${OWNER_PROPERTY}=${owner}`, dataset]);
  return parent.includes("/") ? shellChain([["zfs", "create", "-p", parent], create]) : create;
}

export function zfsSetOwner(dataset: string, owner: string): string[] {
  return ["zfs", "set", `${OWNER_PROPERTY}=${owner}`, dataset];
}

export function zfsSnapshot(snapshot: string): string[] {
  return ["zfs", "snapshot", snapshot];
}

export function zfsDestroy(target: string, recursive = false): string[] {
  return recursive ? ["zfs", "destroy", "-r", target] : ["zfs", "destroy", target];
}

/**
 * Copies an image's root filesystem into `directory`: `podman create` (nothing runs), `podman export` to a
 * file, `tar -x -p` (ownership, modes and file flags kept, as a jail needs), then the container and the file
 * go. A file rather than a pipe: /bin/sh has no pipefail everywhere, and a failed export must fail the script.
 */
export function materialiseRootfs(image: string, directory: string, workName: string, owner: string): string {
  const tarball: ShellVar = { shellVar: "pf_dir", suffix: "/rootfs.tar" };
  return [
    "pf_dir=$(mktemp -d) || exit 1",
    `${shellJoin(["podman", "rm", "--force", workName])} >/dev/null 2>&1`,
    // The command is never run; podman create wants one when the image (like freebsd-static) has none.
    `${shellJoin(["podman", "create", "--name", workName, "--label", `${OWNER_LABEL}=${owner}`, image, "/usr/bin/true"])} >/dev/null` +
      ` && ${joinWords(["podman", "export", "--output", tarball, workName])}` +
      ` && ${joinWords(["tar", "-x", "-p", "-f", tarball, "-C", directory])}`,
    "pf_rc=$?",
    `${shellJoin(["podman", "rm", "--force", workName])} >/dev/null 2>&1`,
    'rm -rf "$pf_dir"',
    "exit $pf_rc",
  ].join("\n");
}
