package proxyprotocol

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pires/go-proxyproto"
	"go.uber.org/goleak"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/respond"
	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/server"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fixture is a tinyhttpd server behind a PROXY protocol listener.
type fixture struct {
	addr      string
	logs      *testenv.SyncBuffer
	exchanges chan server.Exchange
}

// start serves a small route table through NewListener with trusted as the
// proxies' addresses.
func start(t *testing.T, trusted string, srv *server.Server) *fixture {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "big.bin")
	if err := os.WriteFile(file, bytes.Repeat([]byte("0123456789abcdef"), 1<<16), 0o644); err != nil {
		t.Fatal(err)
	}
	tbl, err := respond.NewTable(&route.Routes{Source: "test", Routes: []route.Route{
		{Path: "/hello", Kind: route.KindBody, Body: "hello, world\n"},
		{Path: "/big.bin", Kind: route.KindFile, File: file},
		{Path: "/echo", Kind: route.KindEcho, Methods: []string{"POST"}},
		{Path: "/broken", Kind: route.KindFault, Fault: route.FaultReset},
	}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{logs: new(testenv.SyncBuffer), exchanges: make(chan server.Exchange, 100)}
	logger := slog.New(slog.NewTextHandler(f.logs, nil))
	srv.Logger = logger
	srv.OnExchange = func(e *server.Exchange) { f.exchanges <- *e }
	srv.SetRoutes(tbl)
	var ranges config.IPRanges
	if err := ranges.UnmarshalText([]byte(trusted)); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = l.Addr().String()
	pl := NewListener(l, Config{Trusted: ranges.Prefixes(), HeaderTimeout: 300 * time.Millisecond, Logger: logger})
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(pl) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-errc; !errors.Is(err, server.ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	})
	return f
}

// exchange connects, sends header then req, half-closes, and reads to EOF.
// dial connects to the server, closing the connection when the test ends,
// with a deadline of 10 s for all it does.
func (f *fixture) dial(t *testing.T) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", f.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c.(*net.TCPConn)
}

func (f *fixture) exchange(t *testing.T, header []byte, req string) (*net.TCPConn, string, error) {
	t.Helper()
	tc := f.dial(t)
	if _, err := tc.Write(append(header, req...)); err != nil {
		t.Fatal(err)
	}
	tc.CloseWrite()
	b, err := io.ReadAll(tc)
	return tc, string(b), err
}

// next returns the next finished exchange.
func (f *fixture) next(t *testing.T) server.Exchange {
	t.Helper()
	select {
	case e := <-f.exchanges:
		return e
	case <-time.After(5 * time.Second):
		t.Fatalf("no exchange recorded; logs:\n%s", f.logs.String())
		return server.Exchange{}
	}
}

func v2Header(t *testing.T, src, dst string) []byte {
	t.Helper()
	h := proxyproto.HeaderProxyFromAddrs(2, net.TCPAddrFromAddrPort(netip.MustParseAddrPort(src)), net.TCPAddrFromAddrPort(netip.MustParseAddrPort(dst)))
	b, err := h.Format()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTrustedProxyNamesClient(t *testing.T) {
	f := start(t, "127.0.0.0/8", &server.Server{})
	tests := []struct {
		name   string
		header []byte
		remote string
	}{
		{"v1 tcp4", []byte("PROXY TCP4 192.0.2.10 198.51.100.1 40001 7070\r\n"), "192.0.2.10:40001"},
		{"v1 tcp6", []byte("PROXY TCP6 2001:db8::10 2001:db8::1 40002 7070\r\n"), "[2001:db8::10]:40002"},
		{"v2 tcp4", v2Header(t, "192.0.2.11:40003", "198.51.100.1:7070"), "192.0.2.11:40003"},
		{"v2 tcp6", v2Header(t, "[2001:db8::11]:40004", "[2001:db8::1]:7070"), "[2001:db8::11]:40004"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, reply, err := f.exchange(t, tt.header, "GET /hello\n")
			if err != nil || !strings.HasPrefix(reply, "HTTP/1.0 200 OK\r\n") || !strings.HasSuffix(reply, "\r\n\r\nhello, world\n") {
				t.Fatalf("reply %q, %v", reply, err)
			}
			if e := f.next(t); e.Remote.String() != tt.remote {
				t.Errorf("Exchange.Remote = %s, want %s", e.Remote, tt.remote)
			}
			if !strings.Contains(f.logs.String(), "remote="+tt.remote) {
				t.Errorf("exchange log lacks remote=%s:\n%s", tt.remote, f.logs.String())
			}
		})
	}
	t.Run("v2 local", func(t *testing.T) {
		local, err := (&proxyproto.Header{Version: 2, Command: proxyproto.LOCAL}).Format()
		if err != nil {
			t.Fatal(err)
		}
		c, reply, err := f.exchange(t, local, "GET /hello\n")
		if err != nil || !strings.HasSuffix(reply, "hello, world\n") {
			t.Fatalf("reply %q, %v", reply, err)
		}
		if e := f.next(t); e.Remote.String() != c.LocalAddr().String() {
			t.Errorf("LOCAL header: Exchange.Remote = %s, want the proxy's %s", e.Remote, c.LocalAddr())
		}
	})
}

