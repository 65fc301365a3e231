// Pure parsers for what podman 4, skopeo 1 and zfs print. The JSON shapes are podman's own
// (cmd/podman/images/list.go imageReporter, pkg/domain/entities ListContainer, libpod/define InspectImageData
// and InspectContainerData); the text shapes are quoted in each function.

/** A line or document a parser could not read; the message quotes it. */
import { createHash } from "node:crypto";

export class OciParseError extends Error {
  constructor(what: string, text: string) {
    const shown = text.length > 300 ? `${text.slice(0, 300)}…` : text;
    super(`cannot read ${what}: ${JSON.stringify(shown)}`);
    this.name = "OciParseError";
  }
}

const HEX64 = /^[0-9a-f]{64}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

function jsonArray(what: string, text: string): Array<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text.trim() === "" ? "[]" : text);
  } catch {
    throw new OciParseError(what, text);
  }
  if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== "object")) {
    throw new OciParseError(what, text);
  }
  return value as Array<Record<string, unknown>>;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function labels(v: unknown): Record<string, string> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === "string") out[k] = val;
  return out;
}

/** Unix seconds as RFC 3339; podman reports "never" as 0 or as Go's zero time (-62135596800). */
function unixTime(v: unknown): string {
  return typeof v === "number" && v > 0 ? new Date(v * 1000).toISOString().replace(".000Z", "Z") : "";
}

/**
 * An RFC 3339 time from Go (nanoseconds, any offset) as UTC to the second, the precision of podman's unix
 * times, so the same instant read by inspect and by ps compares equal. Go's zero time (0001-01-01) is never.
 */
function goTime(v: unknown): string {
  const s = str(v);
  if (s === "" || s.startsWith("0001-01-01")) return "";
  const t = Date.parse(s.replace(/\.\d+/, ""));
  return Number.isNaN(t) ? s : new Date(t).toISOString().replace(".000Z", "Z");
}

export interface ImageSummary {
  id: string;
  /** Every name the image carries, fully qualified ("docker.io/freebsd/freebsd-runtime:14.3"). */
  names: string[];
  digest: string;
  repoDigests: string[];
  size: number;
  created: string;
  labels: Record<string, string>;
  /** How many containers use the image. */
  containers: number;
}

/**
 * `podman images --format json`: one entry per image; `RepoTags` may be null, `Names` holds the names, and podman
 * 4.3 repeats an image once per name, so entries are merged by `Id`.
 */
export function parseImagesJson(text: string): ImageSummary[] {
  const byId = new Map<string, ImageSummary>();
  for (const e of jsonArray("podman images --format json", text)) {
    const id = str(e.Id);
    if (!HEX64.test(id)) throw new OciParseError("an image id in podman images", JSON.stringify(e));
    const seen = byId.get(id);
    const names = [...strings(e.Names), ...strings(e.RepoTags)];
    if (seen) {
      for (const n of names) if (!seen.names.includes(n)) seen.names.push(n);
      continue;
    }
    byId.set(id, {
      id,
      names: [...new Set(names)],
      digest: str(e.Digest),
      repoDigests: strings(e.RepoDigests),
      size: typeof e.Size === "number" ? e.Size : 0,
      created: typeof e.Created === "number" ? unixTime(e.Created) : str(e.CreatedAt),
      labels: labels(e.Labels),
      containers: typeof e.Containers === "number" ? e.Containers : 0,
    });
  }
  return [...byId.values()];
}

export interface ImageDetails {
  id: string;
  digest: string;
  repoTags: string[];
  repoDigests: string[];
  created: string;
  os: string;
  architecture: string;
  size: number;
  labels: Record<string, string>;
}

/** `podman image inspect REF…`: a JSON array; images not found are left out (and reported on stderr). */
export function parseImageInspect(text: string): ImageDetails[] {
  return jsonArray("podman image inspect", text).map((e) => {
    const id = str(e.Id);
    if (!HEX64.test(id)) throw new OciParseError("an image id in podman image inspect", JSON.stringify(e));
    return {
      id,
      digest: str(e.Digest),
      repoTags: strings(e.RepoTags),
      repoDigests: strings(e.RepoDigests),
      created: goTime(e.Created),
      os: str(e.Os),
      architecture: str(e.Architecture),
      size: typeof e.Size === "number" ? e.Size : 0,
      labels: labels(e.Labels),
    };
  });
}

export interface ContainerSummary {
  id: string;
  name: string;
  /** The image as the container was created from it (a name, or an id). */
  image: string;
  imageId: string;
  /** configured, created, running, paused, exited, stopped, removing… (libpod/define ContainerStatus) */
  state: string;
  startedAt: string;
  labels: Record<string, string>;
}

