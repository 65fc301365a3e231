import * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";
import { FreeBSDResource } from "../provider";
import { AddressAllocator, type AttachOptions, type PlannedAttachment } from "./vnet";

export interface BridgeArgs {
  /** The host. */
  connection: pulumi.Input<ConnectionArgs>;
  /** bridge<N>, e.g. bridge0; the kernel picks the first free unit when omitted. Changing it replaces the bridge. */
  name?: pulumi.Input<string>;
  /** Host-side addresses with their prefix, e.g. ["10.0.0.1/24"]: the first is the jails' usual gateway. */
  addresses?: pulumi.Input<pulumi.Input<string>[]>;
  /** Interfaces to bridge, e.g. an uplink ["em0"]. Jails' epairs join the bridge on their own. */
  members?: pulumi.Input<pulumi.Input<string>[]>;
  /** MTU of the bridge and its members; the first member's by default. */
  mtu?: pulumi.Input<number>;
  /** Take over a bridge (or its rc.conf lines) that this stack did not make. */
  adopt?: pulumi.Input<boolean>;
}

/**
 * An if_bridge(4) interface on a FreeBSD host, persisted in rc.conf (cloned_interfaces, ifconfig_bridgeN) so it
 * survives a reboot. Only the bridge's own rc.conf variables are written; every other line stays as it is.
 * A member or address removed by hand shows as drift on refresh and is put back by the next update.
 */
export class Bridge extends FreeBSDResource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly addresses: pulumi.Output<string[]>;
  declare public readonly members: pulumi.Output<string[]>;
  /** The subnets of `addresses`, e.g. ["10.0.0.0/24"], for a Nat. */
  declare public readonly subnets: pulumi.Output<string[]>;
  declare public readonly actualMtu: pulumi.Output<number>;

  private readonly plainAddresses: string[] | undefined;
  private allocator: AddressAllocator | undefined;

  constructor(name: string, args: BridgeArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "network",
      "Bridge",
      name,
      { ...args, subnets: undefined, actualMtu: undefined, description: undefined, rcConf: undefined },
      opts,
    );
    const a = args.addresses;
    this.plainAddresses = Array.isArray(a) && a.every((x) => typeof x === "string") ? (a as string[]) : undefined;
  }

  /**
   * A place on this bridge for the jail `jailName`: an address derived from the name (stable across ups, never
   * one handed out by this bridge before), the bridge's first address as gateway. Needs `addresses` given as
   * plain strings, so the address is known while the program runs.
   */
  attach(jailName: string, opts: AttachOptions = {}): PlannedAttachment {
    const own = this.plainAddresses?.[0];
    if (own === undefined) {
      throw new pulumi.ResourceError(
        'Bridge.attach needs [addresses] as plain strings (e.g. "10.0.0.1/24") to hand out addresses',
        this,
      );
    }
    this.allocator ??= new AddressAllocator(own);
    let address: string;
    try {
      address =
        opts.address === undefined ? this.allocator.allocate(jailName) : this.allocator.pin(jailName, opts.address);
    } catch (err) {
      throw new pulumi.ResourceError((err as Error).message, this);
    }
    const gateway = opts.gateway === null ? undefined : (opts.gateway ?? own.replace(/\/\d+$/, ""));
    return { bridge: this.name, address, gateway, mac: opts.mac };
  }
}