// TestRefused covers the connections closed without a reply: a trusted
// proxy that sends no header or a bad one, and an untrusted peer that tries
// to name another address.
func TestRefused(t *testing.T) {
	tests := []struct {
		name, trusted string
		header        []byte
		log           string
	}{
		{"trusted without header", "127.0.0.1", nil, "did not start with a PROXY header"},
		{"trusted with bad header", "127.0.0.1", []byte("PROXY TCP4 not-an-ip 198.51.100.1 1 2\r\n"), "invalid PROXY header"},
		{"trusted with UDP header", "127.0.0.1", udpHeader(t), "want TCP"},
		{"untrusted v1 spoof", "192.0.2.0/24", []byte("PROXY TCP4 203.0.113.66 198.51.100.1 40001 7070\r\n"), "not in TINYHTTPD_PROXY_PROTOCOL_FROM"},
		{"untrusted v2 spoof", "192.0.2.0/24", v2Header(t, "203.0.113.66:40001", "198.51.100.1:7070"), "not in TINYHTTPD_PROXY_PROTOCOL_FROM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := start(t, tt.trusted, &server.Server{})
			c, reply, _ := f.exchange(t, tt.header, "GET /hello\n")
			if reply != "" {
				t.Errorf("got a reply: %q", reply)
			}
			e := f.next(t)
			if e.Status != 0 || e.Remote.String() != c.LocalAddr().String() {
				t.Errorf("exchange status %d from %s; want no reply, from the peer's own address %s", e.Status, e.Remote, c.LocalAddr())
			}
			if !strings.Contains(f.logs.String(), tt.log) {
				t.Errorf("logs lack %q:\n%s", tt.log, f.logs.String())
			}
			if strings.Contains(f.logs.String(), "203.0.113.66") {
				t.Errorf("the spoofed address reached the logs:\n%s", f.logs.String())
			}
		})
	}
}

// startBusy starts a server with MaxConns 1 behind a trusted proxy and
// fills its one place with a client still sending its request, so that
// the server answers the next connection 503 unless it closes it first.
func startBusy(t *testing.T) *fixture {
	t.Helper()
	srv := &server.Server{MaxConns: 1}
	f := start(t, "127.0.0.1", srv)
	held := f.dial(t)
	held.Write([]byte("PROXY TCP4 192.0.2.10 198.51.100.1 40001 7070\r\nGET /hel"))
	for deadline := time.Now().Add(5 * time.Second); srv.Stats().Reading < 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the held connection never took the server's one place")
		}
	}
	return f
}

// TestRefusedWhileBusy checks that a connection whose header is invalid
// gets no reply even when the server, over MaxConns, would answer it 503:
// a PROXY protocol peer that broke the protocol gets nothing back.
func TestRefusedWhileBusy(t *testing.T) {
	f := startBusy(t)
	_, reply, _ := f.exchange(t, []byte("PROXY TCP4 not-an-ip 198.51.100.1 1 2\r\n"), "GET /hello\n")
	if reply != "" {
		t.Errorf("a reply to a connection with an invalid header: %q", reply)
	}
	if !strings.Contains(f.logs.String(), "invalid PROXY header") {
		t.Errorf("logs lack the reason:\n%s", f.logs.String())
	}
}

// TestTruncatedHeader checks that a trusted proxy's header cut short, by
// a stall past the header timeout or by a FIN, gets no reply, the server
// busy or not: the parser wraps the timeout or the EOF in an error of its
// own, which is the header's.
func TestTruncatedHeader(t *testing.T) {
	t.Run("stalled", func(t *testing.T) {
		f := start(t, "127.0.0.1", &server.Server{})
		c := f.dial(t)
		c.Write(v2Header(t, "192.0.2.10:40001", "198.51.100.1:7070")[:16])
		if b, _ := io.ReadAll(c); len(b) != 0 {
			t.Errorf("a reply to a header that stalled: %q", b)
		}
	})
	t.Run("cut by a FIN while busy", func(t *testing.T) {
		f := startBusy(t)
		if _, reply, _ := f.exchange(t, append([]byte(nil), proxyproto.SIGV2...), "\x21"); reply != "" {
			t.Errorf("a reply to a header cut by a FIN: %q", reply)
		}
	})
}

