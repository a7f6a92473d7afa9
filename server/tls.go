package server

import (
	"context"
	"crypto/tls"
	"net"

	"github.com/tinyhttpd/tinyhttpd/internal/tlseof"
)

// startTLS wraps c, the connection accepted for ex, in a TLS server
// connection and runs the handshake under the deadlines c has, which are
// those of the request. It reports whether the handshake completed; when it
// did not, the exchange ends as EndHandshakeFailed and the reason is logged
// at debug level. The exchange then reads from and writes to the TLS
// connection; the TCP connection stays reachable for SetLinger. A panic in
// the handshake, as in a GetCertificate, is logged and fails it.
func (ex *exchange) startTLS(c net.Conn, cfg *tls.Config) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			ex.srv.logPanic(ex.rec.RemoteString(), p)
			ex.rec.End, ok = EndHandshakeFailed, false
		}
	}()
	ex.tcp = c
	if wc, ok := c.(writeConner); ok {
		ex.tcp = wc.WriteConn()
	}
	ex.under = &tlseof.Conn{Conn: c}
	tc := tls.Server(ex.under, cfg)
	ex.conn, ex.wconn = tc, tc
	if err := tc.HandshakeContext(context.Background()); err != nil {
		ex.rec.End = EndHandshakeFailed
		ex.srv.logger().Debug("TLS handshake failed", "remote", ex.rec.RemoteString(), "err", err)
		return false
	}
	st := tc.ConnectionState()
	if len(st.VerifiedChains) > 0 && len(st.VerifiedChains[0]) > 0 {
		ex.rec.ClientSubject = st.VerifiedChains[0][0].Subject.String()
	}
	return true
}

// truncated reports whether a TLS request read to its EOF ended with a bare
// FIN instead of a close_notify: a request an attacker may have cut short.
func (ex *exchange) truncated() bool {
	return ex.under != nil && ex.under.FIN()
}

// endOfRequest names what ends a request on the exchange's connection, for
// the 408's reason.
func (ex *exchange) endOfRequest() string {
	if ex.under != nil {
		return "a TLS close_notify"
	}
	return "a half-close"
}
