// The demo stack. It grows with the library: each area adds its resources here.
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { local, type ConnectionArgs } from "../../sdk";

export function demoProgram(_connection: ConnectionArgs) {
  return async () => {
    const motd = new local.File("motd", {
      path: path.join(os.tmpdir(), "pulumi-freebsd-demo-motd"),
      content: "Managed by pulumi-freebsd\n",
    });
    return { motdPath: motd.path, motdSha256: motd.sha256, stack: pulumi.getStack() };
  };
}

/** Commands that show the host after `pulumi up`. */
export function hostViews(): string[][] {
  return [["uname", "-a"]];
}
