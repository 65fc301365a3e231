// pulumi-freebsd: Pulumi resources for FreeBSD hosts reached over SSH.
export * as local from "./local";
export { FreeBSDResource } from "./provider";
export type { ConnectionArgs } from "./connection";
