package server

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

// startTLS serves the test routes over TLS with srv and returns the
// address and the test's certificates.
func startTLS(t *testing.T, srv *Server) (string, *testenv.TLS) {
	t.Helper()
	x := testenv.NewTLS(t)
	if srv.TLSConfig == nil {
		srv.TLSConfig = x.ServerConfig(t)
	}
	return startServer(t, srv, testRoutes(t)), x
}

// dialTLS connects to addr over TLS, with a deadline; the handshake has
// completed when it returns.
func dialTLS(t *testing.T, addr string, cfg *tls.Config) *tls.Conn {
	t.Helper()
	raw := dial(t, addr)
	c := tls.Client(raw, cfg)
	if err := c.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	return c
}

// tlsRoundTrip makes one exchange over TLS: write, close_notify, read to
// the server's close_notify.
func tlsRoundTrip(t *testing.T, addr string, cfg *tls.Config, req string) reply {
	t.Helper()
	c := dialTLS(t, addr, cfg)
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading reply: %v (got %q)", err, raw)
	}
	r := parseReply(t, string(raw))
	checkFramed(t, r)
	return r
}

// exchangeLog collects the exchanges a server finishes.
type exchangeLog struct {
	mu  sync.Mutex
	all []Exchange
}

func (l *exchangeLog) observe(e *Exchange) {
	l.mu.Lock()
	l.all = append(l.all, *e)
	l.mu.Unlock()
}

func (l *exchangeLog) last() (Exchange, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.all) == 0 {
		return Exchange{}, false
	}
	return l.all[len(l.all)-1], true
}

func TestTLSExchange(t *testing.T) {
	var log exchangeLog
	srv := &Server{OnExchange: log.observe}
	addr, x := startTLS(t, srv)
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		cfg := x.ClientConfig()
		cfg.MinVersion, cfg.MaxVersion = v, v
		r := tlsRoundTrip(t, addr, cfg, "GET /hello HTTP/1.0\r\n\r\n")
		if r.status != 200 || r.body != "hello, world\n" {
			t.Errorf("%s: got %d %q", tls.VersionName(v), r.status, r.body)
		}
		r = tlsRoundTrip(t, addr, cfg, "POST /echo\n\n"+strings.Repeat("x", 100000))
		if r.status != 200 || len(r.body) != 100000 {
			t.Errorf("%s echo: got %d, %d bytes", tls.VersionName(v), r.status, len(r.body))
		}
		r = tlsRoundTrip(t, addr, cfg, "GET /a.txt\n")
		if r.status != 200 || r.body != "file a\n" {
			t.Errorf("%s file: got %d %q", tls.VersionName(v), r.status, r.body)
		}
	}
	waitFor(t, "the exchanges to be counted", func() bool { return srv.Stats().Ends[EndDelivered] == 6 })
}

func TestTLSOldVersionRefused(t *testing.T) {
	srv := &Server{}
	addr, x := startTLS(t, srv)
	cfg := x.ClientConfig()
	cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	c := tls.Client(dial(t, addr), cfg)
	if err := c.Handshake(); err == nil {
		t.Fatal("TLS 1.1 handshake succeeded")
	}
	waitFor(t, "the failed handshake to be counted", func() bool { return srv.Stats().Ends[EndHandshakeFailed] == 1 })
}

// TestTLSBareFINGets400 checks the truncation case: a request that ends
// with the TCP FIN and no close_notify is not known to be complete.
func TestTLSBareFINGets400(t *testing.T) {
	srv := &Server{}
	addr, x := startTLS(t, srv)
	raw := dial(t, addr)
	c := tls.Client(raw, x.ClientConfig())
	io.WriteString(c, "GET /hello\n")
	raw.CloseWrite() // FIN without close_notify
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read: %v (got %q)", err, got)
	}
	r := parseReply(t, string(got))
	if r.status != 400 || !strings.Contains(r.body, "close_notify") {
		t.Errorf("got %d %q", r.status, r.body)
	}
	checkFramed(t, r)
}

// TestTLSFINInsideRecordGets400 checks a FIN that cuts a TLS record
// short: crypto/tls reports io.ErrUnexpectedEOF, and the request is as
// incomplete as one ended by a FIN between records.
func TestTLSFINInsideRecordGets400(t *testing.T) {
	srv := &Server{}
	addr, x := startTLS(t, srv)
	raw := dial(t, addr)
	c := tls.Client(raw, x.ClientConfig())
	if err := c.Handshake(); err != nil {
		t.Fatal(err)
	}
	raw.Write([]byte("\x17\x03\x03\x00\x50abc")) // an application data record of 80 bytes, 3 of them sent
	raw.CloseWrite()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read: %v (got %q)", err, got)
	}
	if r := parseReply(t, string(got)); r.status != 400 || !strings.Contains(r.body, "close_notify") {
		t.Errorf("got %d %q", r.status, r.body)
	}
}

