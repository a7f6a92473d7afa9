//go:build !linux

package main

import (
	"errors"
	"net"
	"syscall"

	"github.com/tinyhttpd/tinyhttpd/config"
)

// tuneListener refuses DeferAccept, TCP_DEFER_ACCEPT being Linux's; Go sets
// keep-alive on each accepted connection.
func tuneListener(lc *net.ListenConfig, s config.Settings) {
	if !s.DeferAccept {
		return
	}
	lc.Control = func(string, string, syscall.RawConn) error {
		return errors.New("TINYHTTPD_DEFER_ACCEPT: TCP_DEFER_ACCEPT is not supported on this system")
	}
}
