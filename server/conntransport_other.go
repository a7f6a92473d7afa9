//go:build !unix

package server

import "net"

// newConnTransport returns nil: connections are read and written with
// calls that return at once on Unix only; elsewhere every exchange runs in
// a goroutine of its own.
func newConnTransport(net.Conn) transport { return nil }
