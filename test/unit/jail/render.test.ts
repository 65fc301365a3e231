// The jail.conf renderer: golden files, and a round trip through jail(8)'s grammar (provider/jail/parse.ts)
// that must give back exactly the strings that went in.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { confString, jailParams, ownerOf, renderJailConf } from "../../../provider/jail/render";
import { effectiveParams, parseJailConf, resolveJail } from "../../../provider/jail/parse";
import type { JailSpec } from "../../../provider/jail/spec";

const FIXTURES = path.resolve(__dirname, "..", "..", "..", "..", "test", "fixtures", "jail");

/** Compares with test/fixtures/jail/NAME.conf; UPDATE_GOLDEN=1 rewrites the file instead. */
function golden(name: string, actual: string): void {
  const file = path.join(FIXTURES, `${name}.conf`);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(file, actual);
  }
  assert.equal(actual, readFileSync(file, "utf8"), `differs from ${file} (UPDATE_GOLDEN=1 rewrites it)`);
}

const noExec = { prestart: [], created: [], start: [], poststart: [], prestop: [], stop: [], poststop: [] };

export function webSpec(overrides: Partial<JailSpec> = {}): JailSpec {
  return {
    name: "web",
    owner: "quickstart/dev/Jail/web",
    hostname: "web.example.org",
    rootfs: {
      kind: "clone",
      snapshot: "zroot/images/freebsd-runtime@base",
      dataset: "zroot/jails/web",
      mountpoint: "/zroot/jails/web",
    },
    networking: { kind: "ip", interface: "em0", ip4: ["192.0.2.10/24"], ip6: [] },
    mounts: [
      {
        source: { kind: "dataset", dataset: "zroot/data/www", mountpoint: "/zroot/data/www" },
        target: "/usr/local/www",
        readOnly: true,
      },
      { source: { kind: "path", path: "/var/cache/pkg" }, target: "/var/cache/pkg", readOnly: false },
    ],
    exec: { ...noExec, start: ["/bin/sh /etc/rc"], stop: ["/bin/sh /etc/rc.shutdown jail"] },
    params: {
      persist: true,
      "mount.devfs": true,
      devfs_ruleset: ["4"],
      "allow.raw_sockets": true,
      "allow.set_hostname": false,
      "exec.clean": true,
      securelevel: ["2"],
    },
    ...overrides,
  };
}

// Quotes, a command substitution, backslashes, a variable-looking word, newlines, a tab, a control character.
const TRICKY_START = [
  `echo "it's $(date +%s)" > /var/run/started`,
  String.raw`printf '%s\n' "C:\dir\" \$HOME`,
  "line one\nline two\r\n\tindented",
  "bell\x07 and delete\x7f and ${name} and $name",
  "",
];

describe("jail.conf renderer", () => {
  it("renders a jail cloned from an image, with addresses, mounts and permissions (golden)", () => {
    golden("web", renderJailConf(webSpec()));
  });

  it("renders a vnet jail with the epair recipe around the user's own commands (golden)", () => {
    const spec = webSpec({
      name: "db",
      owner: "quickstart/dev/Jail/db",
      hostname: "db",
      rootfs: { kind: "dataset", dataset: "tank/jails/db", mountpoint: "/tank/jails/db" },
      networking: {
        kind: "vnet",
        bridge: "bridge0",
        epair: "db",
        address: "10.0.0.11/24",
        gateway: "10.0.0.1",
        mac: "58:9c:fc:00:00:11",
      },
      mounts: [],
      exec: {
        ...noExec,
        start: ["/bin/sh /etc/rc"],
        stop: ["/bin/sh /etc/rc.shutdown jail"],
        poststop: ["logger db stopped"],
      },
      params: { persist: true, "mount.devfs": true, devfs_ruleset: ["5"], "allow.raw_sockets": true },
    });
    golden("vnet", renderJailConf(spec));
  });

  it("renders a jail in a directory whose commands hold every special character (golden)", () => {
    const spec = webSpec({
      name: "odd_name-1",
      owner: 'proj/dev/Jail/a "quoted"\nname',
      hostname: "odd",
      rootfs: { kind: "path", path: "/usr/local/jails/odd" },
      networking: { kind: "inherit" },
      mounts: [],
      exec: { ...noExec, start: TRICKY_START },
      params: { "exec.clean": false, "allow.mount.zfs": true, sysvshm: ["new"] },
    });
    golden("tricky", renderJailConf(spec));
  });

  it("reads back, through jail(8)'s grammar, exactly the strings that went in", () => {
    const spec = webSpec({
      rootfs: { kind: "path", path: "/j/web" },
      exec: { ...noExec, start: TRICKY_START, poststop: ["a", "b"] },
    });
    const text = renderJailConf(spec);
    const resolved = resolveJail(parseJailConf(text), "web");
    assert.ok(resolved !== undefined);
    const effective = effectiveParams(resolved);
    assert.deepEqual(effective.get("exec.start"), TRICKY_START);
    for (const p of jailParams(spec)) {
      const expected = typeof p.value === "boolean" ? [String(p.value)] : p.value;
      assert.deepEqual(effective.get(p.name), expected, p.name);
    }
    assert.equal(effective.size, jailParams(spec).length);
  });

  it("keeps the owner on the header line, whatever characters it has", () => {
    const owner = 'proj/dev/Jail/a "quoted"\nname';
    const text = renderJailConf(webSpec({ owner }));
    assert.equal(ownerOf(text), owner);
    assert.equal(text.split("\n")[0]!.includes("\n"), false);
    assert.equal(ownerOf("web {\n}\n"), undefined);
  });

  it("refuses a NUL byte, which no jail.conf string can hold", () => {
    assert.throws(() => confString("a\0b"), /NUL/);
  });

  it("round-trips arbitrary strings (property)", () => {
    const special = fc.constantFrom(
      ..."\"'\\$(){}`;#/*,=+ \n\r\t\x01\x1b\x7fé€😀",
      "${",
      "$(",
      "/*",
      "*/",
      "//",
      "\\\n",
    );
    const unit = fc.oneof(special, fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit, maxLength: 24 }), { minLength: 1, maxLength: 4 }),
        fc.string({ unit, maxLength: 12 }),
        (commands, hostname) => {
          const spec = webSpec({ hostname, exec: { ...noExec, start: commands } });
          const effective = effectiveParams(resolveJail(parseJailConf(renderJailConf(spec)), "web")!);
          assert.deepEqual(effective.get("exec.start"), commands);
          assert.deepEqual(effective.get("host.hostname"), [hostname]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
