// Package tinyhttpd holds the files built into the binaries: the default
// routes table and the sample files it serves, so that tinyhttpd runs with no
// setup at all.
package tinyhttpd

import "embed"

// DefaultFiles holds testdata/routes.yaml and the files under testdata/public
// that it names. Paths in the routes file are relative to testdata/.
//
//go:embed testdata/routes.yaml testdata/public
var DefaultFiles embed.FS
