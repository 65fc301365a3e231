import type * as pulumi from "@pulumi/pulumi";

/**
 * How to reach a FreeBSD host over SSH. A superset of @pulumi/command's `remote.ConnectionArgs`, so one
 * object can serve both libraries. The whole connection is kept secret in state.
 *
 * Host keys are always verified: pin them with `hostKey` or `knownHosts`; with neither, the user's
 * ~/.ssh/known_hosts and ~/.ssh/config apply, as they do for `ssh`. There is no trust-on-first-use.
 */
export interface ConnectionArgs {
  /** Address or name of the host (a name from ~/.ssh/config works). */
  host: pulumi.Input<string>;
  /** SSH port; 22 by default. */
  port?: pulumi.Input<number>;
  /** User to log in as; root by default. */
  user?: pulumi.Input<string>;
  /** Private key (OpenSSH or PEM text). It reaches `ssh` through a 0600 file, never argv. */
  privateKey?: pulumi.Input<string>;
  /** Passphrase of `privateKey`. Not supported by the OpenSSH client in batch mode: use an agent instead. */
  privateKeyPassword?: pulumi.Input<string>;
  /** Path of an ssh-agent socket (SSH_AUTH_SOCK). */
  agentSocketPath?: pulumi.Input<string>;
  /** A bastion to jump through (ProxyJump), with the same fields; bhyve guests are reached through their host. */
  proxy?: pulumi.Input<ConnectionArgs>;
  /** The host's public key(s), in authorized_keys format ("ssh-ed25519 AAAA…"): pinned, nothing else accepted. */
  hostKey?: pulumi.Input<string | string[]>;
  /** known_hosts file contents to verify the host against. */
  knownHosts?: pulumi.Input<string>;
  /** Run commands through `sudo -n` or `doas -n` when the user is not root. */
  become?: pulumi.Input<"sudo" | "doas">;
  /** Seconds to wait for the TCP connection and the SSH handshake; 20 by default. */
  connectTimeout?: pulumi.Input<number>;
  /** Concurrent sessions on this host; 8 by default, below sshd's MaxSessions (10). */
  maxSessions?: pulumi.Input<number>;
}
