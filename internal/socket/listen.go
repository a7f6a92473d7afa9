package socket

import (
	"errors"
	"net"
	"syscall"
)

// Keep-alive probes of accepted connections: Go's defaults.
const (
	keepAliveIdle     = 15 // seconds of silence before the first probe
	keepAliveInterval = 15 // seconds between probes
	keepAliveCount    = 9  // unanswered probes before the connection is dropped
)

// deferAcceptSeconds is TCP_DEFER_ACCEPT's value: a connection that sends
// nothing is handed over after the first SYN-ACK retransmission, about a
// second, and then gets the server's usual read timeout.
const deferAcceptSeconds = 1

// ListenOptions are options set on a listening socket before it binds.
// Options the system lacks (see HasDeferAccept and HasReusePort) are
// ignored.
type ListenOptions struct {
	// DeferAccept hands a connection over only once its first bytes have
	// arrived (TCP_DEFER_ACCEPT on Linux).
	DeferAccept bool
	// ReusePort lets other sockets of the same user bind the same address
	// (SO_REUSEPORT); the kernel spreads new connections across them.
	ReusePort bool
}

// Control returns a net.ListenConfig.Control function that sets o. Where
// accepted connections inherit keep-alive from their listener (Linux), it
// also turns keep-alive on there, with Go's default probes, so that the
// ListenConfig's KeepAlive can be -1 and Go need not set it on each
// connection; InheritsKeepAlive says whether it does.
func (o ListenOptions) Control(network, address string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) { serr = o.set(int(fd)) })
	return errors.Join(err, serr)
}

// ListenConfig returns a net.ListenConfig that sets o on the sockets it
// opens, which are plain TCP: Go otherwise listens with Multipath TCP where
// the system has it, whose sockets lack some of TCP's options, socket
// filters among them (see PauseAccepting). Where accepted connections
// inherit keep-alive from their listener, the config leaves it to the
// listener.
func (o ListenOptions) ListenConfig() net.ListenConfig {
	lc := net.ListenConfig{Control: o.Control}
	lc.SetMultipathTCP(false)
	if InheritsKeepAlive {
		lc.KeepAlive = -1
	}
	return lc
}
