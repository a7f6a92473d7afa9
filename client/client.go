package client

import (
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/tlseof"
)

// DefaultMaxHeaderBytes is the limit on a reply's header section when
// Client.MaxHeaderBytes is zero.
const DefaultMaxHeaderBytes = 64 << 10

// Client runs exchanges. Its zero value is ready to use, and one Client may
// run any number of exchanges at once; its fields must not change meanwhile.
type Client struct {
	// ConnectTimeout bounds name resolution, the TCP connect and, over
	// TLS, the handshake together, like curl's --connect-timeout; running
	// out is an *Error of Kind Timeout. If zero or negative, only the
	// context bounds them.
	ConnectTimeout time.Duration

	// MaxHeaderBytes bounds the reply's header section, status line and
	// final empty line included; a larger one fails with Kind HeaderTooLarge, so
	// a server that sends header lines forever cannot grow the client's
	// memory. If zero or negative, DefaultMaxHeaderBytes.
	MaxHeaderBytes int

	// Dialer, if non-nil, makes the connections, for settings such as
	// LocalAddr or KeepAlive. ConnectTimeout, if non-zero, takes the place
	// of its Timeout. If nil, a zero net.Dialer is used.
	Dialer *net.Dialer

	// Network is the network to dial: "tcp4" or "tcp6" resolve and connect
	// over that IP version only, like curl's -4 and -6. If empty, "tcp".
	Network string

	// TLSConfig, if non-nil, runs every exchange over TLS: a handshake
	// after the connect, and close_notify as the half-close (see
	// handshake). Its ClientSessionCache, if set, lets exchanges resume
	// sessions.
	TLSConfig *tls.Config

	// PinnedKeys, if not empty, are the SHA-256 hashes of the public keys
	// (their DER SubjectPublicKeyInfo) the server may present over TLS,
	// like curl's --pinnedpubkey: another key fails the handshake with
	// Kind PinnedKey, even when the certificate is not verified.
	PinnedKeys [][sha256.Size]byte

	// Trace, if non-nil, is called at each step of every exchange. Calls for
	// one exchange never overlap, and none happen after Do has returned an
	// error or the Response's Body.Close has returned. If nil, tracing costs
	// nothing.
	Trace func(Event)
}

var zeroDialer net.Dialer

// Do runs one exchange with the server at addr, a "host:port" (a literal IP
// saves a lookup per exchange): it connects, writes req, half-closes unless
// req.NoHalfClose, and reads the reply's header section. It returns once the
// header section is in; the body streams from resp.Body, which the caller
// must read and Close. Close ends the connection and waits for the request
// writer, so no goroutine outlives it.
//
// ctx bounds the whole exchange, reading the body included, like curl's
// --max-time: its deadline becomes the connection's, and canceling it
// interrupts any read or write.
//
// Every error from Do is an *Error, and so is every error from resp.Body.Read
// before Close other than io.EOF, which ends a complete body.
func (c *Client) Do(ctx context.Context, addr string, req *Request) (*Response, error) {
	var body io.ReadCloser
	if req.GetBody != nil {
		var err error
		if body, err = req.GetBody(); err != nil {
			return nil, &Error{Kind: Send, Op: "open request body", Err: err}
		}
	}
	connectCtx, cancel := ctx, context.CancelFunc(func() {})
	if c.ConnectTimeout > 0 {
		connectCtx, cancel = context.WithTimeout(ctx, c.ConnectTimeout)
	}
	defer cancel()
	conn, err := c.dial(connectCtx, addr)
	if err != nil {
		closeBody(body)
		return nil, dialError(ctx, err)
	}
	if c.Trace != nil {
		c.Trace(Event{Kind: EventConnected, Local: conn.LocalAddr(), Remote: conn.RemoteAddr()})
	}
	var under *tlseof.Conn
	if c.TLSConfig != nil {
		if conn, under, err = c.handshake(connectCtx, conn, addr); err != nil {
			closeBody(body)
			return nil, err
		}
	}
	x := newExchange(ctx, conn, req, body, c.maxHeaderBytes(), c.Trace)
	x.reply.tls = under
	if err := x.readHead(&x.resp, req.method() == "HEAD"); err != nil {
		err = x.sendFailure(err)
		x.Close()
		return nil, err
	}
	x.resp.Body = x
	return &x.resp, nil
}

