// oci:Image — an OCI image in a host's podman storage, pulled from a registry or loaded from a FreeBSD OCI
// archive (.txz) whose SHA-256 is checked first. Id: "host[:port]/NAME" (NAME as podman lists it).
//
// Images carry no ownership marker podman could keep, so the resource remembers whether the image was already
// there (`preexisting`): delete only removes what this resource brought, never an image a container uses.
import * as path from "node:path";
import { z } from "zod";
import { checkWith } from "../check";
import type { DiffResult, ResourceKind } from "../resource";
import { connectionSchema } from "../ssh/connection";
import { RemoteCommandError } from "../ssh/errors";
import { hostFor, type Host } from "../ssh/host";
import {
  authFileContent,
  imageInspect,
  joinWords,
  podmanLoad,
  podmanPull,
  podmanRmi,
  podmanTag,
  sha256Quiet,
  skopeoInspect,
  withPrivateFile,
  type Word,
} from "./commands";
import { findImage, hostKey, listContainers, listImages } from "./inventory";
import {
  classifyPodmanError,
  digestsOf,
  parseImageInspect,
  parseLoadOutput,
  parsePullOutput,
  parseSha256Quiet,
  parseSkopeoRawDigest,
  type ImageDetails,
  type ImageSummary,
} from "./parse";
import { DIGEST_PATTERN, localName, parseReference, pullName, referenceProblem } from "./reference";

const inputsSchema = z
  .object({
    connection: connectionSchema,
    owner: z.string(),
    reference: z
      .string()
      .superRefine((v, ctx) => {
        const problem = referenceProblem(v);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    archive: z
      .object({
        path: z.string().refine((p) => path.posix.isAbsolute(p), { message: "must be an absolute path on the host" }),
        sha256: z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/, {
            message: "must be the archive's SHA-256, 64 hex digits (as FreeBSD's CHECKSUM.SHA256 lists it)",
          })
          .transform((s) => s.toLowerCase()),
      })
      .optional(),
    digest: z
      .string()
      .regex(DIGEST_PATTERN, { message: 'must be "sha256:" followed by 64 lowercase hex digits' })
      .optional(),
    platform: z
      .string()
      .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, { message: 'must be OS/ARCH[/VARIANT], e.g. "freebsd/amd64"' })
      .optional(),
    credentials: z.object({ username: z.string().min(1), password: z.string().min(1) }).optional(),
    retain: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if ((v.reference === undefined) === (v.archive === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["reference"],
        message: "Exactly one of [reference] and [archive] must be set",
      });
    }
    if (v.archive !== undefined && (v.digest !== undefined || v.credentials !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["archive"],
        message: "[digest] and [credentials] apply to a registry [reference], not to an [archive]",
      });
    }
    const inRef = v.reference?.includes("@") ? v.reference.slice(v.reference.lastIndexOf("@") + 1) : undefined;
    if (inRef !== undefined && v.digest !== undefined && inRef !== v.digest) {
      ctx.addIssue({
        code: "custom",
        path: ["digest"],
        message: "differs from the digest in [reference]; set only one",
      });
    }
  });

export type ImageInputs = z.output<typeof inputsSchema>;

export interface ImageOutputs extends Omit<ImageInputs, "digest"> {
  schemaVersion: number;
  /** The digest the user pinned ([digest] or in [reference]); "" when the tag is followed. */
  pinnedDigest: string;
  /** The name podman lists the image under. */
  imageName: string;
  /** 64 hex digits: the image's config digest, as `podman images` shows it. */
  imageId: string;
  /** The manifest digest of the image on the host. */
  digest: string;
  /** What the registry's tag pointed to at the last pull or refresh; "" when not followed (pinned, archive). */
  registryDigest: string;
  repoDigests: string[];
  size: number;
  created: string;
  os: string;
  architecture: string;
  labels: Record<string, string>;
  /** The image was on the host before this resource: delete leaves it. */
  preexisting: boolean;
}

type Credentials = ImageInputs["credentials"];

function secretsOf(c: Credentials): string[] {
  return c === undefined ? [] : [c.password, Buffer.from(`${c.username}:${c.password}`).toString("base64")];
}

/**
 * Runs a registry command; with credentials, they reach the host on stdin as a 0600 auth file that the command
 * reads (--authfile) and the script removes. Pulls and inspections are idempotent, so retrying is safe.
 */
function registryCommand(host: Host, registry: string, c: Credentials, build: (withAuth: boolean) => Word[]) {
  if (c === undefined) return host.script(joinWords(build(false)), { retry: "safe" });
  return host.script(withPrivateFile("auth.json", [build(true)]), {
    stdin: authFileContent(registry, c.username, c.password),
    secrets: secretsOf(c),
    retry: "safe",
  });
}

