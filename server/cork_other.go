//go:build !linux

package server

import "net"

// corkListener does nothing: TCP_CORK is Linux's.
func corkListener(net.Listener) {}