// TestHeaderCutShortReasons checks what the log says of a trusted proxy's
// header cut short: a stall is the header's fault, told as such, and a
// reset is the connection's, not logged as a header problem; neither is
// called invalid.
func TestHeaderCutShortReasons(t *testing.T) {
	for _, c := range []struct {
		name, want string
		reset      bool
	}{
		{"stalled", "PROXY header cut short", false},
		{"reset", "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := start(t, "127.0.0.1", &server.Server{})
			tc := f.dial(t)
			tc.Write(v2Header(t, "192.0.2.10:40001", "198.51.100.1:7070")[:16])
			if c.reset {
				time.Sleep(50 * time.Millisecond)
				tc.SetLinger(0)
				tc.Close()
			}
			f.next(t)
			logs := f.logs.String()
			if strings.Contains(logs, "invalid PROXY header") || c.want != "" && !strings.Contains(logs, c.want) || c.want == "" && strings.Contains(logs, "closing connection") {
				t.Errorf("logs, want %q:\n%s", c.want, logs)
			}
		})
	}
}

func udpHeader(t *testing.T) []byte {
	t.Helper()
	h := proxyproto.HeaderProxyFromAddrs(2, &net.UDPAddr{IP: net.ParseIP("192.0.2.1"), Port: 1}, &net.UDPAddr{IP: net.ParseIP("192.0.2.2"), Port: 2})
	b, err := h.Format()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParserPanic checks that a panic while a trusted proxy's header is
// read, as a bug in the parser would cause, fails that connection alone:
// it is closed unanswered and logged, and the server goes on serving.
func TestParserPanic(t *testing.T) {
	validateHeader = func(*proxyproto.Header) error { panic("parser bug") }
	t.Cleanup(func() { validateHeader = validate })
	f := start(t, "127.0.0.0/8", &server.Server{})
	_, reply, _ := f.exchange(t, []byte("PROXY TCP4 192.0.2.10 198.51.100.1 40001 7070\r\n"), "GET /hello\n")
	if reply != "" {
		t.Errorf("reply %q to a connection whose header's parser panicked; want none", reply)
	}
	if e := f.next(t); e.Status != 0 {
		t.Errorf("recorded %+v; want no reply", e)
	}
	if logs := f.logs.String(); !strings.Contains(logs, "parser panicked") || !strings.Contains(logs, "parser bug") {
		t.Errorf("the panic was not logged:\n%s", logs)
	}
	// The process is still up, and serves a proxy's client once the parser
	// works.
	validateHeader = validate
	f2 := start(t, "127.0.0.0/8", &server.Server{})
	if _, reply, err := f2.exchange(t, []byte("PROXY TCP4 192.0.2.10 198.51.100.1 40001 7070\r\n"), "GET /hello\n"); err != nil || !strings.HasSuffix(reply, "hello, world\n") {
		t.Errorf("after the panic: %q, %v", reply, err)
	}
}

// TestParserPanicEveryMethod checks that whichever method of Conn reads
// the header first, a panic there fails the connection, and that every
// later call fails too instead of reading past a header that was never
// parsed.
func TestParserPanicEveryMethod(t *testing.T) {
	validateHeader = func(*proxyproto.Header) error { panic("parser bug") }
	t.Cleanup(func() { validateHeader = validate })
	for name, first := range map[string]func(*Conn){
		"RemoteAddr":  func(c *Conn) { c.RemoteAddr() },
		"LocalAddr":   func(c *Conn) { c.LocalAddr() },
		"ProxyHeader": func(c *Conn) { c.ProxyHeader() },
		"Read":        func(c *Conn) { c.Read(make([]byte, 1)) },
		"Write":       func(c *Conn) { c.Write([]byte("x")) },
		"WriteTo":     func(c *Conn) { c.WriteTo(io.Discard) },
		"ReadFrom":    func(c *Conn) { c.ReadFrom(strings.NewReader("x")) },
	} {
		t.Run(name, func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			pl := NewListener(l, Config{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Logger: slog.New(slog.DiscardHandler)})
			client, err := net.Dial("tcp", l.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			client.Write([]byte("PROXY TCP4 192.0.2.10 198.51.100.1 40001 7070\r\nGET /hello\n"))
			ac, err := pl.Accept()
			if err != nil {
				t.Fatal(err)
			}
			c := ac.(*Conn)
			defer c.Close()
			first(c)
			var buf bytes.Buffer
			if n, err := c.WriteTo(&buf); n != 0 || !errors.Is(err, errParserPanic) {
				t.Errorf("WriteTo after the panic: %d bytes (%q), %v", n, buf.String(), err)
			}
			if n, err := c.Read(make([]byte, 64)); n != 0 || !errors.Is(err, errParserPanic) {
				t.Errorf("Read after the panic: %d bytes, %v", n, err)
			}
			if c.ProxyHeader() != nil || c.RemoteAddr().String() != client.LocalAddr().String() {
				t.Errorf("after the panic: header %v, remote %v", c.ProxyHeader(), c.RemoteAddr())
			}
		})
	}
}

func TestUntrustedDirectClient(t *testing.T) {
	f := start(t, "192.0.2.0/24", &server.Server{})
	// Shorter than either signature, and starting like one.
	for _, req := range []string{"GET /hello\n", "PR", "\r\n"} {
		c, reply, err := f.exchange(t, nil, req)
		if err != nil || !strings.HasPrefix(reply, "HTTP/1.0 ") {
			t.Errorf("request %q: reply %q, %v", req, reply, err)
		}
		if e := f.next(t); e.Remote.String() != c.LocalAddr().String() {
			t.Errorf("Exchange.Remote = %s, want %s", e.Remote, c.LocalAddr())
		}
	}
}

func TestHeaderTimeout(t *testing.T) {
	f := start(t, "127.0.0.1", &server.Server{})
	c := f.dial(t)
	start := time.Now()
	b, err := io.ReadAll(c) // the proxy sends nothing: the server gives up
	if len(b) != 0 || err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("got %q, %v; want a close without reply", b, err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("closed after %v; want about the 300ms header timeout", d)
	}
	f.next(t)
}

// TestWrappedConnection checks what the server does to the socket under the
// wrapper: the RST-safe early reply (CloseWrite), sendfile of a file route
// (the wrapped connection is the *net.TCPConn), the reset fault
// (SetLinger), and reading a body that came in the header's packet.
func TestWrappedConnection(t *testing.T) {
	f := start(t, "127.0.0.1", &server.Server{MaxRequestBytes: 1024, LingerTimeout: 2 * time.Second})
	header := []byte("PROXY TCP4 192.0.2.10 198.51.100.1 40001 7070\r\n")

	t.Run("early reply", func(t *testing.T) {
		// More than MaxRequestBytes, without a half-close until the reply
		// is read: the 413 must arrive whole, not be reset away.
		c := f.dial(t)
		go func() {
			c.Write(header)
			c.Write([]byte("POST /echo\n\n"))
			c.Write(bytes.Repeat([]byte("x"), 64<<10))
			c.CloseWrite()
		}()
		b, err := io.ReadAll(c)
		if err != nil || !strings.HasPrefix(string(b), "HTTP/1.0 413 ") {
			t.Errorf("reply %q, %v", b, err)
		}
		if e := f.next(t); e.Status != 413 || e.Remote.String() != "192.0.2.10:40001" {
			t.Errorf("exchange %d from %s", e.Status, e.Remote)
		}
	})
	t.Run("file", func(t *testing.T) {
		_, reply, err := f.exchange(t, header, "GET /big.bin\n")
		if err != nil || !strings.Contains(reply, "Content-Length: 1048576\r\n") || !strings.HasSuffix(reply, strings.Repeat("0123456789abcdef", 4)) {
			t.Errorf("reply of %d bytes, %v", len(reply), err)
		}
		if e := f.next(t); e.BytesOut < 1<<20 || e.End != server.EndDelivered {
			t.Errorf("exchange %+v", e)
		}
	})
	t.Run("echo", func(t *testing.T) {
		_, reply, err := f.exchange(t, header, "POST /echo\n\nping")
		if err != nil || !strings.HasSuffix(reply, "\r\n\r\nping") {
			t.Errorf("reply %q, %v", reply, err)
		}
		f.next(t)
	})
	t.Run("reset fault", func(t *testing.T) {
		_, reply, err := f.exchange(t, header, "GET /broken\n")
		if reply != "" || !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("got %q, %v; want a reset", reply, err)
		}
		f.next(t)
	})
}

func TestConnUnwraps(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pl := NewListener(l, Config{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	defer pl.Close()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ac, err := pl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer ac.Close()
	pc, ok := ac.(*Conn)
	if !ok {
		t.Fatalf("Accept returned %T, want *Conn", ac)
	}
	if _, ok := pc.WriteConn().(*net.TCPConn); !ok {
		t.Errorf("WriteConn returned %T; want *net.TCPConn, which has writev and sendfile", pc.WriteConn())
	}
	if _, ok := any(pc).(io.ReaderFrom); !ok {
		t.Errorf("*Conn is not an io.ReaderFrom")
	}
}

// TestUnwrap checks that the listener gives the one it wraps, which the
// server corks.
func TestUnwrap(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	l := NewListener(inner, Config{})
	u, ok := l.(interface{ Unwrap() net.Listener })
	if !ok || u.Unwrap() != inner {
		t.Errorf("Unwrap does not give the wrapped listener")
	}
}
