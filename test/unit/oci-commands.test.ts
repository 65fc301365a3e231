// The OCI argv builders and scripts: golden argv, and the scripts run by a real /bin/sh.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  authFileContent,
  envFileContent,
  joinWords,
  materialiseRootfs,
  podmanPull,
  podmanRun,
  privateFile,
  skopeoInspect,
  withPrivateFile,
  zfsCreateOwned,
  zfsListTemplate,
} from "../../provider/oci/commands";

function sh(script: string, stdin = "", env: Record<string, string> = {}) {
  return spawnSync("/bin/sh", ["-c", script], { input: stdin, encoding: "utf8", env: { ...process.env, ...env } });
}

describe("podman run", () => {
  it("renders every setting as its own word, annotations sorted", () => {
    const argv = podmanRun({
      name: "web",
      image: "docker.io/freebsd/freebsd-runtime:14.3",
      owner: "demo/dev/Container/web",
      command: ["/usr/local/sbin/nginx", "-g", "daemon off;"],
      withEnvFile: true,
      ports: [
        { hostPort: 8080, containerPort: 80, protocol: "tcp" },
        { hostPort: 5353, containerPort: 53, protocol: "udp", hostIp: "127.0.0.1" },
        { hostPort: 8443, containerPort: 443, protocol: "tcp", hostIp: "::1" },
      ],
      volumes: [
        { hostPath: "/zroot/data/web", target: "/usr/local/www", readOnly: true },
        { hostPath: "/var/log/web", target: "/var/log/nginx", readOnly: false },
      ],
      restart: "always",
      annotations: { "org.freebsd.jail.vnet": "new", "org.freebsd.jail.allow.raw_sockets": "true" },
      network: "podman",
    });
    assert.deepEqual(argv, [
      "podman", "run", "--detach", "--name", "web", "--label", "pulumi-freebsd:owner=demo/dev/Container/web",
      "--env-file", privateFile,
      "--publish", "8080:80/tcp", "--publish", "127.0.0.1:5353:53/udp", "--publish", "[::1]:8443:443/tcp",
      "--volume", "/zroot/data/web:/usr/local/www:ro", "--volume", "/var/log/web:/var/log/nginx",
      "--restart", "always",
      "--annotation", "org.freebsd.jail.allow.raw_sockets=true", "--annotation", "org.freebsd.jail.vnet=new",
      "--network", "podman",
      "docker.io/freebsd/freebsd-runtime:14.3", "/usr/local/sbin/nginx", "-g", "daemon off;",
    ]); // prettier-ignore
    assert.equal(
      joinWords(argv).split(" --env-file ")[1]?.split(" ")[0],
      '"$pf_file"',
      "the env file is the script's variable, expanded as one word",
    );
  });

  it("writes env files podman reads literally: KEY=VALUE per line, quotes and spaces kept", () => {
    assert.equal(envFileContent({ B: "two words", A: 'it\'s "x" $HOME' }), 'A=it\'s "x" $HOME\nB=two words\n');
  });
});

describe("registry commands", () => {
  it("pulls with the private auth file and a platform, inspects with the same file", () => {
    assert.deepEqual(podmanPull("docker.io/freebsd/freebsd-runtime@sha256:" + "a".repeat(64), { platform: "freebsd/amd64", withAuth: true }), [
      "podman", "pull", "--authfile", privateFile, "--platform", "freebsd/amd64",
      `docker.io/freebsd/freebsd-runtime@sha256:${"a".repeat(64)}`,
    ]); // prettier-ignore
    assert.deepEqual(podmanPull("ghcr.io/freebsd/freebsd-static:14.3"), [
      "podman",
      "pull",
      "ghcr.io/freebsd/freebsd-static:14.3",
    ]);
    assert.deepEqual(skopeoInspect("r.example:5000/a/b:1", { withAuth: true }), [
      "skopeo", "inspect", "--raw", "--no-tags", "--authfile", privateFile, "docker://r.example:5000/a/b:1",
    ]); // prettier-ignore
  });

  it("builds the auth file podman login would write", () => {
    const text = authFileContent("127.0.0.1:5000", "pulumi", "p:ss w0rd");
    assert.deepEqual(JSON.parse(text), {
      auths: { "127.0.0.1:5000": { auth: Buffer.from("pulumi:p:ss w0rd").toString("base64") } },
    });
  });
});

