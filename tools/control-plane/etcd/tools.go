//go:build tools

// Package tools pins etcd's server (its main package is the module's root), built through this
// wrapper because go.etcd.io/etcd/server/v3 replaces its sibling modules with local folders.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
