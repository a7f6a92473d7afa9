package socket

import (
	"context"
	"net"
)

// maxUnwrap bounds the wrappers TCPListenerOf looks through, so that one
// whose Unwrap returns itself cannot stop it.
const maxUnwrap = 8

// TCPListenerOf returns the TCP listener l is or wraps, through Unwrap()
// net.Listener methods, or nil.
func TCPListenerOf(l net.Listener) *net.TCPListener {
	for range maxUnwrap {
		switch v := l.(type) {
		case *net.TCPListener:
			return v
		case interface{ Unwrap() net.Listener }:
			l = v.Unwrap()
		default:
			return nil
		}
	}
	return nil
}

// ReusePortSiblings opens n more listeners bound to l's address with l's
// options, when l has SO_REUSEPORT (see ListenOptions), so that the kernel
// spreads new connections across them; else it opens none. If the system
// refuses one, it returns those it opened and the error.
func ReusePortSiblings(l *net.TCPListener, n int) ([]net.Listener, error) {
	opts, err := ListenOptionsOf(l)
	if err != nil || !opts.ReusePort {
		return nil, nil
	}
	lc := opts.ListenConfig()
	var siblings []net.Listener
	for range n {
		sl, err := lc.Listen(context.Background(), "tcp", l.Addr().String())
		if err != nil {
			return siblings, err
		}
		siblings = append(siblings, sl)
	}
	return siblings, nil
}
