// Command builders (golden argv and scripts) and the inventory reader, which splits one round trip's output.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as cmd from "../../../provider/jail/commands";
import { parseInventory } from "../../../provider/jail/inventory";

describe("jail command builders", () => {
  it("builds argv for jail -m, rctl, sysrc and zfs", () => {
    assert.deepEqual(cmd.jailModify("web", { "allow.raw_sockets": "true", "host.hostname": "a b" }), [
      "jail",
      "-m",
      "name=web",
      "allow.raw_sockets=true",
      "host.hostname=a b",
    ]);
    assert.deepEqual(
      cmd.limitRules("web", { pcpu: "50", memoryuse: "536870912" }).map((r) => `${r.resource}:${r.amount}`),
      ["memoryuse:536870912", "pcpu:50"],
    );
    assert.deepEqual(cmd.bootCommands("web", true), [
      ["sysrc", "jail_enable=YES"],
      ["sysrc", "jail_list+= web"],
    ]);
    assert.deepEqual(cmd.bootCommands("web", false), [["sysrc", "jail_list-= web"]]);
    assert.deepEqual(cmd.zfsClone("zroot/images/base@v1", "zroot/jails/web", "p/dev/Jail/web"), [
      "zfs",
      "clone",
      "-p",
      "-o",
      "pulumi-freebsd:owner=p/dev/Jail/web",
      "zroot/images/base@v1",
      "zroot/jails/web",
    ]);
  });

  it("writes a file through a temporary name in the same directory, then a rename", () => {
    assert.equal(
      cmd.writeFileScript("/etc/jail.conf.d/web.conf"),
      "mkdir -p /etc/jail.conf.d && umask 022 && cat > /etc/jail.conf.d/.web.conf.pulumi-tmp && " +
        "mv -f /etc/jail.conf.d/.web.conf.pulumi-tmp /etc/jail.conf.d/web.conf",
    );
    assert.equal(
      cmd.startJailScript("web"),
      `out=$(service jail onestart web 2>&1); if jls -j web jid >/dev/null 2>&1; then printf '%s\\n' "$out"; ` +
        `else printf '%s\\n' "$out" >&2; exit 1; fi`,
    );
  });

  it("reads one round trip's output back into each jail's observation", () => {
    // The script itself, run by /bin/sh against stand-ins for jls, rctl and sysrc, and a config without a
    // final newline whose text looks like the markers of another run.
    const dir = mkdtempSync(path.join(tmpdir(), "pf-inventory-"));
    const bin = path.join(dir, "bin");
    mkdirSync(bin);
    const tool = (name: string, body: string) => {
      writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(path.join(bin, name), 0o755);
    };
    tool(
      "jls",
      `echo '{"__version": "2", "jail-information": {"jail": [{"jid":3,"hostname":"web","path":"/j/web","name":"web","state":"ACTIVE","cpusetid":4,"ipv4_addrs": [],"ipv6_addrs": []}]}}'`,
    );
    tool("rctl", "echo jail:web:memoryuse:deny=1024; echo jail:db:maxproc:deny=10");
    tool("sysrc", "echo YES; echo 'other web'");
    const conf = path.join(dir, "web.conf");
    writeFileSync(conf, "@@0000 end\nweb { persist; }");
    const script = cmd.inventoryScript(["web", "db"], "feed").replaceAll("/etc/jail.conf.d/web.conf", conf);
    const r = spawnSync("/bin/sh", ["-c", script], { encoding: "utf8", env: { PATH: `${bin}:/usr/bin:/bin` } });
    assert.equal(r.status, 0, r.stderr);
    const seen = parseInventory(r.stdout, ["web", "db"], "feed");
    assert.deepEqual(seen.get("web"), {
      running: {
        jid: 3,
        name: "web",
        hostname: "web",
        path: "/j/web",
        state: "ACTIVE",
        cpusetid: 4,
        ipv4: [],
        ipv6: [],
      },
      config: "@@0000 end\nweb { persist; }",
      rules: [{ subject: "jail", id: "web", resource: "memoryuse", action: "deny", amount: "1024" }],
      rctlError: undefined,
      atBoot: true,
      listed: true,
      shadowed: false,
    });
    assert.equal(seen.get("db")!.config, undefined);
    assert.equal(seen.get("db")!.running, undefined);
    assert.equal(seen.get("db")!.atBoot, false);
  });

  it("takes rctl's refusal as text, and a cut-off output as an error", () => {
    const out =
      '{"__version": "2", "jail-information": {"jail": []}}\n@@n rctl\n' +
      "rctl: RACCT/RCTL present, but disabled; enable using kern.racct.enable=1 tunable\n@@n sysrc\nNO\n\n" +
      "@@n conf web\n@@n none\n@@n done\n";
    const web = parseInventory(out, ["web"], "n").get("web")!;
    assert.match(web.rctlError!, /RACCT\/RCTL present, but disabled/);
    assert.deepEqual(web.rules, []);
    assert.throws(() => parseInventory(out.replace("@@n done\n", ""), ["web"], "n"), /it stopped early/);
  });
});
