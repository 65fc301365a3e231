// An example stack for VNET networking: a bridge for jails with a host-side address, NAT of its subnet out of
// the uplink, and a port forward to the address a web jail gets on the bridge.
// A plain function of a connection, so the engine tests, the demo and a user's own program (copy it) run the
// same code: `networkExample({ host: "web1.example.org", hostKey: "ssh-ed25519 AAAA…", privateKey })`.
// The host's /etc/pf.conf must call the pulumi anchors first (`pulumi-freebsd doctor` says how).
import { network, type ConnectionArgs } from "../../sdk";

export interface NetworkExampleOptions {
  /** The bridge's unit; bridge0 by default. */
  bridge?: string;
  /** The bridge's own address, which jails use as gateway; 10.0.0.1/24 by default. */
  address?: string;
  /** The interface traffic leaves by; em0 by default. */
  uplink?: string;
  /** Port forwards besides web's 8080 → 80. */
  extraForwards?: network.PortForwardArgs[];
}

export function networkExample(connection: ConnectionArgs, opts: NetworkExampleOptions = {}) {
  return async () => {
    const lan = new network.Bridge("lan", {
      connection,
      name: opts.bridge ?? "bridge0",
      addresses: [opts.address ?? "10.0.0.1/24"],
    });
    // The address the web jail will have on this bridge: derived from its name, the same on every up.
    const web = lan.attach("web");
    const nat = new network.Nat("lan-nat", {
      connection,
      egressInterface: opts.uplink ?? "em0",
      subnets: lan.subnets,
      portForwards: [
        { protocol: "tcp", hostPort: 8080, address: network.hostAddress(web.address), port: 80 },
        ...(opts.extraForwards ?? []),
      ],
    });
    return { bridge: lan.name, subnets: lan.subnets, webAddress: web.address, anchor: nat.anchorPath };
  };
}