// closeBody closes a request body from GetBody, if any, that no exchange
// took: an exchange closes its own once sent.
func closeBody(body io.ReadCloser) {
	if body != nil {
		body.Close()
	}
}

// dial connects to addr. A localhost name is the loopback addresses, tried
// in turn (see loopbackAddrs); other names are resolved as the system
// says. When tracing, it reports each address it tries.
func (c *Client) dial(ctx context.Context, addr string) (net.Conn, error) {
	network := c.Network
	if network == "" {
		network = "tcp"
	}
	addrs := loopbackAddrs(network, addr)
	if addrs == nil {
		return c.dialOne(ctx, network, addr)
	}
	var first error
	for _, a := range addrs {
		conn, err := c.dialOne(ctx, network, a)
		if err == nil || ctx.Err() != nil {
			return conn, err
		}
		// The first address's error is the one to report, as Go's own
		// dialer does: 127.0.0.1's refusal, not the EADDRNOTAVAIL of a
		// machine without ::1.
		first = cmp.Or(first, err)
	}
	return nil, first
}

// loopbackAddrs returns, for an addr whose host is "localhost" or a name
// under it, the loopback addresses of network with addr's port, IPv4 first
// (tinyhttpd's default address): RFC 6761 section 6.3 makes those names
// the loopback addresses whatever a resolver says, and curl resolves them
// so, where a hosts file that maps localhost to 127.0.0.1 alone would miss
// a server on ::1. Otherwise nil.
func loopbackAddrs(network, addr string) []string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host != "localhost" && !strings.HasSuffix(host, ".localhost") {
		return nil
	}
	v4, v6 := net.JoinHostPort("127.0.0.1", port), net.JoinHostPort("::1", port)
	switch network {
	case "tcp4":
		return []string{v4}
	case "tcp6":
		return []string{v6}
	}
	return []string{v4, v6}
}

// dialOne connects to addr.
func (c *Client) dialOne(ctx context.Context, network, addr string) (net.Conn, error) {
	d := c.dialer()
	if c.Trace == nil {
		return d.DialContext(ctx, network, addr)
	}
	t := &dialTrace{trace: c.Trace, next: d.ControlContext, legacy: d.Control}
	traced := *d
	traced.Control, traced.ControlContext = nil, t.control
	conn, err := traced.DialContext(ctx, network, addr)
	t.stop()
	return conn, err
}

// dialTrace reports EventTrying from the dialer's control hook, which runs
// before each connect with the resolved address. Dialing may race an IPv4
// against an IPv6 address, so calls are serialized, and a racer that starts
// after the dial returned reports nothing.
type dialTrace struct {
	mu     sync.Mutex
	done   bool
	trace  func(Event)
	next   func(ctx context.Context, network, address string, c syscall.RawConn) error
	legacy func(network, address string, c syscall.RawConn) error
}

// control reports the address, then runs the dialer's own hook, if any.
func (t *dialTrace) control(ctx context.Context, network, address string, c syscall.RawConn) error {
	t.mu.Lock()
	if !t.done {
		var remote net.Addr
		if ap, err := netip.ParseAddrPort(address); err == nil {
			remote = net.TCPAddrFromAddrPort(ap)
		}
		t.trace(Event{Kind: EventTrying, Remote: remote})
	}
	t.mu.Unlock()
	switch {
	case t.next != nil:
		return t.next(ctx, network, address, c)
	case t.legacy != nil:
		return t.legacy(network, address, c)
	}
	return nil
}

// stop ends the reports: the dial has returned.
func (t *dialTrace) stop() {
	t.mu.Lock()
	t.done = true
	t.mu.Unlock()
}

// dialer returns the dialer to use: with ConnectTimeout, which Do applies
// as the context's deadline, without the dialer's own Timeout.
func (c *Client) dialer() *net.Dialer {
	if c.ConnectTimeout <= 0 || c.Dialer == nil || c.Dialer.Timeout == 0 {
		if c.Dialer == nil {
			return &zeroDialer
		}
		return c.Dialer
	}
	d := *c.Dialer
	d.Timeout = 0
	return &d
}

// maxHeaderBytes returns MaxHeaderBytes or its default.
func (c *Client) maxHeaderBytes() int {
	if c.MaxHeaderBytes <= 0 {
		return DefaultMaxHeaderBytes
	}
	return c.MaxHeaderBytes
}
