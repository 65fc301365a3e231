#!/usr/bin/env bash
# The whole test suite: static checks, then unit, sandbox and engine tests in one node:test run.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$PF_ROOT"
bash scripts/setup.sh
# Again: on a fresh machine setup has just installed the Node that env.sh puts first on PATH.
. scripts/env.sh
npm run --silent typecheck
npm run --silent lint
npm run --silent format:check
# Each engine test has its own project directory and file backend; nothing leaks between runs.
node --test --test-concurrency="${PF_TEST_CONCURRENCY:-2}" "dist/test/**/*.test.js"
