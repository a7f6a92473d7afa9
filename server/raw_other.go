//go:build !linux

package server

import "net"

// rawSources returns nil: raw accepts are Linux's, and elsewhere every
// listener is accepted from with Accept (see netSource).
func rawSources(net.Listener, int) (net.Listener, []source) { return nil, nil }
