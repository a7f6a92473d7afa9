package server

import (
	"context"
	"net"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// testListen makes the listener of startServer, and suiteSetup, if set,
// sets up each server it starts: the exchange suites run the same tests
// over every path (paths_linux_test.go).
var (
	testListen = func() (net.Listener, error) { return listenTCP(socket.ListenOptions{}) }
	suiteSetup func(*Server)
)

// listenTCP listens on a fresh loopback port with o, as tinyhttpd does.
func listenTCP(o socket.ListenOptions) (net.Listener, error) {
	lc := o.ListenConfig()
	return lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
}
