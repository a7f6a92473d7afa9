// Package proxyprotocol accepts connections from proxies that speak the PROXY
// protocol (versions 1 and 2, as HAProxy's send-proxy and send-proxy-v2 and
// nginx's proxy_protocol send it), so that tinyhttpd logs and reports the
// client's address rather than the proxy's.
//
// The header is parsed by github.com/pires/go-proxyproto. Trust is by the
// peer's address: a connection from a trusted proxy must start with a header
// (its absence is an error, never a guess), and a connection from anywhere
// else is served as a direct client under its own address and may not send
// one. So no client can name another address for itself, and a direct client
// still works: the spec's warning against guessing whether a header is present
// holds because the decision rests on who connected, not on what they sent.
//
// A connection whose header is missing, invalid or not allowed is closed
// as soon as the header is read (by the server's first RemoteAddr or
// Read), so that it gets no reply, as the spec asks; its reads fail, and
// the listener logs why.
package proxyprotocol

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"runtime/debug"
	"time"

	"github.com/pires/go-proxyproto"
)

// DefaultHeaderTimeout is the time a trusted proxy has to send its header
// when Config.HeaderTimeout is zero. Proxies send it as soon as they connect.
const DefaultHeaderTimeout = 5 * time.Second

// Config says whom to trust and for how long to wait.
type Config struct {
	// Trusted are the addresses of the proxies, which must send a PROXY
	// header. Connections from other addresses are served as direct clients
	// and may not send one. IPv4-mapped IPv6 peers are matched as IPv4.
	Trusted []netip.Prefix
	// HeaderTimeout bounds reading the header, from the first Read. If zero,
	// DefaultHeaderTimeout.
	HeaderTimeout time.Duration
	// Logger receives one warning for each connection refused for its
	// header. If nil, slog.Default().
	Logger *slog.Logger
}

// NewListener returns a listener that accepts from l and reads a PROXY
// header, as cfg says, from the connections it returns. Those are *Conn;
// RemoteAddr returns the client's address from the header (for a LOCAL
// header, such as a proxy's health check, the proxy's own).
func NewListener(l net.Listener, cfg Config) net.Listener {
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	pl := &listener{cfg: cfg}
	pl.pl = &proxyproto.Listener{
		Listener:          l,
		ConnPolicy:        pl.policy,
		ValidateHeader:    validateHeader,
		ReadHeaderTimeout: cfg.HeaderTimeout,
	}
	return pl
}

type listener struct {
	pl  *proxyproto.Listener
	cfg Config
}

// Accept waits for the next connection. Its header, if any, is read on the
// connection's first Read (or RemoteAddr), not here, so one slow peer does
// not hold up the others.
func (l *listener) Accept() (net.Conn, error) {
	c, err := l.pl.Accept()
	if err != nil {
		return nil, err
	}
	pc, ok := c.(*proxyproto.Conn)
	if !ok {
		return c, nil
	}
	return &Conn{Conn: pc, logger: l.cfg.Logger}, nil
}

func (l *listener) Close() error   { return l.pl.Close() }
func (l *listener) Addr() net.Addr { return l.pl.Addr() }

// SetDeadline sets the deadline of the listener that l reads PROXY headers
// from, which ends a waiting Accept, as a server that drains its listener
// at shutdown needs; it returns an error wrapping errors.ErrUnsupported if
// that listener has none.
func (l *listener) SetDeadline(t time.Time) error {
	d, ok := l.pl.Listener.(interface{ SetDeadline(time.Time) error })
	if !ok {
		return fmt.Errorf("proxyprotocol: %T has no SetDeadline: %w", l.pl.Listener, errors.ErrUnsupported)
	}
	return d.SetDeadline(t)
}

// Unwrap returns the listener that l reads PROXY headers from, for the
// server to set socket options on.
func (l *listener) Unwrap() net.Listener { return l.pl.Listener }

// policy requires a header from trusted peers and refuses one from others.
func (l *listener) policy(o proxyproto.ConnPolicyOptions) (proxyproto.Policy, error) {
	if l.trusts(o.Upstream) {
		return proxyproto.REQUIRE, nil
	}
	return proxyproto.REJECT, nil
}

