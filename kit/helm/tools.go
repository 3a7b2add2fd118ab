//go:build tools

// Pins helm's command in go.mod; build.sh builds it from here.
package tools

import _ "helm.sh/helm/v4/cmd/helm"
