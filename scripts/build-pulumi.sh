#!/usr/bin/env bash
# Builds the Pulumi CLI offline from the Go module proxy and caches it by version.
# Writes into $PF_PULUMI_BIN: pulumi, and pulumi-resource-pulumi-nodejs (the dynamic provider host).
set -euo pipefail
. "$(dirname "$0")/env.sh"

mkdir -p "$PF_PULUMI_BIN"
want="${PF_PULUMI_VERSION}"

# 1. The CLI. The wrapper module in scripts/pulumi-cli pins pkg/v3 and sdk/v3 (with go.sum).
if [ -x "$PF_PULUMI_BIN/pulumi" ] && [ "$("$PF_PULUMI_BIN/pulumi" version 2>/dev/null)" = "$want" ]; then
  echo "pulumi $want: cached in $PF_PULUMI_BIN"
else
  command -v go >/dev/null || { echo "build-pulumi: Go is needed to build the Pulumi CLI" >&2; exit 1; }
  pinned=$(sed -n "s|.*github.com/pulumi/pulumi/pkg/v3 \(v[0-9.]*\).*|\1|p" "$PF_ROOT/scripts/pulumi-cli/go.mod" | head -n 1)
  [ "$pinned" = "$want" ] || { echo "build-pulumi: scripts/pulumi-cli pins $pinned, not $want" >&2; exit 1; }
  echo "pulumi $want: building from the Go module proxy (a few minutes, once)"
  start=$(date +%s)
  (cd "$PF_ROOT/scripts/pulumi-cli" &&
    go build -trimpath -o "$PF_PULUMI_BIN/pulumi.tmp" \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$want" \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  mv "$PF_PULUMI_BIN/pulumi.tmp" "$PF_PULUMI_BIN/pulumi"
  echo "pulumi $want: built in $(( $(date +%s) - start ))s"
fi

# 2. The dynamic provider host. Pulumi's release ships it as a tiny script; this is ours.
# The engine starts it in the program's directory, so @pulumi/pulumi resolves from there.
cat >"$PF_PULUMI_BIN/pulumi-resource-pulumi-nodejs.tmp" <<'SH'
#!/bin/sh
# Written by pulumi-freebsd scripts/build-pulumi.sh: runs @pulumi/pulumi's dynamic provider host.
entry=$(node -p 'require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd()] })') || exit 1
exec node "$entry" "$@"
SH
chmod 0755 "$PF_PULUMI_BIN/pulumi-resource-pulumi-nodejs.tmp"
mv "$PF_PULUMI_BIN/pulumi-resource-pulumi-nodejs.tmp" "$PF_PULUMI_BIN/pulumi-resource-pulumi-nodejs"

# 3. The Node.js language host (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not
# built: the module proxy reachable here refuses every version of that module (403 "This module version is
# not available"). Nothing in this repo needs it: tests and the demo run programs inline through the
# Automation API, which hands the engine its own language server (`pulumi up --client=…`).
