#!/usr/bin/env bash
# The demo: a sandbox FreeBSD host, doctor, pulumi up with the real CLI, a look at the host, destroy.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$PF_ROOT"
bash scripts/setup.sh >&2
# Again: on a fresh machine setup has just installed the Node that env.sh puts first on PATH.
. scripts/env.sh
node dist/examples/demo/main.js
