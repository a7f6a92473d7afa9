//go:build !unix

package main

import (
	"errors"
	"syscall"
)

// reusePort fails: SO_REUSEPORT is a Unix socket option.
func reusePort(network, address string, c syscall.RawConn) error {
	return errors.New("TINYHTTPD_REUSEPORT: SO_REUSEPORT is not supported on this system")
}
