//go:build tools

// Package tools pins helm 3's command so that go.sum covers everything it needs.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
