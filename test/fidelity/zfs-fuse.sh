#!/usr/bin/env bash
# Starts and stops a real (old) ZFS for the fidelity test: Debian's zfs-fuse daemon with a file-backed pool named
# like the sandbox's (zroot), with atime=off as a FreeBSD installer pool has it. Nothing is mounted: zfs-fuse on
# this kernel cannot unmount its FUSE mounts (rename, destroy and zpool destroy then fail with "busy").
#   zfs-fuse.sh start WORKDIR   prints nothing; exits non-zero with a reason when it cannot start
#   zfs-fuse.sh stop WORKDIR    destroys the pool, stops the daemon it started, removes WORKDIR's files
set -euo pipefail

cmd=${1:?usage: zfs-fuse.sh start|stop WORKDIR}
work=${2:?usage: zfs-fuse.sh start|stop WORKDIR}
socket=/var/run/zfs/zfs_socket

case "$cmd" in
start)
  [ -c /dev/fuse ] || { echo "/dev/fuse is missing: zfs-fuse needs the fuse kernel module (modprobe fuse) or a container started with --device /dev/fuse" >&2; exit 1; }
  [ -x /sbin/zfs-fuse ] || { echo "zfs-fuse is not installed: apt-get install -y zfs-fuse" >&2; exit 1; }
  if pgrep -x zfs-fuse >/dev/null; then echo "a zfs-fuse daemon is already running; stop it first" >&2; exit 1; fi
  mkdir -p "$work"
  truncate -s 256M "$work/disk0"
  # -a 0 -e 0: no FUSE attribute or entry caching, so unmounts are not held back by the kernel's caches.
  setsid /sbin/zfs-fuse --no-daemon --no-kstat-mount -a 0 -e 0 >"$work/daemon.log" 2>&1 </dev/null &
  echo $! >"$work/daemon.pid"
  for _ in $(seq 40); do [ -S "$socket" ] && break; sleep 0.25; done
  [ -S "$socket" ] || { echo "zfs-fuse did not start: $(cat "$work/daemon.log")" >&2; exit 1; }
  # cachefile=none: the pool is not imported again by a later daemon.
  /sbin/zpool create -o cachefile=none -O atime=off -m none zroot "$work/disk0" 2>/dev/null
  ;;
stop)
  /sbin/zpool destroy -f zroot 2>/dev/null || true
  if [ -f "$work/daemon.pid" ]; then
    pid=$(cat "$work/daemon.pid")
    kill "$pid" 2>/dev/null || true
    # The daemon takes a few seconds to exit; the next start must not find it.
    for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -rf "$work"
  ;;
*)
  echo "usage: zfs-fuse.sh start|stop WORKDIR" >&2
  exit 2
  ;;
esac
