//go:build tools

// Package tools pins helm's command so that go.sum covers everything it needs.
package tools

import _ "helm.sh/helm/v4/cmd/helm"
