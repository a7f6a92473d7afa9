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
	lc.Control = func(_, _ string, c syscall.RawConn) error { return setListenerOptions(c, s) }
}

// setListenerOptions refuses DeferAccept and sets nothing else.
func setListenerOptions(_ syscall.RawConn, s config.Settings) error {
	if s.DeferAccept {
		return errors.New("TINYHTTPD_DEFER_ACCEPT: TCP_DEFER_ACCEPT is not supported on this system")
	}
	return nil
}
