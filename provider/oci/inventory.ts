// What a host has, read once per host for every resource that asks at about the same time: one
// `podman images --format json` and one `podman ps --all --format json` answer a whole refresh.
import { readerPerHost } from "../inventory";
import type { Connection } from "../ssh/connection";
import type { Host } from "../ssh/host";
import { imagesJson, psJson } from "./commands";
import { parseImagesJson, parsePsJson, type ContainerSummary, type ImageSummary } from "./parse";

/** The host part of a natural id: "host" or "host:port". */
export function hostKey(connection: Connection): string {
  return connection.port === undefined || connection.port === 22
    ? connection.host
    : `${connection.host}:${connection.port}`;
}

const images = readerPerHost<Host, "all", ImageSummary[]>((host) => async () => {
  const result = await host.exec(imagesJson(), { retry: "safe" });
  return new Map([["all", parseImagesJson(result.stdout)]]);
});

const containers = readerPerHost<Host, "all", ContainerSummary[]>((host) => async () => {
  const result = await host.exec(psJson(), { retry: "safe" });
  return new Map([["all", parsePsJson(result.stdout)]]);
});

export async function listImages(host: Host): Promise<ImageSummary[]> {
  return (await images(host).get("all")) ?? [];
}

export async function listContainers(host: Host): Promise<ContainerSummary[]> {
  return (await containers(host).get("all")) ?? [];
}

/** The image that carries `name` (a name, or an id). */
export function findImage(list: readonly ImageSummary[], name: string): ImageSummary | undefined {
  return list.find((i) => i.names.includes(name) || i.id === name);
}
