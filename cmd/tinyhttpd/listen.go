package main

import (
	"context"
	"log/slog"
	"net"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/proxyprotocol"
	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// listen opens the protocol listener as the settings ask: with SO_REUSEPORT
// when ReusePort is set, so that a new tinyhttpd can bind the same address
// while this one drains; with TCP_DEFER_ACCEPT when DeferAccept is set, so
// that a connection is handed over once its first bytes have arrived; and
// behind the PROXY protocol when ProxyProtocol is set. Reading the header
// counts against ReadTimeout, since the header is the start of the request.
// Where accepted connections inherit keep-alive from the listener (Linux),
// it is set there once rather than by Go on each connection, which costs
// four system calls an exchange; the probes are the same.
func listen(s config.Settings, logger *slog.Logger) (net.Listener, error) {
	lc := socket.ListenOptions{DeferAccept: s.DeferAccept, ReusePort: s.ReusePort}.ListenConfig()
	l, err := lc.Listen(context.Background(), "tcp", s.Addr)
	if err != nil {
		return nil, err
	}
	if s.ProxyProtocol {
		l = proxyprotocol.NewListener(l, proxyprotocol.Config{
			Trusted:       s.ProxyProtocolFrom.Prefixes(),
			HeaderTimeout: min(s.ReadTimeout, proxyprotocol.DefaultHeaderTimeout),
			Logger:        logger,
		})
	}
	return l, nil
}
