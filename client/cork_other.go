//go:build !linux

package client

import "net"

// cork does nothing: TCP_CORK is Linux's.
func cork(net.Conn) {}
