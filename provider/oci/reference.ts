// Image references as containers/image reads them (the grammar of distribution/reference, reference.go).
// Only fully qualified names are accepted: a short name ("freebsd/freebsd-runtime") resolves through the host's
// registries.conf, so the same program could pull different images on different hosts.

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "sha256:[0-9a-f]{64}";
const REFERENCE = new RegExp(`^(${DOMAIN})/(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

export const DIGEST_PATTERN = new RegExp(`^${DIGEST}$`);

export interface ImageReference {
  /** "docker.io", "ghcr.io", "127.0.0.1:5000", "localhost" */
  domain: string;
  /** "freebsd/freebsd-runtime" */
  path: string;
  /** The tag; "latest" when neither a tag nor a digest was given, as podman assumes. */
  tag: string | undefined;
  digest: string | undefined;
}

/** Why `text` is not a fully qualified reference, or undefined when it is one. */
export function referenceProblem(text: string): string | undefined {
  const first = text.split("/")[0] ?? "";
  if (!text.includes("/") || !(first.includes(".") || first.includes(":") || first === "localhost")) {
    return `must be fully qualified, with its registry, e.g. "docker.io/freebsd/freebsd-runtime:14.3"`;
  }
  if (!REFERENCE.test(text)) {
    return `is not an image reference: use REGISTRY/PATH[:TAG][@sha256:DIGEST] with a lowercase path`;
  }
  return undefined;
}

export function parseReference(text: string): ImageReference {
  const problem = referenceProblem(text);
  if (problem !== undefined) throw new Error(`image reference "${text}" ${problem}`);
  const m = REFERENCE.exec(text)!;
  let path = m[2]!;
  // docker.io's official images live under library/, as `podman pull docker.io/alpine` resolves them.
  if (m[1] === "docker.io" && !path.includes("/")) path = `library/${path}`;
  const digest = m[4];
  return { domain: m[1]!, path, tag: m[3] ?? (digest === undefined ? "latest" : undefined), digest };
}

/** "domain/path" */
export function repositoryOf(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The name podman lists the image under: "domain/path:tag", or "domain/path@digest" without a tag. */
export function localName(ref: ImageReference): string {
  return ref.tag !== undefined ? `${repositoryOf(ref)}:${ref.tag}` : `${repositoryOf(ref)}@${ref.digest}`;
}

/** What to pull: exactly the pinned manifest when there is a digest, else the tag. */
export function pullName(ref: ImageReference, pinned: string | undefined): string {
  const digest = pinned ?? ref.digest;
  return digest !== undefined ? `${repositoryOf(ref)}@${digest}` : localName(ref);
}
