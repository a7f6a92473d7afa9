package client

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"net"
	"slices"

	"github.com/tinyhttpd/tinyhttpd/internal/tlseof"
)

// handshake runs a TLS handshake on conn as c.TLSConfig says, under ctx,
// checks the server's public key against c.PinnedKeys, and returns the TLS
// connection: its CloseWrite sends close_notify, the half-close of the
// exchange over TLS. It also returns the connection under it, which tells
// the server's close_notify from a bare FIN. Without a ServerName in the
// configuration, the host of addr is verified. A failed handshake closes
// conn and is an *Error with Op "tls handshake" and Kind TLSVerify,
// PinnedKey or TLSHandshake (or Timeout, Canceled).
func (c *Client) handshake(ctx context.Context, conn net.Conn, addr string) (net.Conn, *tlseof.Conn, error) {
	cfg := c.TLSConfig
	if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			cfg = cfg.Clone()
			cfg.ServerName = host
		}
	}
	under := &tlseof.Conn{Conn: conn}
	tc := tls.Client(under, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, nil, handshakeError(ctx, err)
	}
	st := tc.ConnectionState()
	if len(c.PinnedKeys) > 0 {
		sum := sha256.Sum256(st.PeerCertificates[0].RawSubjectPublicKeyInfo)
		if !slices.Contains(c.PinnedKeys, sum) {
			// Closed under TLS: not a byte of the request, nor a
			// close_notify, goes to a server that is not the one pinned.
			conn.Close()
			return nil, nil, &Error{Kind: PinnedKey, Op: "tls handshake", Err: errors.New("the server's public key, sha256//" + base64.StdEncoding.EncodeToString(sum[:]) + ", is not pinned")}
		}
	}
	if c.Trace != nil {
		c.Trace(Event{Kind: EventTLSHandshake, TLS: &st})
	}
	return tc, under, nil
}

// handshakeError classifies a failed handshake.
func handshakeError(ctx context.Context, err error) *Error {
	e := dialError(ctx, err)
	e.Op = "tls handshake"
	var verr *tls.CertificateVerificationError
	switch {
	case e.Kind == Timeout || e.Kind == Canceled:
	case errors.As(err, &verr):
		e.Kind = TLSVerify
	default:
		e.Kind = TLSHandshake
	}
	return e
}
