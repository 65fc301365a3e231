// pulumi-freebsd: Pulumi resources for FreeBSD hosts reached over SSH.
export * as local from "./local";
export * as network from "./network";
export * as jail from "./jail";
export * as oci from "./oci";
export * as zfs from "./zfs";
export { FreeBSDResource } from "./provider";
export type { ConnectionArgs } from "./connection";
