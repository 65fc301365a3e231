// The provider-side shape of sdk/connection.ts's ConnectionArgs, validated in every kind's `check`.
import { createHash } from "node:crypto";
import { z } from "zod";

const hostName = z.string().regex(/^[A-Za-z0-9._:%[\]-]+$/, "must be a host name or an IP address");

/** One authorized_keys-format public key: type, base64 blob, optional comment. */
const PUBLIC_KEY = /^(ssh-[a-z0-9-]+|ecdsa-sha2-nistp\d+|sk-[a-z0-9@.-]+)\s+[A-Za-z0-9+/]{20,}={0,2}(\s.*)?$/;

const baseConnection = z.object({
  host: hostName,
  port: z.number().int().min(1).max(65535).optional(),
  user: z
    .string()
    .regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, "must be a user name")
    .optional(),
  privateKey: z.string().min(1).optional(),
  privateKeyPassword: z.string().optional(),
  agentSocketPath: z.string().min(1).optional(),
  hostKey: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .refine((v) => v === undefined || (Array.isArray(v) ? v : [v]).every((k) => PUBLIC_KEY.test(k.trim())), {
      message: 'must be public keys in authorized_keys format, e.g. "ssh-ed25519 AAAA…"',
    }),
  knownHosts: z.string().optional(),
  become: z.enum(["sudo", "doas"]).optional(),
  connectTimeout: z.number().int().min(1).max(600).optional(),
  maxSessions: z.number().int().min(1).max(64).optional(),
});

export type Connection = z.output<typeof baseConnection> & { proxy?: Connection };

export const connectionSchema: z.ZodType<Connection> = baseConnection
  .extend({ proxy: z.lazy(() => connectionSchema).optional() })
  .refine((c) => !(c.hostKey !== undefined && c.knownHosts !== undefined), {
    message: "Only one of [hostKey] and [knownHosts] can be set",
  });

/**
 * Identifies one way to reach a host: connections with equal keys share a master connection. Secrets are
 * hashed, never kept in the key itself.
 */
export function connectionKey(c: Connection): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(c)))
    .digest("hex")
    .slice(0, 16);
}

function canonical(c: Connection): unknown {
  return [
    c.host,
    c.port ?? 22,
    c.user ?? "root",
    c.privateKey ?? "",
    c.agentSocketPath ?? "",
    c.hostKey ?? "",
    c.knownHosts ?? "",
    c.become ?? "",
    c.proxy === undefined ? null : canonical(c.proxy),
  ];
}

/** "host" or "host:port": the machine, without the user or keys that reach it; the host part of every id. */
export function hostLabel(c: Pick<Connection, "host" | "port">): string {
  return c.port === undefined || c.port === 22 ? c.host : `${c.host}:${c.port}`;
}

/** "user@host:port", for messages: never a secret. */
export function describeConnection(c: Connection): string {
  return `${c.user ?? "root"}@${c.host}${c.port === undefined || c.port === 22 ? "" : `:${c.port}`}`;
}
