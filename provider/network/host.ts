// Natural ids for network objects: the host as the connection names it, then the object's own name.
import { hostLabel, type Connection } from "../ssh/connection";

export { hostLabel };

export function objectId(c: Pick<Connection, "host" | "port">, name: string): string {
  return `${hostLabel(c)}/${name}`;
}

/** True when two connections reach different machines: the object cannot move, so it is replaced. */
export function otherHost(a: Pick<Connection, "host" | "port">, b: Pick<Connection, "host" | "port">): boolean {
  return hostLabel(a) !== hostLabel(b);
}
