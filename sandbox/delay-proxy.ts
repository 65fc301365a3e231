// A TCP relay that holds every chunk for a fixed time in each direction: the sandbox's stand-in for
// `tc netem delay` on kernels built without sch_netem (it adds latency, not loss, and the TCP handshake
// itself is not delayed).
//
//   node delay-proxy.js LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS
import * as net from "node:net";

/** Relays `from` to `to`, each chunk `ms` later; equal timeouts fire in the order they were set. */
function delayed(from: net.Socket, to: net.Socket, ms: number): void {
  from.on("data", (chunk) => setTimeout(() => to.writable && to.write(chunk), ms));
  from.on("end", () => setTimeout(() => to.end(), ms));
  from.on("error", () => setTimeout(() => to.destroy(), ms));
  from.on("close", () => setTimeout(() => to.destroy(), ms));
}

export function startDelayProxy(
  listenHost: string,
  listenPort: number,
  targetHost: string,
  targetPort: number,
  ms: number,
): net.Server {
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: targetHost, port: targetPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    delayed(client, upstream, ms);
    delayed(upstream, client, ms);
  });
  server.listen(listenPort, listenHost);
  return server;
}

if (require.main === module) {
  const [listenHost, listenPort, targetHost, targetPort, ms] = process.argv.slice(2);
  startDelayProxy(listenHost!, Number(listenPort), targetHost!, Number(targetPort), Number(ms)).on("error", (err) => {
    process.stderr.write(`delay-proxy: ${err.message}\n`);
    process.exit(1);
  });
}