// TestTLSDrainKeepsServing checks that a drain keeps serving TLS clients,
// as it does the others, while Ready reports false.
func TestTLSDrainKeepsServing(t *testing.T) {
	srv := &Server{}
	addr, x := startTLS(t, srv)
	srv.Drain()
	if r := tlsRoundTrip(t, addr, x.ClientConfig(), "GET /hello\n"); r.status != 200 || srv.Ready() {
		t.Errorf("while draining: got %d %q, Ready %v", r.status, r.body, srv.Ready())
	}
}

func TestTLSNoCloseNotifyGets408(t *testing.T) {
	srv := &Server{ReadTimeout: 300 * time.Millisecond}
	addr, x := startTLS(t, srv)
	c := dialTLS(t, addr, x.ClientConfig())
	io.WriteString(c, "GET /hello HTTP/1.0\r\n\r\n")
	raw, err := io.ReadAll(c) // the server sends close_notify after its reply
	if err != nil {
		t.Fatalf("read: %v (got %q)", err, raw)
	}
	r := parseReply(t, string(raw))
	if r.status != 408 || !strings.Contains(r.body, "close_notify") {
		t.Errorf("got %d %q", r.status, r.body)
	}
	checkFramed(t, r)
	c.CloseWrite() // ends the server's linger
	waitFor(t, "the 408 to be counted", func() bool { return srv.Stats().Replies[408] == 1 })
}

func TestTLSTooLargeGets413(t *testing.T) {
	srv := &Server{MaxRequestBytes: 1000}
	addr, x := startTLS(t, srv)
	c := dialTLS(t, addr, x.ClientConfig())
	done := make(chan error, 1)
	go func() { // keeps sending past the limit, as a client unaware of it does
		_, err := c.Write(bytes.Repeat([]byte("x"), 100000))
		if err == nil {
			err = c.CloseWrite()
		}
		done <- err
	}()
	raw, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read: %v (got %q)", err, raw)
	}
	r := parseReply(t, string(raw))
	if r.status != 413 {
		t.Errorf("got %d %q", r.status, r.body)
	}
	if err := <-done; err != nil {
		t.Errorf("client's write: %v", err)
	}
}

func TestTLSMaxConnsGets503(t *testing.T) {
	srv := &Server{MaxConns: 1}
	addr, x := startTLS(t, srv)
	holder := dialTLS(t, addr, x.ClientConfig())
	io.WriteString(holder, "GET /hello\n")
	waitFor(t, "the first connection to be served", func() bool { return srv.Stats().Reading == 1 })
	r := tlsRoundTrip(t, addr, x.ClientConfig(), "GET /hello\n")
	if r.status != 503 || !strings.Contains(r.body, "too many connections") {
		t.Errorf("got %d %q", r.status, r.body)
	}
	waitFor(t, "the 503 before to end", func() bool { return srv.Stats().Replies[503] >= 1 })
	c := dialTLS(t, addr, x.ClientConfig())
	io.WriteString(c, "HEAD /hello\n")
	c.CloseWrite()
	raw, _ := io.ReadAll(c)
	if r := parseReply(t, string(raw)); r.status != 503 || r.body != "" || r.header["Content-Length"] == "0" {
		t.Errorf("HEAD got %d with body %q, Content-Length %q; want 503, GET's Content-Length and no body", r.status, r.body, r.header["Content-Length"])
	}
	holder.CloseWrite()
	raw, _ = io.ReadAll(holder)
	if r := parseReply(t, string(raw)); r.status != 200 {
		t.Errorf("held connection got %d", r.status)
	}
}

// TestTLSHandshakeBoundedByReadTimeout checks that a client that connects
// and never completes the handshake (it sends nothing, or half a hello) is
// closed after ReadTimeout and counted.
func TestTLSHandshakeBoundedByReadTimeout(t *testing.T) {
	srv := &Server{ReadTimeout: 300 * time.Millisecond}
	addr, _ := startTLS(t, srv)
	for _, sent := range []string{"", "\x16\x03\x01\x02\x00\x01"} {
		start := time.Now() // before the accept, where the server's timer starts
		c := dial(t, addr)
		io.WriteString(c, sent)
		got, err := io.ReadAll(c)
		if err != nil || len(got) != 0 {
			t.Errorf("sent %q: got %q, %v; want a close", sent, got, err)
		}
		if d := time.Since(start); d < 300*time.Millisecond || d > 5*time.Second {
			t.Errorf("sent %q: closed after %v, want about 300ms", sent, d)
		}
	}
	waitFor(t, "the handshakes to be counted", func() bool { return srv.Stats().Ends[EndHandshakeFailed] == 2 })
	if n := srv.Stats().Replies[0]; n != 2 {
		t.Errorf("%d exchanges without a reply, want 2", n)
	}
}

