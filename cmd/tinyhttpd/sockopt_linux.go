package main

import (
	"errors"
	"net"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/tinyhttpd/tinyhttpd/config"
)

// Keep-alive probes of accepted connections: Go's defaults.
const (
	keepAliveIdle     = 15 // seconds of silence before the first probe
	keepAliveInterval = 15 // seconds between probes
	keepAliveCount    = 9  // unanswered probes before the connection is dropped
)

// deferAcceptSeconds is TCP_DEFER_ACCEPT's value: a connection that sends
// nothing is accepted after the first SYN-ACK retransmission, about a
// second, and then gets the usual ReadTimeout.
const deferAcceptSeconds = 1

// tuneListener sets the listener options that accepted connections inherit
// on Linux (see setListenerOptions). Keep-alive is set once on the listener
// rather than by Go on each accepted connection, which costs four
// setsockopt calls per exchange; the probes are the same.
func tuneListener(lc *net.ListenConfig, s config.Settings) {
	prev := lc.Control
	lc.KeepAlive = -1 // inherited from the listener instead
	lc.Control = func(network, address string, c syscall.RawConn) error {
		if prev != nil {
			if err := prev(network, address, c); err != nil {
				return err
			}
		}
		return setListenerOptions(c, s)
	}
}

// setListenerOptions sets keep-alive probes on a listening socket, and
// TCP_DEFER_ACCEPT when DeferAccept is set: the kernel then hands over a
// connection only once its first bytes have arrived, and the server reads
// it eagerly (see server.Serve). It serves sockets tinyhttpd opens and
// sockets systemd passes alike.
func setListenerOptions(c syscall.RawConn, s config.Settings) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		set := func(level, opt, v int) {
			serr = errors.Join(serr, unix.SetsockoptInt(int(fd), level, opt, v))
		}
		set(unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1)
		set(unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, keepAliveIdle)
		set(unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, keepAliveInterval)
		set(unix.IPPROTO_TCP, unix.TCP_KEEPCNT, keepAliveCount)
		if s.DeferAccept {
			set(unix.IPPROTO_TCP, unix.TCP_DEFER_ACCEPT, deferAcceptSeconds)
		}
	})
	return errors.Join(err, serr)
}
