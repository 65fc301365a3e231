// The quickstart: a web jail on FreeBSD's runtime image, on its own VNET network, with its data on ZFS.
//
//   image ──► rootfs template (zroot/images/…@base) ──► clone ──► jail "web" ◄── nullfs ── zroot/data/web
//                                                                    │ vnet (epair)
//                              bridge0 10.0.0.1/24 ◄─────────────────┘
//                              NAT out of the uplink, host port 8080 → web:80
//
// A plain function of a connection, so the demo, the engine test and your own program run the same code.
// The host needs what `pulumi-freebsd doctor` checks (pf with the pulumi anchors in pf.conf, podman).
import { jail, network, oci, zfs, type ConnectionArgs } from "../../sdk";

export interface QuickstartOptions {
  /** The image the jail runs on; FreeBSD's runtime image by default. */
  image?: string;
  /** The uplink that NAT leaves by; em0 by default. */
  uplink?: string;
  /** The jail's hostname. */
  hostname?: string;
  /** allow.raw_sockets for the jail (ping works inside with it). */
  rawSockets?: boolean;
  /** Also run a second jail, "api", on the same bridge. */
  withApi?: boolean;
  /** Leave the web jail out (its data stays). */
  withoutWeb?: boolean;
}

export function quickstart(connection: ConnectionArgs, opts: QuickstartOptions = {}) {
  return async () => {
    // 1. The image, and its root filesystem as a ZFS snapshot that jails clone.
    const image = new oci.Image("freebsd-runtime", {
      connection,
      reference: opts.image ?? "docker.io/freebsd/freebsd-runtime:14.3",
    });
    const template = new oci.RootFs("runtime-template", {
      connection,
      image,
      dataset: "zroot/images/freebsd-runtime",
    });

    // 2. A bridge for the jails, NAT of its subnet, and a port forward to the web jail.
    const lan = new network.Bridge("lan", { connection, name: "bridge0", addresses: ["10.0.0.1/24"] });
    const webNet = lan.attach("web");
    const apiNet = opts.withApi ? lan.attach("api") : undefined;
    const nat = new network.Nat("lan-nat", {
      connection,
      egressInterface: opts.uplink ?? "em0",
      subnets: lan.subnets,
      portForwards: [{ protocol: "tcp", hostPort: 8080, address: network.hostAddress(webNet.address), port: 80 }],
    });

    // 3. The data lives in its own dataset, outside the jail: it survives the jail being rebuilt.
    const dataRoot = new zfs.Dataset("data", { connection, name: "zroot/data", properties: { compression: "lz4" } });
    const webData = new zfs.Dataset("web-data", {
      connection,
      name: dataRoot.name.apply((n) => `${n}/web`),
      properties: { recordsize: "16K", "org.example:role": "web-content" },
    });

    // 4. The jail: a clone of the template, on the bridge, with the data mounted.
    const web = opts.withoutWeb
      ? undefined
      : new jail.Jail(
          "web",
          {
            connection,
            name: "web",
            hostname: opts.hostname ?? "web.example.org",
            rootfs: { snapshot: template.snapshotName },
            vnet: webNet,
            mounts: [{ dataset: webData.name, target: "/usr/local/www" }],
            allow: { rawSockets: opts.rawSockets ?? false },
            limits: { maxproc: 200 },
            exec: { start: "/bin/sh /etc/rc", stop: "/bin/sh /etc/rc.shutdown jail" },
          },
          { dependsOn: [nat] },
        );
    const api = apiNet
      ? new jail.Jail("api", {
          connection,
          name: "api",
          hostname: "api.example.org",
          rootfs: { snapshot: template.snapshotName },
          vnet: apiNet,
          exec: { start: "/bin/sh /etc/rc", stop: "/bin/sh /etc/rc.shutdown jail" },
        })
      : undefined;

    return {
      imageDigest: image.digest,
      template: template.snapshotName,
      bridge: lan.name,
      webAddress: webNet.address,
      ...(web ? { webJid: web.jid, webState: web.state } : {}),
      dataset: webData.name,
      portForward: nat.anchorPath,
      ...(api ? { apiAddress: apiNet!.address, apiJid: api.jid } : {}),
    };
  };
}

/** What the demo shows of the host after `pulumi up`. */
export function quickstartViews(): string[][] {
  return [
    ["jls"],
    ["zfs", "list", "-r", "-o", "name,used,mountpoint,origin", "zroot/images", "zroot/data", "zroot/jails"],
    ["ifconfig", "bridge0"],
    ["pfctl", "-a", "pulumi/lan-nat", "-s", "nat"],
    ["cat", "/etc/jail.conf.d/web.conf"],
  ];
}
