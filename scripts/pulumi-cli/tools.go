//go:build tools

// Package tools pins the Pulumi CLI that scripts/build-pulumi.sh builds from the Go module proxy.
// pkg/v3's own go.mod replaces sdk/v3 with a relative path, so `go install …@version` fails;
// this wrapper module requires pkg/v3 and sdk/v3 at the same version instead.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