/** A pull's failure, said the way a person fixes it. */
function pullError(err: unknown, inputs: ImageInputs, host: Host): Error {
  if (!(err instanceof RemoteCommandError) || err.transport) return err as Error;
  const ref = parseReference(inputs.reference!);
  switch (classifyPodmanError(err.stderr)) {
    case "unauthorized":
      return new Error(
        inputs.credentials
          ? `Registry ${ref.domain} refused the credentials in [credentials] (user "${inputs.credentials.username}"): ` +
            `check the username and password. Nothing was pulled on ${host.name}.\n${err.message}`
          : `Registry ${ref.domain} wants a login for ${inputs.reference}: set [credentials]. Nothing was pulled.\n${err.message}`,
      );
    case "not-found":
      return new Error(
        `Registry ${ref.domain} has no image ${inputs.reference}${inputs.digest ? ` at ${inputs.digest}` : ""}.\n${err.message}`,
      );
    default:
      return err;
  }
}

async function inspectOne(host: Host, name: string): Promise<ImageDetails> {
  const result = await host.exec(imageInspect([name]), { retry: "safe" });
  const [details] = parseImageInspect(result.stdout);
  if (details === undefined) throw new Error(`podman image inspect ${name} on ${host.name} printed no image`);
  return details;
}

function outputsFrom(inputs: ImageInputs, imageName: string, d: ImageDetails, preexisting: boolean): ImageOutputs {
  const { digest: pin, ...rest } = inputs;
  const inRef = inputs.reference === undefined ? undefined : parseReference(inputs.reference).digest;
  return {
    ...rest,
    schemaVersion: imageKind.schemaVersion,
    pinnedDigest: pin ?? inRef ?? "",
    imageName,
    imageId: d.id,
    digest: d.digest,
    // Just pulled by tag: the tag points at what is here, so a refresh that finds it there reports no change.
    registryDigest: pin === undefined && inRef === undefined && inputs.reference !== undefined ? d.digest : "",
    repoDigests: d.repoDigests,
    size: d.size,
    created: d.created,
    os: d.os,
    architecture: d.architecture,
    labels: d.labels,
    preexisting,
  };
}

/** Pulls (or loads) the image the inputs describe; returns its outputs. */
async function ensure(inputs: ImageInputs): Promise<ImageOutputs> {
  const host = hostFor(inputs.connection);
  const before = await listImages(host);
  if (inputs.archive !== undefined) return load(host, inputs, before);

  const ref = parseReference(inputs.reference!);
  const name = localName(ref);
  const pinned = inputs.digest ?? ref.digest;
  let id: string;
  try {
    const pulled = await registryCommand(host, ref.domain, inputs.credentials, (withAuth) =>
      podmanPull(pullName(ref, pinned), { platform: inputs.platform, withAuth }),
    );
    id = parsePullOutput(pulled.stdout);
  } catch (err) {
    throw pullError(err, inputs, host);
  }
  // A digest pull leaves the image without the tag; the tag then names exactly the pinned image on this host.
  if (pinned !== undefined && ref.tag !== undefined) await host.exec(podmanTag(id, name));
  const details = await inspectOne(host, name);
  return outputsFrom(inputs, name, details, findImage(before, name)?.id === details.id);
}

async function load(host: Host, inputs: ImageInputs, before: ImageSummary[]): Promise<ImageOutputs> {
  const archive = inputs.archive!;
  const sum = await host.exec(sha256Quiet(archive.path), { retry: "safe" });
  const actual = parseSha256Quiet(sum.stdout);
  if (actual !== archive.sha256) {
    throw new Error(
      `The archive ${archive.path} on ${host.name} has SHA-256 ${actual}, not ${archive.sha256} as [archive.sha256] ` +
        `says: refusing to load it. Download it again, or correct the checksum (FreeBSD lists them in CHECKSUM.SHA256).`,
    );
  }
  const loaded = await host.exec(podmanLoad(archive.path));
  const names = parseLoadOutput(loaded.stdout);
  if (names.length !== 1) {
    throw new Error(`The archive ${archive.path} holds ${names.length} images (${names.join(", ")}); one is expected`);
  }
  // An archive whose index names no image loads as its id.
  const name = names[0]!.replace(/^sha256:/, "");
  const details = await inspectOne(host, name);
  return outputsFrom(inputs, name, details, findImage(before, name)?.id === details.id);
}

/** Every digest the local image answers to. */
function localDigests(o: Pick<ImageOutputs, "digest" | "repoDigests">): string[] {
  return [o.digest, ...digestsOf(o.repoDigests)];
}

