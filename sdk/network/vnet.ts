import type * as pulumi from "@pulumi/pulumi";
import { AddressAllocator } from "../../provider/network/vnet";

export { AddressAllocator };

/**
 * A jail's place on a bridge, the value `jail.Jail` takes as `vnet`: an epair named after the jail, its host
 * side a member of `bridge`, its jail side addressed `address` with a default route through `gateway`.
 */
export interface VnetAttachment {
  /** The bridge, e.g. `bridge.name`. */
  bridge: pulumi.Input<string>;
  /** The jail's address with the bridge's prefix length, e.g. 10.0.0.87/24. */
  address: pulumi.Input<string>;
  /** The jail's default route: usually the bridge's own address. */
  gateway?: pulumi.Input<string>;
  /** A fixed MAC for the jail's side of the epair. */
  mac?: pulumi.Input<string>;
}

/** An attachment handed out by `Bridge.attach`: its address is known while the program runs. */
export interface PlannedAttachment extends VnetAttachment {
  address: string;
  gateway?: string;
  mac?: string;
}

export interface AttachOptions {
  /** Pin the address instead of deriving it from the name (it must lie in the bridge's subnet). */
  address?: string;
  /** Route through another gateway than the bridge itself; `null` for no default route. */
  gateway?: string | null;
  mac?: string;
}

/** The address without its prefix length, for a port forward's target: 10.0.0.87/24 → 10.0.0.87. */
export function hostAddress(cidr: string): string {
  return cidr.replace(/\/\d+$/, "");
}
