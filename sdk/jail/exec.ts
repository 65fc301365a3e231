import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";
import { FreeBSDResource } from "../provider";

export interface ExecArgs {
  connection: pulumi.Input<ConnectionArgs>;
  /** The jail's name (a jail.Jail's `name` output, so the command waits for the jail). */
  jail: pulumi.Input<string>;
  /**
   * The command: a string is /bin/sh code ("pkg install -y nginx && sysrc nginx_enable=YES"); an array is one
   * command and its arguments, each passed exactly. It reaches the jail on standard input, never in argv.
   */
  command: pulumi.Input<string | pulumi.Input<string>[]>;
  /** Environment variables for the command (values may be secrets: they travel on stdin and are masked). */
  environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The user inside the jail (jexec -U); root by default. */
  user?: pulumi.Input<string>;
  /** Any values; when one changes, the command runs again. */
  triggers?: pulumi.Input<unknown[]>;
}

/**
 * A command run inside a jail with `jexec -l JAIL /bin/sh -s` when the resource is created, and again whenever
 * its command, environment, user, jail or [triggers] change. A non-zero exit fails the resource with the
 * command's output. Its id is "host[:port]/JAIL/exec/NAME".
 *
 * Pulumi cannot know what the command did: refresh does not run it or check its effect, and destroy does not
 * undo it. So write it to be safe to run again ("pkg install -y" is; appending to a file is not), and use
 * [triggers] to say when it should run again, e.g. the jail's `jid` to re-run after a restart, or a version.
 */
export class Exec extends FreeBSDResource {
  declare public readonly stdout: pulumi.Output<string>;
  declare public readonly stderr: pulumi.Output<string>;

  constructor(name: string, args: ExecArgs, opts?: pulumi.CustomResourceOptions) {
    super("jail", "Exec", name, { stdout: undefined, stderr: undefined, ...args }, opts, ["environment"]);
  }
}