/** What the registry serves for the followed tag now; undefined when not applicable or not reachable. */
async function registryDigestNow(host: Host, props: ImageOutputs): Promise<string | undefined> {
  if (props.reference === undefined || props.pinnedDigest !== "") return undefined;
  const ref = parseReference(props.reference);
  try {
    const result = await registryCommand(host, ref.domain, props.credentials, (withAuth) =>
      skopeoInspect(localName(ref), { withAuth }),
    );
    return parseSkopeoRawDigest(result.stdout);
  } catch {
    // An unreachable registry must not fail a refresh; the last answer stands until the next one.
    return undefined;
  }
}

/** Whether the host must pull or load again to match `news`. */
function needsFetch(olds: ImageOutputs, news: ImageInputs): boolean {
  const have = localDigests(olds);
  const pin = news.digest ?? (news.reference === undefined ? undefined : parseReference(news.reference).digest);
  return (
    olds.archive?.path !== news.archive?.path ||
    olds.archive?.sha256 !== news.archive?.sha256 ||
    olds.pinnedDigest !== (pin ?? "") ||
    (pin !== undefined && !have.includes(pin)) ||
    // The tag moved in the registry (seen by refresh): follow it.
    (pin === undefined && olds.registryDigest !== "" && !have.includes(olds.registryDigest)) ||
    olds.platform !== news.platform
  );
}

/** Removes what this resource put on the host: its name if it still names our image, else our image if unnamed. */
async function removeImage(host: Host, props: ImageOutputs): Promise<void> {
  const [images, containers] = await Promise.all([listImages(host), listContainers(host)]);
  const named = findImage(images, props.imageName);
  const ours = images.find((i) => i.id === props.imageId);
  if (ours === undefined) return;
  const users = containers.filter((c) => c.imageId === ours.id);
  if (named?.id === ours.id) {
    if (users.length > 0) {
      const plural = users.length > 1;
      throw new Error(
        `Image ${props.imageName} on ${host.name} is used by container${plural ? "s" : ""} ` +
          `${users.map((c) => c.name).join(", ")}: remove ${plural ? "them" : "it"} first, or set [retain] ` +
          `to keep the image when this resource goes.`,
      );
    }
    await host.exec(podmanRmi(props.imageName));
  } else if (ours.names.length === 0 && users.length === 0) {
    // Our old image, left without a name when the tag moved on: nothing can refer to it any more.
    await host.exec(podmanRmi(ours.id));
  }
}

export const imageKind: ResourceKind<ImageInputs, ImageOutputs> = {
  schemaVersion: 1,

  async check(_olds, news) {
    return checkWith(inputsSchema, news);
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces: string[] = [];
    if (olds.reference !== news.reference) replaces.push("reference");
    if ((olds.archive === undefined) !== (news.archive === undefined)) replaces.push("archive");
    if (replaces.length > 0) return { changes: true, replaces };
    const changes =
      needsFetch(olds, news) ||
      JSON.stringify(olds.connection) !== JSON.stringify(news.connection) ||
      JSON.stringify(olds.credentials) !== JSON.stringify(news.credentials) ||
      olds.retain !== news.retain;
    return { changes, replaces: [] };
  },

  async create(inputs) {
    const outs = await ensure(inputs);
    return { id: `${hostKey(inputs.connection)}/${outs.imageName}`, outs };
  },

  async read(id, props) {
    const host = hostFor(props.connection);
    const found = findImage(await listImages(host), props.imageName);
    if (found === undefined) return undefined;
    const registryDigest = (await registryDigestNow(host, props)) ?? props.registryDigest;
    if (found.id === props.imageId) {
      return { id, props: { ...props, digest: found.digest, repoDigests: found.repoDigests, registryDigest } };
    }
    // Someone re-pulled or retagged the name on the host: describe what it names now.
    const details = await inspectOne(host, props.imageName);
    const { pinnedDigest, ...rest } = props;
    const now = outputsFrom(
      { ...rest, digest: pinnedDigest || undefined },
      props.imageName,
      details,
      props.preexisting,
    );
    return { id, props: { ...now, registryDigest } };
  },

  async update(_id, olds, news) {
    if (!needsFetch(olds, news)) {
      // Only what this resource stores changed (credentials, retain, connection details).
      const { digest: _pin, ...rest } = news;
      return { ...olds, ...rest, schemaVersion: imageKind.schemaVersion };
    }
    const outs = await ensure(news);
    // The image this resource had before goes, unless it is the same, was not ours, or is kept.
    if (olds.imageId !== outs.imageId && !olds.preexisting && !olds.retain) {
      await removeImage(hostFor(olds.connection), olds).catch(() => undefined);
    }
    return { ...outs, preexisting: olds.preexisting && olds.imageId === outs.imageId };
  },

  async delete(_id, props) {
    if (props.retain || props.preexisting) return;
    await removeImage(hostFor(props.connection), props);
  },
};
