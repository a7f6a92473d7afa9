package admin

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"github.com/tinyhttpd/tinyhttpd/internal/keycount"
)

// MaxConns bounds the connections the admin endpoint serves at once (see
// Listener): a dashboard in a browser holds about six, a scraper one.
const MaxConns = 64

// MaxConnsPerSource bounds the connections one source holds at once, of
// MaxConns: a dashboard's six, a scraper's and a probe's fit, and one
// client opening connections it sends nothing on can take no more than an
// eighth of MaxConns, so that health probes from other addresses are
// still answered. A source is an IPv4 address, or an IPv6 /64 (one
// host's usual share).
const MaxConnsPerSource = 8

// HeaderTimeout is how long a connection to the admin endpoint may take to
// send its request's headers (its TLS handshake included) before it is
// closed, giving its slot back.
const HeaderTimeout = 2 * time.Second

// Listener returns l bounded to MaxConns connections at once, and to
// MaxConnsPerSource of them from one source. Accept waits while MaxConns
// are open, and the kernel queues the rest, so that a flood of idle
// connections cannot take the descriptors the protocol listener needs; a
// connection from a source that already holds MaxConnsPerSource is closed
// at once, unanswered, without taking one of MaxConns. Health probes thus
// wait for no one client's idle connections; filling MaxConns takes
// MaxConns/MaxConnsPerSource sources, each for HeaderTimeout at a time.
// With TLS, wrap the Listener in the TLS one, not the other way round:
// net/http sets Request.TLS only for a *tls.Conn.
func Listener(l net.Listener) net.Listener {
	return netutil.LimitListener(&sourceListener{Listener: l}, MaxConns)
}

// sourceListener closes connections from sources that hold
// MaxConnsPerSource open ones.
type sourceListener struct {
	net.Listener
	open keycount.Counts[netip.Prefix]
}

// Accept returns the next connection whose source holds fewer than
// MaxConnsPerSource, closing those from sources that hold that many.
func (l *sourceListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		src, ok := source(c.RemoteAddr())
		if !ok { // not an IP address: a Unix socket's peers are this host's
			return c, nil
		}
		if l.open.Add(src, MaxConnsPerSource) {
			return &sourceConn{Conn: c, l: l, src: src}, nil
		}
		c.Close()
	}
}

// source returns the source addr counts against: an IPv4 address or an
// IPv6 /64.
func source(addr net.Addr) (netip.Prefix, bool) {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return netip.Prefix{}, false
	}
	ip := tcp.AddrPort().Addr().Unmap()
	if ip.Is4() {
		return netip.PrefixFrom(ip, 32), true
	}
	p, err := ip.WithZone("").Prefix(64)
	return p, err == nil
}

// sourceConn gives its source's slot back when closed.
type sourceConn struct {
	net.Conn
	l    *sourceListener
	src  netip.Prefix
	once sync.Once
}

func (c *sourceConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.open.Remove(c.src) })
	return err
}
