// What a host's network looks like, read in one round trip and shared: every interface (`ifconfig`) and every
// rc.conf variable (`sysrc -a`). Bridges read concurrently during a refresh share one fetch per host.
import { readerPerHost } from "../inventory";
import type { Host } from "../ssh/host";
import { ifconfigList, sysrcAll } from "./commands";
import { parseIfconfig, parseSysrcAll } from "./parse";
import { runProbes } from "./probe";
import type { ShownInterface } from "./spec";

export interface HostNetwork {
  interfaces: Map<string, ShownInterface>;
  rcConf: Map<string, string>;
}

/** Reads the inventory now, without sharing (after a write, or where one caller needs it). */
export async function readNetwork(host: Host): Promise<HostNetwork> {
  const results = await runProbes(host, [
    { id: "ifconfig", argv: ifconfigList() },
    { id: "sysrc", argv: sysrcAll() },
  ]);
  const ifconfig = results.get("ifconfig")!;
  const sysrc = results.get("sysrc")!;
  if (ifconfig.exit !== 0) throw new Error(`${host.name}: ifconfig failed (exit ${ifconfig.exit})`);
  if (sysrc.exit !== 0) throw new Error(`${host.name}: sysrc -a failed (exit ${sysrc.exit})`);
  return {
    interfaces: new Map(parseIfconfig(ifconfig.out).map((i) => [i.name, i])),
    rcConf: parseSysrcAll(sysrc.out),
  };
}

// One key: every read of a host within the batch window gets the same listing.
const networkReader = readerPerHost((host: Host) => async (keys: string[]) => {
  const network = await readNetwork(host);
  return new Map(keys.map((k) => [k, network]));
});

/** The inventory, shared with every read of the same host that arrives within the batch window. */
export async function sharedNetwork(host: Host): Promise<HostNetwork> {
  return (await networkReader(host).get("network"))!;
}
