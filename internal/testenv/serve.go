package testenv

import (
	"net"
	"sync"
	"testing"
)

// Serve starts a fake server on 127.0.0.1:0 that runs handle on every
// connection it accepts, then closes the connection, and returns the
// server's address. When the test ends the listener closes and the
// handlers are waited for; a handler that must stall waits for t.Context().
func Serve(t testing.TB, handle func(c *net.TCPConn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ServeListener(t, ln, func(c net.Conn) { handle(c.(*net.TCPConn)) })
	return ln.Addr().String()
}

// ServeListener is Serve on a listener of any kind, a Unix domain
// socket's for instance.
func ServeListener(t testing.TB, ln net.Listener, handle func(c net.Conn)) {
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				handle(c)
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
}

// ClosedAddr returns a loopback address that nothing listens on: a connect
// to it is refused.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
