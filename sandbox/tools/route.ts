// route(8) of FreeBSD 14 (sbin/route/route.c, route_netlink.c) for the default route only, which is what a
// VNET jail sets: `route add default GW`, `route get default`, `route delete default` (-n and -q accepted).
// A jail with a vnet of its own (PF_SANDBOX_JAIL) has its own table. The netlink messages for a route that is
// missing or already there are UNCONFIRMED in detail.
import type { HostState } from "../state";
import type { Tool } from "./context";
import { currentVnet, netState, visible, type NetState } from "./net-state";

const USAGE = "usage: route [-46dnqtv] command [[modifiers] args]\n";

function dotted(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null || m.slice(1).some((p) => Number(p) > 255)) return undefined;
  return m.slice(1).reduce((n, p) => n * 256 + Number(p), 0);
}

/** The interface whose subnet holds the gateway: the route's interface, or none (unreachable). */
function interfaceFor(state: HostState, net: NetState, vnet: string, gateway: string): string | undefined {
  const gw = dotted(gateway)!;
  for (const i of visible(state, net, vnet)) {
    for (const a of i.inet) {
      const mask = a.prefix === 0 ? 0 : (0xffffffff << (32 - a.prefix)) >>> 0;
      if ((dotted(a.address)! & mask) >>> 0 === (gw & mask) >>> 0) return i.name;
    }
  }
  return undefined;
}

export const route: Tool = (ctx) => {
  const words = ctx.args.filter((a) => !/^-[46dnqtv]+$/.test(a));
  const quiet = ctx.args.some((a) => /^-[46dnqtv]*q/.test(a));
  const [command, ...rest] = words;
  const target = rest.filter((w) => w !== "-net" && w !== "-inet");
  if (command === undefined || !["add", "get", "delete", "change"].includes(command)) {
    ctx.err(USAGE);
    return 64;
  }
  if (target[0] !== "default" && target[0] !== "0.0.0.0/0") {
    ctx.err(`route: only the default route is simulated by the sandbox\n`);
    return 70;
  }
  const jail = ctx.env?.("PF_SANDBOX_JAIL");
  if (command === "get") {
    const state = ctx.state.read();
    const net = netState(state);
    const vnet = currentVnet(state, jail);
    const gw = net.defaults[vnet];
    if (gw === undefined) {
      ctx.err("route: route has not been found\n");
      return 1;
    }
    const ifname = interfaceFor(state, net, vnet, gw) ?? "";
    const mtu = visible(state, net, vnet).find((i) => i.name === ifname)?.mtu ?? 1500;
    ctx.out(
      [
        "   route to: default",
        "destination: default",
        "       mask: default",
        `    gateway: ${gw}`,
        "        fib: 0",
        `  interface: ${ifname}`,
        "      flags: <UP,GATEWAY,DONE,STATIC>",
        " recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire",
        `       0         0         0         0  ${String(mtu).padStart(8)}         1         0 `,
        "",
      ].join("\n"),
    );
    return 0;
  }
  return ctx.state.update((state) => {
    const net = netState(state);
    state.net = net;
    const vnet = currentVnet(state, jail);
    const have = net.defaults[vnet];
    if (command === "delete") {
      if (have === undefined) {
        ctx.err("route: route has not been found\n");
        return 1;
      }
      delete net.defaults[vnet];
      if (!quiet) ctx.out("delete net default\n");
      return 0;
    }
    const gw = target[1];
    if (gw === undefined || dotted(gw) === undefined) {
      ctx.err(USAGE);
      return 64;
    }
    if (command === "add" && have !== undefined) {
      ctx.err(`add net default: gateway ${gw} fib 0: route already in table\n`);
      return 1;
    }
    if (command === "change" && have === undefined) {
      ctx.err("route: route has not been found\n");
      return 1;
    }
    if (interfaceFor(state, net, vnet, gw) === undefined) {
      ctx.err(`${command} net default: gateway ${gw} fib 0: Network is unreachable\n`);
      return 1;
    }
    net.defaults[vnet] = gw;
    if (!quiet) ctx.out(`${command} net default: gateway ${gw}\n`);
    return 0;
  });
};