describe("withPrivateFile", () => {
  it("hands stdin to the command as a 0600 file and removes it, whatever the command's exit status", () => {
    const tmp = mkdtempSync(path.join(tmpdir(), "pf-private-"));
    try {
      const script = withPrivateFile("secret.env", [
        ["sh", "-c", 'stat -c %a "$1"; cat "$1"', "sh", privateFile],
        ["sh", "-c", "exit 3"],
      ]);
      const result = sh(script, "TOKEN=s3cr3t\n", { TMPDIR: tmp });
      assert.equal(result.stdout, "600\nTOKEN=s3cr3t\n");
      assert.equal(result.status, 3, "the commands' status is the script's");
      assert.deepEqual(readdirSync(tmp), [], "nothing is left behind");
      assert.ok(!script.includes("s3cr3t"), "the secret is not in the script");
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("passes any argv through /bin/sh unchanged (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom(..."a '\"$`\\;|&*?()\n!#~é") }), { maxLength: 5 }),
        (words) => {
          const result = sh(withPrivateFile("f", [["printf", "%s\\0", ...words]]), "");
          assert.deepEqual(result.stdout.split("\0").slice(0, -1), words.length === 0 ? [""] : words);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("root filesystem scripts", () => {
  it("creates the parents, then the dataset with its owner, in one script", () => {
    assert.equal(
      zfsCreateOwned("zroot/images/freebsd-runtime-14.3", "demo/dev/RootFs/base"),
      "zfs create -p zroot/images && zfs create -o pulumi-freebsd:owner=demo/dev/RootFs/base zroot/images/freebsd-runtime-14.3",
    );
    assert.equal(zfsCreateOwned("zroot/template", "o"), "zfs create -o pulumi-freebsd:owner=o zroot/template");
    assert.deepEqual(zfsListTemplate("zroot/t"), [
      "zfs", "list", "-H", "-p", "-o", "name,mountpoint,pulumi-freebsd:owner", "-t", "filesystem,snapshot", "-d", "1", "zroot/t",
    ]); // prettier-ignore
  });

  it("exports through a file, fails when a step fails, and always removes the work container", () => {
    // A fake podman and tar record what they were asked and fail on request.
    const bin = mkdtempSync(path.join(tmpdir(), "pf-fake-"));
    try {
      const log = path.join(bin, "log");
      const fake = (name: string, failOn: string) =>
        `#!/bin/sh\necho "${name} $*" >> ${log}\ncase "$*" in *${failOn}*) exit 9;; esac\n` +
        (name === "podman" ? 'if [ "$1" = export ]; then : > "$3"; fi\n' : "") +
        "exit 0\n";
      const write = (name: string, failOn: string) => {
        writeFileSync(path.join(bin, name), fake(name, failOn), { mode: 0o755 });
      };
      const script = materialiseRootfs(
        "docker.io/freebsd/freebsd-static:14.3",
        "/zroot/images/s",
        "pulumi-rootfs-1",
        "o/s/RootFs/r",
      );
      write("podman", "never");
      write("tar", "never");
      let r = sh(script, "", { PATH: `${bin}:/usr/bin:/bin` });
      assert.equal(r.status, 0, r.stderr);
      const lines = readFileSync(log, "utf8").trim().split("\n");
      assert.deepEqual(
        lines.map((l) => l.replace(/\/tmp\/tmp\.[^/ ]+|\/[^ ]*pf-[^ ]*/g, "TMP")),
        [
          "podman rm --force pulumi-rootfs-1",
          "podman create --name pulumi-rootfs-1 --label pulumi-freebsd:owner=o/s/RootFs/r docker.io/freebsd/freebsd-static:14.3 /usr/bin/true",
          "podman export --output TMP/rootfs.tar pulumi-rootfs-1",
          "tar -x -p -f TMP/rootfs.tar -C /zroot/images/s",
          "podman rm --force pulumi-rootfs-1",
        ],
      );
      rmSync(log);
      write("podman", "export");
      r = sh(script, "", { PATH: `${bin}:/usr/bin:/bin` });
      assert.equal(r.status, 9, "a failed export fails the script");
      const after = readFileSync(log, "utf8").trim().split("\n");
      assert.ok(!after.some((l) => l.startsWith("tar ")), "tar does not run after a failed export");
      assert.equal(after.pop(), "podman rm --force pulumi-rootfs-1");
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