// TestTLSHandshakePanic checks that a panic in the handshake, here in
// GetCertificate, fails that handshake alone: it is counted and logged,
// and the server goes on serving.
func TestTLSHandshakePanic(t *testing.T) {
	x := testenv.NewTLS(t)
	cfg := x.ServerConfig(t)
	cert := cfg.Certificates[0]
	var calls atomic.Int32
	cfg.Certificates = nil
	cfg.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
		if calls.Add(1) == 1 {
			panic("GetCertificate failed")
		}
		return &cert, nil
	}
	var logs bytes.Buffer
	var mu sync.Mutex
	srv := &Server{TLSConfig: cfg, Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))}
	addr, _ := startTLS(t, srv)
	raw := dial(t, addr)
	if err := tls.Client(raw, x.ClientConfig()).Handshake(); err == nil {
		t.Fatal("the handshake whose GetCertificate panicked completed")
	}
	if r := tlsRoundTrip(t, addr, x.ClientConfig(), "GET /hello\n"); r.status != 200 {
		t.Fatalf("after the panic: status %d", r.status)
	}
	waitFor(t, "both exchanges to be counted", func() bool {
		st := srv.Stats()
		return st.Ends[EndHandshakeFailed] == 1 && st.Ends[EndDelivered] == 1
	})
	if n := srv.Stats().Panics; n != 1 {
		t.Errorf("%d panics counted, want 1", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "GetCertificate failed") {
		t.Errorf("the panic was not logged:\n%s", logs.String())
	}
}

func TestTLSPlainTextClient(t *testing.T) {
	srv := &Server{}
	addr, _ := startTLS(t, srv)
	roundTrip(t, addr, "GET /hello\n") // not TLS: the handshake fails
	waitFor(t, "the handshake to be counted", func() bool { return srv.Stats().Ends[EndHandshakeFailed] == 1 })
}

func TestTLSClientCertificate(t *testing.T) {
	var log exchangeLog
	var logs testenv.SyncBuffer
	srv := &Server{OnExchange: log.observe, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	x := testenv.NewTLS(t)
	pool, err := tlscert.LoadPool(x.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	srv.TLSConfig = x.ServerConfig(t)
	srv.TLSConfig.ClientCAs, srv.TLSConfig.ClientAuth = pool, tls.RequireAndVerifyClientCert
	addr := startServer(t, srv, testRoutes(t))

	client := x.Issue(t, tlscert.Options{CommonName: "alice", Client: true})
	kp, err := tls.X509KeyPair(client.CertPEM, client.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	cfg := x.ClientConfig()
	cfg.Certificates = []tls.Certificate{kp}
	if r := tlsRoundTrip(t, addr, cfg, "GET /hello\n"); r.status != 200 {
		t.Errorf("with a certificate: %d", r.status)
	}
	waitFor(t, "the exchange", func() bool { _, ok := log.last(); return ok })
	if e, _ := log.last(); e.ClientSubject != "CN=alice,O=tinyhttpd" {
		t.Errorf("client subject %q", e.ClientSubject)
	}
	waitFor(t, "the log line", func() bool { return strings.Contains(logs.String(), `client_subject="CN=alice,O=tinyhttpd"`) })

	// Without a certificate: TLS 1.3 clients learn of the refusal on their
	// first read.
	c := tls.Client(dial(t, addr), x.ClientConfig())
	c.Handshake()
	io.WriteString(c, "GET /hello\n")
	c.CloseWrite()
	if got, err := io.ReadAll(c); err == nil || len(got) != 0 {
		t.Errorf("without a certificate: got %q, %v", got, err)
	}
	waitFor(t, "the refused handshake", func() bool { return srv.Stats().Ends[EndHandshakeFailed] == 1 })
}

func TestTLSFaults(t *testing.T) {
	srv := &Server{}
	addr, x := startTLS(t, srv)
	c := dialTLS(t, addr, x.ClientConfig())
	io.WriteString(c, "GET /fault/reset\n")
	c.CloseWrite()
	if _, err := io.ReadAll(c); !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("reset fault: read error %v, want ECONNRESET", err)
	}
	c = dialTLS(t, addr, x.ClientConfig())
	io.WriteString(c, "GET /fault/close\n")
	c.CloseWrite()
	if got, err := io.ReadAll(c); err != nil || len(got) != 0 {
		t.Errorf("close fault: %q, %v", got, err)
	}
}

// TestTLSShutdownServesQueued checks that Shutdown, under TLS, still
// answers an exchange in flight and closes the listener.
func TestTLSShutdownAnswersInFlight(t *testing.T) {
	srv := &Server{}
	addr, x := startTLS(t, srv)
	c := dialTLS(t, addr, x.ClientConfig())
	io.WriteString(c, "GET /hello\n")
	waitFor(t, "the exchange to start", func() bool { return srv.Stats().Reading == 1 })
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(t.Context()) }()
	time.Sleep(50 * time.Millisecond)
	c.CloseWrite()
	raw, err := io.ReadAll(c)
	if r := parseReply(t, string(raw)); err != nil || r.status != 200 {
		t.Errorf("in flight: %d, %v", r.status, err)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("listener still open after Shutdown")
	}
}
