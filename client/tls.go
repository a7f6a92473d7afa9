package client

import (
	"context"
	"crypto/tls"
	"net"
)

// handshake runs a TLS handshake on conn as c.TLSConfig says, under ctx,
// and returns the TLS connection: its CloseWrite sends close_notify, the
// half-close of the exchange over TLS. Without a ServerName in the
// configuration, the host of addr is verified. A failed handshake closes
// conn and is an *Error of Kind Connect, Op "tls handshake".
func (c *Client) handshake(ctx context.Context, conn net.Conn, addr string) (net.Conn, error) {
	cfg := c.TLSConfig
	if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			cfg = cfg.Clone()
			cfg.ServerName = host
		}
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		e := dialError(ctx, err)
		e.Op = "tls handshake"
		return nil, e
	}
	return tc, nil
}