// trusts reports whether addr is in one of the trusted ranges.
func (l *listener) trusts(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	if !ok {
		return false
	}
	ip := ta.AddrPort().Addr().Unmap()
	for _, p := range l.cfg.Trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// validateHeader is validate; a test makes it panic, as a bug in the
// header's parser would.
var validateHeader = validate

// validate accepts headers for TCP over IPv4 or IPv6, v1's UNKNOWN, and
// LOCAL (a proxy's own connection, such as a health check).
func validate(h *proxyproto.Header) error {
	if h.Command.IsLocal() || h.TransportProtocol.IsUnspec() {
		return nil
	}
	if !h.TransportProtocol.IsStream() || !(h.TransportProtocol.IsIPv4() || h.TransportProtocol.IsIPv6()) {
		return fmt.Errorf("proxyprotocol: header for transport %#x; want TCP over IPv4 or IPv6", byte(h.TransportProtocol))
	}
	return nil
}

// Conn is a connection accepted by a PROXY protocol listener. Reads go
// through the header parser; WriteConn, CloseWrite and the writes of a
// server that uses WriteConn reach the TCP connection itself, which keeps
// writev and sendfile.
type Conn struct {
	*proxyproto.Conn
	logger  *slog.Logger
	checked bool // the header has been read, and its error, if any, handled
	broken  bool // the header's parser panicked, and the connection is closed
}

// errParserPanic is the error of every call on a connection whose header's
// parser panicked.
var errParserPanic = errors.New("proxyprotocol: the header's parser failed")

// headerRead reads the header, the first time, with each method of Conn
// that reads it, and reports whether the connection may be used. A header
// that is missing, invalid or not allowed is logged, and the connection
// closed, so that nothing the server writes reaches the peer; reads then
// fail with the header's error. A panic in the header's parser fails the
// connection the same way instead of ending the process. The methods that
// would read the header are the embedded connection's Read, Write,
// ReadFrom, WriteTo, LocalAddr, RemoteAddr and ProxyHeader, which Conn's
// own come through here first.
func (c *Conn) headerRead() bool {
	if !c.checked {
		c.readHeader()
	}
	return !c.broken
}

func (c *Conn) readHeader() {
	c.checked = true
	defer func() {
		if p := recover(); p != nil {
			c.broken = true
			c.logger.Error("PROXY protocol: the header's parser panicked; closing connection",
				"peer", c.Raw().RemoteAddr().String(), "panic", p, "stack", string(debug.Stack()))
			c.Raw().Close()
		}
	}()
	// An empty read returns the header's error, if any, and reads nothing
	// past it. A trusted proxy's connection fails with any error: its
	// header is missing or cut short. A direct client's fails only for a
	// header it sent; the end of its stream or a failed read is the
	// server's to see.
	_, err := c.Conn.Read(nil)
	header := err != nil && isHeaderError(err)
	if header {
		c.logger.Warn("PROXY protocol: closing connection", "peer", c.Raw().RemoteAddr().String(),
			"trusted", c.ProxyHeaderPolicy == proxyproto.REQUIRE, "reason", reason(err))
	}
	if header || err != nil && c.ProxyHeaderPolicy == proxyproto.REQUIRE {
		c.Raw().Close()
	}
}

// RemoteAddr returns the client's address from the header; the proxy's
// own when there is none, or when reading it failed.
func (c *Conn) RemoteAddr() net.Addr {
	if !c.headerRead() {
		return c.Raw().RemoteAddr()
	}
	return c.Conn.RemoteAddr()
}

// LocalAddr returns the address the client connected to, from the header;
// the connection's own when there is none, or when reading it failed.
func (c *Conn) LocalAddr() net.Addr {
	if !c.headerRead() {
		return c.Raw().LocalAddr()
	}
	return c.Conn.LocalAddr()
}

// ProxyHeader returns the header, or nil when there is none, or when
// reading it failed.
func (c *Conn) ProxyHeader() *proxyproto.Header {
	if !c.headerRead() {
		return nil
	}
	return c.Conn.ProxyHeader()
}

// Write writes to the connection once its header has been read.
func (c *Conn) Write(b []byte) (int, error) {
	if !c.headerRead() {
		return 0, errParserPanic
	}
	return c.Conn.Write(b)
}

// ReadFrom writes what r holds to the connection once its header has been
// read.
func (c *Conn) ReadFrom(r io.Reader) (int64, error) {
	if !c.headerRead() {
		return 0, errParserPanic
	}
	return c.Conn.ReadFrom(r)
}

// WriteTo writes to w what comes after the header.
func (c *Conn) WriteTo(w io.Writer) (int64, error) {
	if !c.headerRead() {
		return 0, errParserPanic
	}
	return c.Conn.WriteTo(w)
}

// WriteConn returns the accepted connection under the header parser. Writing
// to it directly is safe: the PROXY protocol changes only what is read.
func (c *Conn) WriteConn() net.Conn { return c.Raw() }

// CloseWrite half-closes the connection, if it can.
func (c *Conn) CloseWrite() error {
	cw, ok := c.Raw().(interface{ CloseWrite() error })
	if !ok {
		return errors.ErrUnsupported
	}
	return cw.CloseWrite()
}

// Read reads the header on the first call (see headerRead), then the
// stream after it.
func (c *Conn) Read(b []byte) (int, error) {
	if !c.headerRead() {
		return 0, errParserPanic
	}
	return c.Conn.Read(b)
}

// isHeaderError reports whether a read error came from the header rather
// than from the connection.
func isHeaderError(err error) bool {
	// The parser returns the end of the stream and a failed read as they
	// came, and wraps them in an error of its own when they cut a header
	// short: a FIN or a stall then is the header's fault, a reset the
	// connection's.
	if _, bare := err.(net.Error); bare || err == io.EOF {
		return false
	}
	var ne net.Error
	return !errors.As(err, &ne) || ne.Timeout()
}

// reason explains a header error in the settings' terms.
func reason(err error) string {
	switch {
	case errors.Is(err, proxyproto.ErrSuperfluousProxyHeader):
		return "sent a PROXY header but is not in TINYHTTPD_PROXY_PROTOCOL_FROM"
	case errors.Is(err, proxyproto.ErrNoProxyProtocol):
		return "trusted proxy's connection did not start with a PROXY header (other bytes came first, or none in time); is send-proxy (HAProxy) or proxy_protocol (nginx) set?"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, os.ErrDeadlineExceeded):
		return "PROXY header cut short (the peer closed, or stalled past the header timeout): " + err.Error()
	}
	return "invalid PROXY header: " + err.Error()
}
