//go:build tools

// Package tools pins the Kubernetes commands `npm run cluster` builds: the wrapper requires
// k8s.io/kubernetes and replaces its staging modules with their published versions, which
// `go install` of k8s.io/kubernetes itself refuses to do.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
