import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";
import { FreeBSDResource } from "../provider";

export interface PortForwardArgs {
  /** tcp (the default) or udp. */
  protocol?: pulumi.Input<"tcp" | "udp">;
  /** The port on the egress interface's address. */
  hostPort: pulumi.Input<number>;
  /** Where connections go: an address in one of the NAT subnets, e.g. a jail's. */
  address: pulumi.Input<string>;
  /** The port there; `hostPort` by default. */
  port?: pulumi.Input<number>;
}

export interface NatArgs {
  /** The host. */
  connection: pulumi.Input<ConnectionArgs>;
  /** The pf anchor under pulumi/ that holds the rules; the resource's name by default. Changing it replaces. */
  anchor?: pulumi.Input<string>;
  /** The interface traffic leaves by, e.g. em0: its address (followed as it changes) is the NAT address. */
  egressInterface: pulumi.Input<string>;
  /** Subnets to NAT, e.g. a bridge's `subnets`. */
  subnets: pulumi.Input<pulumi.Input<string>[]>;
  portForwards?: pulumi.Input<pulumi.Input<PortForwardArgs>[]>;
  /** Take over an anchor that already has rules. */
  adopt?: pulumi.Input<boolean>;
}

/**
 * NAT and port forwards for a bridge's subnets, as the rules of the pf anchor pulumi/<anchor>. /etc/pf.conf must
 * call the anchors (`nat-anchor "pulumi/*"`, `rdr-anchor "pulumi/*"`, `anchor "pulumi/*"`; `pulumi-freebsd
 * doctor` checks). pf_enable and gateway_enable are set if they are not, and unset on delete only if this
 * resource set them and no other anchor under pulumi/ remains.
 */
export class Nat extends FreeBSDResource {
  declare public readonly anchorPath: pulumi.Output<string>;
  declare public readonly subnets: pulumi.Output<string[]>;
  declare public readonly enabledPf: pulumi.Output<boolean>;
  declare public readonly enabledGateway: pulumi.Output<boolean>;
  /** Rules found in the anchor that this resource did not write. */
  declare public readonly otherRules: pulumi.Output<string[]>;

  constructor(name: string, args: NatArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "network",
      "Nat",
      name,
      {
        ...args,
        anchor: args.anchor ?? name,
        anchorPath: undefined,
        enabledPf: undefined,
        enabledGateway: undefined,
        otherRules: undefined,
      },
      opts,
    );
  }
}
