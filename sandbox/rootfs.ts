// A login shell for sandbox hosts that gives each host its own filesystem: every command runs in a private
// mount namespace whose root is an overlay of this machine's root with <hostDir>/root on top. So
// `cat > /etc/jail.conf.d/web.conf`, `mkdir -p /zroot/jails/web/data` or `tar -x -C /zroot/images/base` change
// the simulated host (the files land in <hostDir>/root, where the simulated tools read them through
// tools/hostfs.ts), and never this machine. Pass it as SandboxOptions.loginShell.
//
// Other filesystems of this machine (/proc, /dev, /sys, a separate /tmp…) are bound in as they are, and so is
// the host directory itself: its state file and logs are the real ones, never copies in the overlay.
// Commands see PF_SANDBOX_ROOTFS=1: simulated tools may then use the host's paths as they are.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** This machine's own program: the simulated tools (mount among them) come first on a sandbox's PATH. */
function which(cmd: string): string {
  const r = spawnSync("/bin/sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`sandbox: ${cmd} is needed and not on PATH`);
  return r.stdout.trim();
}

const script = (mount: string, umount: string, unshare: string, chroot: string) => `#!/bin/sh
# pulumi-freebsd sandbox: run "$@" (-c COMMAND, or -i) inside the simulated host's own filesystem.
host=\${PF_SANDBOX_HOST_DIR:?PF_SANDBOX_HOST_DIR is not set}
mkdir -p "$host/root" "$host/fs" || exit 1
# Each session its own overlay work directory and mount point: concurrent sessions cannot share them.
sess=$(mktemp -d "$host/fs/session.XXXXXX") || exit 1
${unshare} --mount --propagation private /bin/sh -c '
host=$1; sess=$2; shift 2
mnt=$sess/mnt
mkdir "$mnt" "$sess/work" || exit 1
${mount} -t overlay pf-sandbox -o "lowerdir=/,upperdir=$host/root,workdir=$sess/work" "$mnt" || exit 1
bound=
# Shortest first, so that one recursive bind covers the mounts below it.
for m in $(awk "{ print \\$5 }" /proc/self/mountinfo | sort -u); do
  case $m in /|"$mnt"|"$mnt"/*|*\\\\*) continue ;; esac
  covered=
  for b in $bound; do case $m in "$b"/*) covered=1 ;; esac; done
  [ -n "$covered" ] || [ ! -d "$m" ] && continue
  mkdir -p "$mnt$m" 2>/dev/null && ${mount} --rbind "$m" "$mnt$m" && bound="$bound $m"
done
covered=
for b in $bound; do case $host in "$b"/*) covered=1 ;; esac; done
[ -n "$covered" ] || ${mount} --bind "$host" "$mnt$host" || exit 1
PF_SANDBOX_ROOTFS=1; export PF_SANDBOX_ROOTFS
${chroot} "$mnt" /bin/sh -c "cd \\"\\$HOME\\" 2>/dev/null || cd /; exec /bin/sh \\"\\$@\\"" sh "$@"
' sh "$host" "$sess" "$@"
status=$?
# The namespace and its mounts are gone with the process above, so only empty directories remain.
${umount} -R "$sess/mnt" 2>/dev/null
rm -rf "$sess"
exit $status
`;

let written: string | undefined;

/** The path of the login shell (written once per process, 0755, in the temporary directory). */
export function rootfsShell(): string {
  if (written !== undefined) return written;
  const dir = path.join(tmpdir(), `pf-sandbox-rootfs-${process.getuid?.() ?? 0}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "rootfs-shell.sh");
  writeFileSync(file, script(which("mount"), which("umount"), which("unshare"), which("chroot")), { mode: 0o755 });
  chmodSync(file, 0o755);
  written = file;
  return file;
}
