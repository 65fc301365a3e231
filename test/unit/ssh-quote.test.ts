// The one quoting function: golden cases, and property tests through real shells (sh, and tcsh as a
// FreeBSD root login shell would be) showing that the far side receives exactly the argv we sent.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import fc from "fast-check";
import { quote, remoteCommand, shellChain, shellJoin } from "../../provider/ssh/quote";

/** Runs `command` the way sshd does: `$SHELL -c command`; the script prints each argument NUL-terminated. */
function receivedArgv(loginShell: string, argv: string[]): string[] {
  const command = remoteCommand(shellJoin(["printf", "%s\\0", ...argv]));
  const run = spawnSync(loginShell, ["-c", command], { encoding: "utf8" });
  assert.equal(run.status, 0, `${loginShell} failed: ${run.stderr}\ncommand: ${command}`);
  return run.stdout.split("\0").slice(0, -1);
}

// Everything but NUL, with the characters shells care about made likely.
const nasty = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(..."'\"`$()\\\n\t !#&;|<>*?[]{}~%^\r é€😀"), maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 12 }).map((s) => s.replace(/\0/g, "")),
);

describe("quote", () => {
  it("leaves safe words alone and single-quotes the rest", () => {
    assert.equal(quote("zroot/jails/web"), "zroot/jails/web");
    assert.equal(quote("compression=lz4"), "compression=lz4");
    assert.equal(quote(""), "''");
    assert.equal(quote("a b"), "'a b'");
    assert.equal(quote("it's"), `'it'\\''s'`);
    assert.equal(quote("$(reboot)"), "'$(reboot)'");
    assert.equal(quote("~root"), "'~root'");
  });

  it("refuses a NUL byte with a clear error", () => {
    assert.throws(() => quote("a\0b"), /cannot pass a NUL byte in a command argument/);
    assert.throws(() => shellJoin(["zfs", "create", "x\0y"]), /NUL byte/);
  });

  it("refuses an empty command", () => {
    assert.throws(() => shellJoin([]), /empty command/);
    assert.throws(() => shellChain([]), /empty command chain/);
  });

  it("chains commands with &&, quoting argv and keeping built fragments", () => {
    assert.equal(
      shellChain([["zfs", "create", "-p", "zroot/a b"], "echo ok", ["sysrc", "x=$(y)"]]),
      "zfs create -p 'zroot/a b' && echo ok && sysrc 'x=$(y)'",
    );
  });

  it("keeps scripts with newlines or ! out of the login shell's reach", () => {
    const cmd = remoteCommand("echo 'a\nb!'");
    assert.doesNotMatch(cmd, /[\n!]/);
    assert.match(remoteCommand("true", "doas"), /^doas -n \/bin\/sh -c true$/);
  });

  for (const shell of ["/bin/sh", "/usr/bin/tcsh"]) {
    it(`delivers arbitrary argv exactly through ${shell} as the login shell`, () => {
      fc.assert(
        fc.property(fc.array(nasty, { minLength: 1, maxLength: 6 }), (argv) => {
          assert.deepEqual(receivedArgv(shell, argv), argv);
        }),
        { numRuns: 150 },
      );
    });
  }
});
