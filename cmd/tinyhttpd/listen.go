package main

import (
	"context"
	"log/slog"
	"net"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/proxyprotocol"
)

// listen opens the protocol listener as the settings ask: with SO_REUSEPORT
// when ReusePort is set, so that a new tinyhttpd can bind the same address
// while this one drains; and behind the PROXY protocol when ProxyProtocol is
// set. Reading the header counts against ReadTimeout, since the header is
// the start of the request.
func listen(s config.Settings, logger *slog.Logger) (net.Listener, error) {
	var lc net.ListenConfig
	if s.ReusePort {
		lc.Control = reusePort
	}
	tuneListener(&lc, s)
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