/** `podman ps --all --format json`: a JSON array (`[]` when there are none). */
export function parsePsJson(text: string): ContainerSummary[] {
  return jsonArray("podman ps --format json", text).map((e) => {
    const id = str(e.Id);
    if (!HEX64.test(id)) throw new OciParseError("a container id in podman ps", JSON.stringify(e));
    return {
      id,
      name: strings(e.Names)[0] ?? "",
      image: str(e.Image),
      imageId: str(e.ImageID),
      state: str(e.State),
      startedAt: unixTime(e.StartedAt),
      labels: labels(e.Labels),
    };
  });
}

/** `podman container inspect NAME`: the fields a Container keeps. */
export function parseContainerInspect(text: string): ContainerSummary[] {
  return jsonArray("podman container inspect", text).map((e) => {
    const id = str(e.Id);
    const state = (e.State ?? {}) as Record<string, unknown>;
    const config = (e.Config ?? {}) as Record<string, unknown>;
    if (!HEX64.test(id)) throw new OciParseError("a container id in podman container inspect", JSON.stringify(e));
    return {
      id,
      name: str(e.Name),
      image: str(e.ImageName),
      imageId: str(e.Image),
      state: str(state.Status),
      startedAt: goTime(state.StartedAt),
      labels: labels(config.Labels),
    };
  });
}

/** `podman pull` prints progress on stderr and the image id, 64 hex digits, as the last line of stdout. */
export function parsePullOutput(stdout: string): string {
  const last = stdout.trim().split("\n").pop()?.trim() ?? "";
  if (!HEX64.test(last)) throw new OciParseError("the image id printed by podman pull", stdout);
  return last;
}

/**
 * `podman load` ends with "Loaded image: NAME", or "Loaded image(s): A,B" when an archive holds several
 * (cmd/podman/images/load.go). An archive without a name loads as its id ("sha256:…").
 */
export function parseLoadOutput(stdout: string): string[] {
  const m = /^Loaded image(?:\(s\))?: (.+)$/m.exec(stdout);
  if (!m) throw new OciParseError("the output of podman load", stdout);
  return m[1]!
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
}

/** `sha256 -q FILE` (FreeBSD's md5(1) family): the digest alone, 64 hex digits. */
export function parseSha256Quiet(stdout: string): string {
  const hex = stdout.trim().toLowerCase();
  if (!HEX64.test(hex)) throw new OciParseError("the output of sha256 -q", stdout);
  return hex;
}

/**
 * `skopeo inspect --raw docker://REF` prints the manifest (or index) exactly as the registry serves it, without
 * a newline; its digest is the SHA-256 of those bytes (OCI image-spec descriptor.md, "Digests").
 */
export function parseSkopeoRawDigest(stdout: string): string {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw new OciParseError("the manifest printed by skopeo inspect --raw", stdout);
  }
  if (value === null || typeof value !== "object" || (value as Record<string, unknown>).schemaVersion !== 2) {
    throw new OciParseError("the manifest printed by skopeo inspect --raw", stdout);
  }
  return `sha256:${createHash("sha256").update(stdout, "utf8").digest("hex")}`;
}

/** The digests ("sha256:…") named by RepoDigests entries ("name@sha256:…"). */
export function digestsOf(repoDigests: readonly string[]): string[] {
  return repoDigests.map((r) => r.slice(r.lastIndexOf("@") + 1)).filter((d) => DIGEST.test(d));
}

export interface ZfsListRow {
  name: string;
  mountpoint: string;
  /** The owner user property, or undefined where it prints "-" (unset). */
  owner: string | undefined;
}

/** `zfs list -H -p -o name,mountpoint,PROP`: one TAB-separated line per dataset, "-" for unset values. */
export function parseZfsList(text: string): ZfsListRow[] {
  const rows: ZfsListRow[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const fields = line.split("\t");
    if (fields.length !== 3) throw new OciParseError("a line of zfs list -H", line);
    const [name, mountpoint, owner] = fields as [string, string, string];
    rows.push({ name, mountpoint, owner: owner === "-" ? undefined : owner });
  }
  return rows;
}

/** What went wrong in a failed podman or skopeo command, judged from its stderr. */
export type PodmanFailure = "unauthorized" | "not-found" | "image-in-use" | "name-in-use" | "no-such-object" | "other";

export function classifyPodmanError(stderr: string): PodmanFailure {
  if (/unauthorized|authentication required|invalid username\/password|401 Unauthorized/i.test(stderr)) {
    return "unauthorized";
  }
  if (/manifest unknown|name unknown|not found: manifest|reading manifest .*: not found/i.test(stderr)) {
    return "not-found";
  }
  if (/image is in use by a container|image used by/i.test(stderr)) return "image-in-use";
  if (/name ".*" is in use|already in use/i.test(stderr)) return "name-in-use";
  if (/no such container|no such image|image not known|no container with name or ID/i.test(stderr)) {
    return "no-such-object";
  }
  return "other";
}
