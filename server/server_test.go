package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"go.uber.org/goleak"

	"github.com/tinyhttpd/tinyhttpd/internal/wiretest"
	"github.com/tinyhttpd/tinyhttpd/respond"
	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testRoutes is a route table that exercises every reply kind.
func testRoutes(t *testing.T) *route.Routes {
	t.Helper()
	dir := t.TempDir()
	public := filepath.Join(dir, "public")
	mustWrite(t, filepath.Join(public, "a.txt"), "file a\n")
	mustWrite(t, filepath.Join(public, "sub", "b.json"), `{"b":1}`)
	mustWrite(t, filepath.Join(public, "withindex", "index.html"), "<p>index</p>\n")
	mustWrite(t, filepath.Join(dir, "secret.txt"), "TOP-SECRET-CONTENT\n")
	if err := os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(public, "escape.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, filepath.Join(public, "escapedir")); err != nil {
		t.Fatal(err)
	}
	return &route.Routes{Source: "test", Routes: []route.Route{
		{Path: "/", Kind: route.KindIndex},
		{Path: "/hello", Kind: route.KindBody, Body: "hello, world\n"},
		{Path: "/teapot", Kind: route.KindBody, Body: "short and stout\n", Status: 418,
			Headers: []route.Header{{Name: "Content-Type", Value: "text/x-tea"}, {Name: "X-Brew", Value: "earl grey"}}},
		{Path: "/echo", Kind: route.KindEcho, Methods: []string{"GET", "HEAD", "POST", "PUT"}},
		{Path: "/post-only", Kind: route.KindBody, Body: "ok\n", Methods: []string{"POST"}},
		{Path: "/a.txt", Kind: route.KindFile, File: filepath.Join(public, "a.txt")},
		{Path: "/static/", Prefix: true, Kind: route.KindDir, Dir: public},
		{Path: "/list/", Prefix: true, Kind: route.KindDir, Dir: public, Listing: true},
		{Path: "/slow", Kind: route.KindBody, Body: "late\n", Delay: 200 * time.Millisecond},
		{Path: "/fault/reset", Kind: route.KindFault, Fault: route.FaultReset},
		{Path: "/fault/close", Kind: route.KindFault, Fault: route.FaultClose},
		{Path: "/fault/truncate", Kind: route.KindFault, Fault: route.FaultTruncate},
	}}
}

func mustWrite(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startServer serves rs with srv on a fresh loopback port and returns the
// address. The server is closed when the test ends, and Serve must have
// returned ErrServerClosed by then.
func startServer(t *testing.T, srv *Server, rs *route.Routes) string {
	t.Helper()
	if srv.Logger == nil {
		srv.Logger = slog.New(slog.DiscardHandler)
	}
	tbl, err := respond.NewTable(rs)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetRoutes(tbl)
	if suiteSetup != nil {
		suiteSetup(srv)
	}
	l, err := testListen()
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-errc; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return l.Addr().String()
}

func dial(t *testing.T, addr string) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c.(*net.TCPConn)
}

// roundTrip makes one exchange the protocol's way: write, half-close, read
// to EOF.
func roundTrip(t *testing.T, addr, req string) string {
	t.Helper()
	c := dial(t, addr)
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	reply, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading reply: %v (got %q)", err, reply)
	}
	return string(reply)
}

// reply is a parsed reply, checked for framing: a Content-Length that
// matches the body.
type reply struct {
	status int
	header map[string]string
	order  []string
	body   string
}

func parseReply(t *testing.T, raw string) reply {
	t.Helper()
	head, body, ok := strings.Cut(raw, "\r\n\r\n")
	if !ok {
		t.Fatalf("reply has no end of head: %q", raw)
	}
	lines := strings.Split(head, "\r\n")
	proto, rest, _ := strings.Cut(lines[0], " ")
	code, _, _ := strings.Cut(rest, " ")
	status, err := strconv.Atoi(code)
	if proto != "HTTP/1.0" || err != nil {
		t.Fatalf("bad status line %q", lines[0])
	}
	r := reply{status: status, header: map[string]string{}, body: body}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ": ")
		if !ok {
			t.Fatalf("bad header line %q", l)
		}
		r.header[name] = value
		r.order = append(r.order, name)
	}
	return r
}

func checkFramed(t *testing.T, r reply) {
	t.Helper()
	if cl := r.header["Content-Length"]; cl != strconv.Itoa(len(r.body)) {
		t.Errorf("Content-Length %q, body has %d bytes: %q", cl, len(r.body), r.body)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestExchange(t *testing.T) {
	addr := startServer(t, &Server{}, testRoutes(t))
	raw := roundTrip(t, addr, "GET /hello HTTP/1.0\r\nHost: x\r\n\r\n")
	r := parseReply(t, raw)
	if r.status != 200 || r.body != "hello, world\n" {
		t.Fatalf("got %d %q", r.status, r.body)
	}
	checkFramed(t, r)
	want := []string{"Content-Type", "Content-Length", "Date", "Server", "Connection"}
	if strings.Join(r.order, ",") != strings.Join(want, ",") {
		t.Errorf("headers %v, want %v", r.order, want)
	}
	if _, err := time.Parse(time.RFC1123, r.header["Date"]); err != nil || !strings.HasSuffix(r.header["Date"], " GMT") {
		t.Errorf("Date %q is not an IMF-fixdate: %v", r.header["Date"], err)
	}
	if r.header["Connection"] != "close" || !strings.HasPrefix(r.header["Server"], "tinyhttpd/") {
		t.Errorf("headers %v", r.header)
	}
}

func TestRouteReplies(t *testing.T) {
	addr := startServer(t, &Server{}, testRoutes(t))
	tests := []struct {
		name   string
		req    string
		status int
		body   string // "" means not checked
		header map[string]string
	}{
		{"request line only", "GET /hello\n", 200, "hello, world\n", nil},
		{"custom status and headers", "GET /teapot HTTP/1.0\r\n\r\n", 418, "short and stout\n", map[string]string{"Content-Type": "text/x-tea", "X-Brew": "earl grey"}},
		{"echo", "POST /echo HTTP/1.0\r\nContent-Type: text/x-mine\r\nContent-Length: 11\r\n\r\nhello\r\necho", 200, "hello\r\necho", map[string]string{"Content-Type": "text/x-mine"}},
		{"echo binary without type", "PUT /echo\n\n\x00\x01\xff", 200, "\x00\x01\xff", map[string]string{"Content-Type": "application/octet-stream"}},
		{"404", "GET /nope HTTP/1.0\r\n\r\n", 404, "no route for /nope\n", nil},
		{"405 with Allow", "DELETE /hello HTTP/1.0\r\n\r\n", 405, "method DELETE not allowed on /hello\n", map[string]string{"Allow": "GET, HEAD"}},
		{"405 lists route methods", "GET /post-only HTTP/1.0\r\n\r\n", 405, "", map[string]string{"Allow": "POST"}},
		{"file", "GET /a.txt HTTP/1.0\r\n\r\n", 200, "file a\n", map[string]string{"Content-Type": "text/plain; charset=utf-8"}},
		{"dir file", "GET /static/sub/b.json HTTP/1.0\r\n\r\n", 200, `{"b":1}`, map[string]string{"Content-Type": "application/json"}},
		{"dir index.html", "GET /static/withindex/ HTTP/1.0\r\n\r\n", 200, "<p>index</p>\n", map[string]string{"Content-Type": "text/html; charset=utf-8"}},
		{"dir without listing", "GET /static/sub/ HTTP/1.0\r\n\r\n", 403, "directory listing not enabled for /static/sub/\n", nil},
		{"dir listing", "GET /list/ HTTP/1.0\r\n\r\n", 200, "a.txt\nescape.txt\nescapedir\nsub/\nwithindex/\n", nil},
		{"dir missing file", "GET /static/none.txt HTTP/1.0\r\n\r\n", 404, "not found: /static/none.txt\n", nil},
		{"symlink to a file outside the root", "GET /static/escape.txt HTTP/1.0\r\n\r\n", 404, "not found: /static/escape.txt\n", nil},
		{"symlink to a dir outside the root", "GET /static/escapedir/secret.txt HTTP/1.0\r\n\r\n", 404, "not found: /static/escapedir/secret.txt\n", nil},
		{"double slash", "GET /static//etc/passwd HTTP/1.0\r\n\r\n", 404, "", nil},
		{"encoded traversal", "GET /static/%2e%2e/secret.txt HTTP/1.0\r\n\r\n", 400, "", nil},
		{"encoded slash traversal", "GET /static/..%2fsecret.txt HTTP/1.0\r\n\r\n", 400, "", nil},
		{"index", "GET / HTTP/1.0\r\n\r\n", 200, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parseReply(t, roundTrip(t, addr, tt.req))
			if r.status != tt.status {
				t.Errorf("status %d, want %d (body %q)", r.status, tt.status, r.body)
			}
			if tt.body != "" && r.body != tt.body {
				t.Errorf("body %q, want %q", r.body, tt.body)
			}
			for name, want := range tt.header {
				if got := r.header[name]; got != want {
					t.Errorf("header %s = %q, want %q", name, got, want)
				}
			}
			checkFramed(t, r)
			if strings.Contains(r.body, "TOP-SECRET") {
				t.Errorf("served a file from outside the root: %q", r.body)
			}
		})
	}
}

func TestIndexListsRoutes(t *testing.T) {
	addr := startServer(t, &Server{}, testRoutes(t))
	r := parseReply(t, roundTrip(t, addr, "GET /\n"))
	for _, want := range []string{"/hello", "/echo", "/static/", "dir", "GET, HEAD, POST, PUT"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("index lacks %q:\n%s", want, r.body)
		}
	}
}

func TestHeadMatchesGet(t *testing.T) {
	addr := startServer(t, &Server{}, testRoutes(t))
	for _, path := range []string{"/hello", "/a.txt", "/static/sub/b.json", "/list/"} {
		get := parseReply(t, roundTrip(t, addr, "GET "+path+" HTTP/1.0\r\n\r\n"))
		head := parseReply(t, roundTrip(t, addr, "HEAD "+path+" HTTP/1.0\r\n\r\n"))
		if head.body != "" {
			t.Errorf("HEAD %s has a body %q", path, head.body)
		}
		delete(get.header, "Date")
		delete(head.header, "Date")
		if fmt.Sprint(get.header) != fmt.Sprint(head.header) || get.status != head.status {
			t.Errorf("HEAD %s: %d %v, GET: %d %v", path, head.status, head.header, get.status, get.header)
		}
	}
}

func TestEmbeddedFiles(t *testing.T) {
	files := fstest.MapFS{
		"public/x.txt":          {Data: []byte("embedded x\n")},
		"public/dir/index.html": {Data: []byte("<p>embedded</p>")},
	}
	rs := &route.Routes{Source: "embedded test", Files: files, Routes: []route.Route{
		{Path: "/x", Kind: route.KindFile, File: "public/x.txt"},
		{Path: "/p/", Prefix: true, Kind: route.KindDir, Dir: "public", Listing: true},
	}}
	addr := startServer(t, &Server{}, rs)
	tests := []struct{ path, body string }{
		{"/x", "embedded x\n"},
		{"/p/x.txt", "embedded x\n"},
		{"/p/dir/", "<p>embedded</p>"},
		{"/p/", "dir/\nx.txt\n"},
	}
	for _, tt := range tests {
		r := parseReply(t, roundTrip(t, addr, "GET "+tt.path+"\n"))
		if r.status != 200 || r.body != tt.body {
			t.Errorf("GET %s = %d %q, want 200 %q", tt.path, r.status, r.body, tt.body)
		}
		checkFramed(t, r)
	}
}

func TestMalformedRequestsOverTheWire(t *testing.T) {
	addr := startServer(t, &Server{}, testRoutes(t))
	for _, tt := range wiretest.Malformed {
		t.Run(tt.Name, func(t *testing.T) {
			r := parseReply(t, roundTrip(t, addr, tt.In))
			if r.status != tt.Status || !strings.Contains(r.body, tt.Reason) {
				t.Errorf("got %d %q, want %d with %q", r.status, r.body, tt.Status, tt.Reason)
			}
			if strings.Count(r.body, "\n") != 1 || !strings.HasSuffix(r.body, "\n") {
				t.Errorf("body %q is not one line", r.body)
			}
			checkFramed(t, r)
		})
	}
}

func TestOneByteAtATime(t *testing.T) {
	addr := startServer(t, &Server{}, testRoutes(t))
	c := dial(t, addr)
	req := "POST /echo HTTP/1.0\r\nContent-Length: 4\r\n\r\nabcd"
	for i := range len(req) {
		if _, err := c.Write([]byte{req[i]}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	c.CloseWrite()
	raw, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if r := parseReply(t, string(raw)); r.status != 200 || r.body != "abcd" {
		t.Errorf("got %d %q", r.status, r.body)
	}
}

func TestNoHalfCloseGets408(t *testing.T) {
	ended := make(chan Exchange, 1)
	srv := &Server{ReadTimeout: 200 * time.Millisecond, OnExchange: func(e *Exchange) { ended <- *e }}
	addr := startServer(t, srv, testRoutes(t))
	c := dial(t, addr)
	io.WriteString(c, "GET /hello HTTP/1.0\r\n\r\n")
	start := time.Now()
	raw, err := io.ReadAll(c) // the server half-closes after its reply
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	r := parseReply(t, string(raw))
	if r.status != 408 || !strings.Contains(r.body, "half-close") {
		t.Errorf("got %d %q", r.status, r.body)
	}
	checkFramed(t, r)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("408 took %v", d)
	}
	c.CloseWrite() // ends the server's linger
	waitFor(t, "the exchange to be counted", func() bool { return srv.Stats().Replies[408] == 1 })
	if e := <-ended; e.Method != "GET" || e.Target != "/hello" {
		t.Errorf("the 408's record has method %q and target %q, want the request line's", e.Method, e.Target)
	}
}

func TestTooLargeArrivesIntactWhileClientSends(t *testing.T) {
	const limit = 1024
	srv := &Server{MaxRequestBytes: limit}
	addr := startServer(t, srv, testRoutes(t))
	for i := range 20 {
		c := dial(t, addr)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			chunk := bytes.Repeat([]byte("x"), 64<<10)
			io.WriteString(c, "POST /echo HTTP/1.0\r\n\r\n")
			for range 32 { // 2 MiB, well past the limit
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
			c.CloseWrite()
		}()
		raw, err := io.ReadAll(c)
		wg.Wait()
		if err != nil {
			t.Fatalf("exchange %d: read: %v (got %q)", i, err, raw)
		}
		r := parseReply(t, string(raw))
		if r.status != 413 || r.body != "request larger than 1024 bytes\n" {
			t.Fatalf("exchange %d: got %d %q", i, r.status, r.body)
		}
		checkFramed(t, r)
	}
}

func TestRequestSizeBoundary(t *testing.T) {
	head := "POST /echo\n\n"
	const limit = 100
	addr := startServer(t, &Server{MaxRequestBytes: limit}, testRoutes(t))
	exact := head + strings.Repeat("b", limit-len(head))
	if r := parseReply(t, roundTrip(t, addr, exact)); r.status != 200 || len(r.body) != limit-len(head) {
		t.Errorf("request of exactly the limit: %d, %d body bytes", r.status, len(r.body))
	}
	if r := parseReply(t, roundTrip(t, addr, exact+"b")); r.status != 413 {
		t.Errorf("request one byte over the limit: %d %q", r.status, r.body)
	}
}

func TestLargeRequestGrowsBuffer(t *testing.T) {
	addr := startServer(t, &Server{}, testRoutes(t))
	body := strings.Repeat("0123456789", 50_000)
	r := parseReply(t, roundTrip(t, addr, "PUT /echo\n\n"+body))
	if r.status != 200 || r.body != body {
		t.Errorf("got %d and %d body bytes, want 200 and %d", r.status, len(r.body), len(body))
	}
}

func TestMaxConnsGets503(t *testing.T) {
	srv := &Server{MaxConns: 1}
	addr := startServer(t, srv, testRoutes(t))
	holder := dial(t, addr) // never half-closes: holds the only slot
	io.WriteString(holder, "GET /hello")
	waitFor(t, "the first connection to be served", func() bool { return srv.Stats().Reading == 1 })

	raw := roundTrip(t, addr, "GET /hello HTTP/1.0\r\n\r\n")
	r := parseReply(t, raw)
	if r.status != 503 || !strings.Contains(r.body, "too many connections") {
		t.Errorf("got %d %q", r.status, r.body)
	}
	checkFramed(t, r)
	checkRefusedHead(t, srv, addr, "too many connections")

	holder.CloseWrite()
	raw2, _ := io.ReadAll(holder)
	if r := parseReply(t, string(raw2)); r.status != 200 {
		t.Errorf("held connection got %d", r.status)
	}
	if r := parseReply(t, roundTrip(t, addr, "GET /hello\n")); r.status != 200 {
		t.Errorf("after the slot freed: %d", r.status)
	}
}

// TestMaxRequestMemoryGets503 checks that a large request gets 503 while
// another holds the memory MaxRequestMemory allows, that the memory is
// counted and given back, and that the same request is served once it is.
func TestMaxRequestMemoryGets503(t *testing.T) {
	const limit = 1 << 20
	srv := &Server{MaxRequestBytes: limit, MaxRequestMemory: limit}
	addr := startServer(t, srv, testRoutes(t))
	head := "PUT /echo\n\n"
	body := strings.Repeat("m", 600<<10)
	holder := dial(t, addr) // never half-closes until the end: holds its buffer
	io.WriteString(holder, head+body)
	// A request's buffer grows from the pooled one, so once the 600 KiB
	// are read it counts at least 600 KiB - 4 KiB, and another such
	// request would take the two over 1 MiB; alone, each counts at most
	// 1 MiB.
	held := int64(len(head+body) - readBufSize)
	waitFor(t, "the first request's memory to be counted", func() bool { return srv.Stats().RequestMemory >= held })

	r := parseReply(t, roundTrip(t, addr, head+body))
	if r.status != 503 || r.body != "server busy: too many large requests at once\n" {
		t.Errorf("second large request got %d and %d body bytes: %.80q", r.status, len(r.body), r.body)
	}
	checkFramed(t, r)
	if r := parseReply(t, roundTrip(t, addr, "GET /hello\n")); r.status != 200 {
		t.Errorf("a small request meanwhile got %d %q", r.status, r.body)
	}

	holder.CloseWrite()
	raw, _ := io.ReadAll(holder)
	if r := parseReply(t, string(raw)); r.status != 200 || r.body != body {
		t.Errorf("the held request got %d and %d body bytes", r.status, len(r.body))
	}
	waitFor(t, "the memory to be given back", func() bool { return srv.Stats().RequestMemory == 0 })
	if r := parseReply(t, roundTrip(t, addr, head+body)); r.status != 200 || r.body != body {
		t.Errorf("after the memory was given back: %d and %d body bytes", r.status, len(r.body))
	}
}

// TestEarlyReplyGivesBackRequestMemory checks that a request refused
// before its end (413 here) gives back its memory at once, not after its
// linger: another large request is served while it lingers.
func TestEarlyReplyGivesBackRequestMemory(t *testing.T) {
	const limit = 1 << 20
	srv := &Server{MaxRequestBytes: limit, MaxRequestMemory: limit, LingerTimeout: 5 * time.Second}
	addr := startServer(t, srv, testRoutes(t))
	tooLarge := dial(t, addr) // sends one byte too many and never half-closes
	r := readAllInBackground(tooLarge)
	io.WriteString(tooLarge, "PUT /echo\n\n"+strings.Repeat("x", limit))
	waitFor(t, "the 413 to linger", func() bool { return srv.Stats().Lingering == 1 })
	if m := srv.Stats().RequestMemory; m != 0 {
		t.Errorf("a lingering 413 still counts %d bytes of request memory", m)
	}
	body := strings.Repeat("m", 600<<10)
	if rep := parseReply(t, roundTrip(t, addr, "PUT /echo\n\n"+body)); rep.status != 200 || rep.body != body {
		t.Errorf("a large request while the 413 lingers got %d and %d body bytes", rep.status, len(rep.body))
	}
	tooLarge.CloseWrite()
	if rep := parseReply(t, <-r); rep.status != 413 {
		t.Errorf("the oversized request got %d %q", rep.status, rep.body)
	}
}

// TestPooledBuffersStayCounted checks that a buffer grown by one exchange
// does not let a later one hold more than readBufSize uncounted: after
// requests of 40 KiB, connections holding 50 KiB each are counted.
func TestPooledBuffersStayCounted(t *testing.T) {
	const limit = 1 << 20
	// The refused connections linger until the test ends, however slow the
	// machine.
	srv := &Server{MaxRequestBytes: limit, MaxRequestMemory: limit, LingerTimeout: time.Minute}
	addr := startServer(t, srv, testRoutes(t))
	for range 20 {
		if r := parseReply(t, roundTrip(t, addr, "PUT /echo\n\n"+strings.Repeat("w", 40<<10))); r.status != 200 {
			t.Fatalf("a 40 KiB request got %d %q", r.status, r.body)
		}
	}
	const holders, size = 40, 50 << 10
	for range holders {
		c := dial(t, addr)
		io.WriteString(c, "PUT /echo\n\n"+strings.Repeat("h", size))
	}
	waitFor(t, "every held request to be counted or refused", func() bool {
		st := srv.Stats()
		return st.Reading+st.Lingering == holders && st.RequestMemory >= st.Reading*(size-readBufSize)
	})
}

// readAllInBackground reads c to EOF in a goroutine of its own and sends
// what it read.
func readAllInBackground(c net.Conn) <-chan string {
	out := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(c)
		out <- string(b)
	}()
	return out
}

// TestReserveRequestMemoryNeverRefusesWhatFits checks that reservations
// that cannot fit, tried at the same time, never make one that fits fail
// nor the count pass the limit.
func TestReserveRequestMemoryNeverRefusesWhatFits(t *testing.T) {
	srv := &Server{MaxRequestBytes: 1000, MaxRequestMemory: 1000}
	srv.requestMemory.Store(500)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if srv.reserveRequestMemory(600) {
					t.Error("600 bytes reserved over 500 of 1000")
					return
				}
				if m := srv.requestMemory.Load(); m > 1000 {
					t.Errorf("the count passed the limit: %d", m)
					return
				}
			}
		})
	}
	refused := 0
	for range 200_000 {
		if !srv.reserveRequestMemory(400) {
			refused++
			continue
		}
		srv.requestMemory.Add(-400)
	}
	close(stop)
	wg.Wait()
	if refused > 0 {
		t.Errorf("a reservation of 400 bytes, which fits, was refused %d times of 200000", refused)
	}
}

// TestRequestMemoryDefaultCoversLargestRequest checks that a Server whose
// MaxRequestBytes is over DefaultMaxRequestMemory can read its largest
// request without MaxRequestMemory set.
func TestRequestMemoryDefaultCoversLargestRequest(t *testing.T) {
	for _, tt := range []struct{ maxBytes, want int64 }{
		{0, DefaultMaxRequestMemory},
		{64 << 10, DefaultMaxRequestMemory},
		{512 << 20, 512 << 20},
	} {
		if got := (&Server{MaxRequestBytes: tt.maxBytes}).maxRequestMemory(); got != tt.want {
			t.Errorf("MaxRequestBytes %d: bound %d, want %d", tt.maxBytes, got, tt.want)
		}
	}
}

// TestClosePlainConnectionsArriving checks that Close, while plain
// connections are being accepted, reaches every one: each is tracked
// before its acceptor can stop, so Close never waits for an exchange it
// has not counted.
func TestClosePlainConnectionsArriving(t *testing.T) {
	tbl, err := respond.NewTable(testRoutes(t))
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		srv := &Server{Acceptors: 1, path: pathPlain, Logger: slog.New(slog.DiscardHandler)}
		srv.SetRoutes(tbl)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(l) }()
		stop := make(chan struct{})
		var dialers sync.WaitGroup
		for range 8 {
			dialers.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if c, err := net.Dial("tcp", l.Addr().String()); err == nil {
						c.Close()
					}
				}
			})
		}
		time.Sleep(5 * time.Millisecond)
		srv.Close()
		close(stop)
		dialers.Wait()
		if err := <-served; !errors.Is(err, ErrServerClosed) {
			t.Fatalf("Serve returned %v", err)
		}
		if n := srv.openConns(); n != 0 {
			t.Fatalf("%d connections still tracked after Close", n)
		}
	}
}

// TestRefusedRecordsTarget checks that a 503 over MaxConns is recorded with
// the request line that had arrived, a long target included.
func TestRefusedRecordsTarget(t *testing.T) {
	refused := make(chan Exchange, 1)
	srv := &Server{MaxConns: 1, OnExchange: func(e *Exchange) {
		if e.Status == 503 {
			refused <- *e
		}
	}}
	addr := startServer(t, srv, testRoutes(t))
	holder := dial(t, addr)
	io.WriteString(holder, "GET /hello")
	waitFor(t, "the first connection to be served", func() bool { return srv.Stats().Reading == 1 })
	target := "/hello/" + strings.Repeat("x", 100)
	roundTrip(t, addr, "GET "+target+" HTTP/1.0\r\n\r\n")
	if e := <-refused; e.Method != "GET" || e.Target != target {
		t.Errorf("the 503's record has method %q and target %q, want GET %s", e.Method, e.Target, target)
	}
}

// checkRefusedHead checks that a HEAD refused with 503 gets GET's head,
// whose Content-Length is that of the reason's line, and no body. It waits
// for the 503 before it to end first: while MaxConns connections are being
// refused, more are dropped.
func checkRefusedHead(t *testing.T, srv *Server, addr, reason string) {
	t.Helper()
	waitFor(t, "the 503 before to end", func() bool { return srv.Stats().Replies[503] >= 1 })
	r := parseReply(t, roundTrip(t, addr, "HEAD /hello HTTP/1.0\r\n\r\n"))
	if r.status != 503 || r.body != "" {
		t.Errorf("HEAD got %d with body %q, want 503 and no body", r.status, r.body)
	}
	if cl, _ := strconv.Atoi(r.header["Content-Length"]); cl < len(reason) {
		t.Errorf("HEAD got Content-Length %q, want GET's", r.header["Content-Length"])
	}
}

// TestMaxConnsPerIPGets503 checks that a client address holding
// MaxConnsPerIP connections gets 503 for one more, while another address is
// served, and that the slot frees when a connection ends.
func TestMaxConnsPerIPGets503(t *testing.T) {
	srv := &Server{MaxConnsPerIP: 1}
	addr := startServer(t, srv, testRoutes(t))
	holder := dial(t, addr) // never half-closes: holds 127.0.0.1's only slot
	io.WriteString(holder, "GET /hello")
	waitFor(t, "the first connection to be served", func() bool { return srv.Stats().Reading == 1 })

	r := parseReply(t, roundTrip(t, addr, "GET /hello HTTP/1.0\r\n\r\n"))
	if r.status != 503 || !strings.Contains(r.body, "too many connections from 127.0.0.1") {
		t.Errorf("second connection from 127.0.0.1 got %d %q", r.status, r.body)
	}
	checkFramed(t, r)
	checkRefusedHead(t, srv, addr, "too many connections from 127.0.0.1")

	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 5 * time.Second}
	if other, err := d.Dial("tcp", addr); err != nil {
		t.Logf("no second loopback address: %v", err)
	} else {
		defer other.Close()
		other.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(other, "GET /hello\n")
		other.(*net.TCPConn).CloseWrite()
		raw, _ := io.ReadAll(other)
		if r := parseReply(t, string(raw)); r.status != 200 {
			t.Errorf("a connection from 127.0.0.2 got %d %q", r.status, r.body)
		}
	}

	holder.CloseWrite()
	io.ReadAll(holder)
	if r := parseReply(t, roundTrip(t, addr, "GET /hello\n")); r.status != 200 {
		t.Errorf("after the slot freed: %d", r.status)
	}
}

func TestClientResetBeforeHalfClose(t *testing.T) {
	srv := &Server{}
	addr := startServer(t, srv, testRoutes(t))
	c := dial(t, addr)
	io.WriteString(c, "GET /hel")
	waitFor(t, "the server to read", func() bool { return srv.Stats().Reading == 1 })
	c.SetLinger(0)
	c.Close()
	waitFor(t, "the reset to be counted", func() bool { return srv.Stats().Ends[EndReset] == 1 })
	if r := parseReply(t, roundTrip(t, addr, "GET /hello\n")); r.status != 200 {
		t.Errorf("server harmed: %d", r.status)
	}
}

func TestClientResetAfterHalfClose(t *testing.T) {
	srv := &Server{}
	addr := startServer(t, srv, testRoutes(t))
	c := dial(t, addr)
	io.WriteString(c, "GET /slow\n")
	c.CloseWrite()
	waitFor(t, "the request to be read", func() bool { return srv.Stats().Reading == 0 && srv.Stats().Accepted == 1 })
	c.SetLinger(0)
	c.Close()
	waitFor(t, "the client to be counted as gone", func() bool { return srv.Stats().Ends[EndClientGone] == 1 })
	st := srv.Stats()
	if st.Ends[EndDelivered] != 0 {
		t.Errorf("a reply to a reset client counted as delivered: %+v", st)
	}
	if r := parseReply(t, roundTrip(t, addr, "GET /hello\n")); r.status != 200 {
		t.Errorf("server harmed: %d", r.status)
	}
}

func TestFaults(t *testing.T) {
	addr := startServer(t, &Server{}, testRoutes(t))

	c := dial(t, addr)
	io.WriteString(c, "GET /fault/reset\n")
	c.CloseWrite()
	if _, err := io.ReadAll(c); !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("reset fault: read error %v, want ECONNRESET", err)
	}

	if raw := roundTrip(t, addr, "GET /fault/close\n"); raw != "" {
		t.Errorf("close fault sent %q", raw)
	}

	r := parseReply(t, roundTrip(t, addr, "GET /fault/truncate\n"))
	if cl, _ := strconv.Atoi(r.header["Content-Length"]); r.status != 200 || cl != 2*len(r.body) {
		t.Errorf("truncate fault: %d, Content-Length %d, %d body bytes", r.status, cl, len(r.body))
	}
}

func TestWriteTimeoutFreesNeverReadingClient(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.bin")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(64 << 20)
	f.Close()
	srv := &Server{WriteTimeout: 300 * time.Millisecond}
	addr := startServer(t, srv, &route.Routes{Routes: []route.Route{{Path: "/big", Kind: route.KindFile, File: big}}})
	c := dial(t, addr)
	io.WriteString(c, "GET /big\n")
	c.CloseWrite()
	waitFor(t, "the write timeout", func() bool { return srv.Stats().Ends[EndWriteTimeout] == 1 })
	st := srv.Stats()
	if st.BytesOut >= 64<<20 {
		t.Errorf("server wrote %d bytes to a client that reads nothing", st.BytesOut)
	}
}

func TestLargeFileComplete(t *testing.T) {
	dir := t.TempDir()
	content := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
	big := filepath.Join(dir, "big.bin")
	if err := os.WriteFile(big, content, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := &Server{}
	addr := startServer(t, srv, &route.Routes{Routes: []route.Route{{Path: "/big", Kind: route.KindFile, File: big}}})
	raw := roundTrip(t, addr, "GET /big\n")
	r := parseReply(t, raw)
	if r.status != 200 || r.body != string(content) {
		t.Fatalf("got %d and %d body bytes, want %d", r.status, len(r.body), len(content))
	}
	waitFor(t, "the exchange to be counted", func() bool { return srv.Stats().Ends[EndDelivered] == 1 })
}

func TestPanicGets500(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	srv := &Server{Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))}
	srv.testOnRespond = func(r *wire.Request) {
		if r.Path == "/hello" {
			panic("test panic")
		}
	}
	addr := startServer(t, srv, testRoutes(t))
	r := parseReply(t, roundTrip(t, addr, "GET /hello\n"))
	if r.status != 500 || r.body != "internal server error\n" {
		t.Errorf("got %d %q", r.status, r.body)
	}
	waitFor(t, "the panic to be counted", func() bool { return srv.Stats().Panics == 1 })
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "test panic") || !strings.Contains(logs.String(), "goroutine") {
		t.Errorf("panic not logged with its stack:\n%s", logs.String())
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestExchangeLogLine(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	srv := &Server{Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))}
	addr := startServer(t, srv, testRoutes(t))
	roundTrip(t, addr, "GET /hello HTTP/1.0\r\n\r\n")
	waitFor(t, "the exchange log", func() bool { mu.Lock(); defer mu.Unlock(); return logs.Len() > 0 })
	mu.Lock()
	line := logs.String()
	mu.Unlock()
	for _, want := range []string{"msg=exchange", "remote=127.0.0.1:", "method=GET", "path=/hello", "status=200", "bytes_in=23", "bytes_out=", "duration=", "end=delivered"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %q: %s", want, line)
		}
	}
}

func TestShutdownAnswersInFlight(t *testing.T) {
	srv := &Server{Logger: slog.New(slog.DiscardHandler)}
	tbl, _ := respond.NewTable(testRoutes(t))
	srv.SetRoutes(tbl)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()

	const n = 8
	replies := make(chan string, n)
	for range n {
		c := dial(t, addr)
		go func() {
			io.WriteString(c, "GET /slow\n")
			c.CloseWrite()
			raw, _ := io.ReadAll(c)
			replies <- string(raw)
		}()
	}
	waitFor(t, "all exchanges to be accepted", func() bool { return srv.Stats().Accepted == n })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-errc; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
	for range n {
		if r := parseReply(t, <-replies); r.status != 200 || r.body != "late\n" {
			t.Errorf("in-flight exchange got %d %q", r.status, r.body)
		}
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted after Shutdown")
	}
}

func TestShutdownDeadlineClosesConnections(t *testing.T) {
	srv := &Server{Logger: slog.New(slog.DiscardHandler)}
	addr := startServer(t, srv, testRoutes(t))
	c := dial(t, addr)
	io.WriteString(c, "GET /hello") // never half-closes
	waitFor(t, "the exchange to start", func() bool { return srv.Stats().Reading == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want DeadlineExceeded", err)
	}
	if _, err := io.ReadAll(c); err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("read after forced close: %v", err)
	}
}

func TestZeroServerServes404(t *testing.T) {
	var srv Server
	srv.Logger = slog.New(slog.DiscardHandler)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	r := parseReply(t, roundTrip(t, l.Addr().String(), "GET /anything\n"))
	if r.status != 404 {
		t.Errorf("got %d", r.status)
	}
	srv.Close()
	if err := <-errc; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
	if err := srv.ListenAndServe(); !errors.Is(err, ErrServerClosed) {
		t.Errorf("ListenAndServe after Close = %v", err)
	}
}

// TestNegativeFieldIsAnError checks that Serve refuses a negative limit,
// timeout or count, which would otherwise drop or refuse every connection,
// with an error that names the field, and closes its listener.
func TestNegativeFieldIsAnError(t *testing.T) {
	for name, srv := range map[string]*Server{
		"ReadTimeout":      {ReadTimeout: -time.Second},
		"WriteTimeout":     {WriteTimeout: -time.Second},
		"LingerTimeout":    {LingerTimeout: -time.Second},
		"MaxRequestBytes":  {MaxRequestBytes: -1},
		"MaxConns":         {MaxConns: -1},
		"MaxRequestMemory": {MaxRequestMemory: -1},
		"MaxConnsPerIP":    {MaxConnsPerIP: -1},
		"Acceptors":        {Acceptors: -1},
	} {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 1)
		go func() { errc <- srv.Serve(l) }()
		select {
		case err := <-errc:
			if err == nil || errors.Is(err, ErrServerClosed) || !strings.Contains(err.Error(), name+" is negative") {
				t.Errorf("%s: Serve returned %v", name, err)
			}
		case <-time.After(5 * time.Second):
			srv.Close()
			t.Fatalf("%s: Serve accepted a negative field", name)
		}
		if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s: listener not closed: Accept returned %v", name, err)
		}
	}
}

// flakyListener fails Accept with EMFILE a number of times before each
// connection, as a process out of file descriptors does.
type flakyListener struct {
	net.Listener
	mu       sync.Mutex
	failures int
	calls    int
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	l.calls++
	fail := l.failures > 0
	if fail {
		l.failures--
	}
	l.mu.Unlock()
	if fail {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

func TestAcceptBacksOffOnEMFILE(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fl := &flakyListener{Listener: inner, failures: 6}
	srv := &Server{Logger: slog.New(slog.DiscardHandler), Acceptors: 1}
	errc := make(chan error, 1)
	start := time.Now()
	go func() { errc <- srv.Serve(fl) }()
	r := parseReply(t, roundTrip(t, inner.Addr().String(), "GET /x\n"))
	if r.status != 404 {
		t.Errorf("got %d", r.status)
	}
	// Six failures back off 5+10+20+40+80+160 ms: the loop waited instead
	// of spinning, and recovered.
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("served after %v: accept did not back off", d)
	}
	fl.mu.Lock()
	calls := fl.calls
	fl.mu.Unlock()
	if calls > 8 {
		t.Errorf("Accept called %d times for 6 failures and 1 connection", calls)
	}
	srv.Close()
	if err := <-errc; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
}

func TestSetRoutesSwapsTable(t *testing.T) {
	srv := &Server{}
	addr := startServer(t, srv, testRoutes(t))
	next, err := respond.NewTable(&route.Routes{Source: "next", Routes: []route.Route{{Path: "/hello", Kind: route.KindBody, Body: "swapped\n"}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.SetRoutes(next)
	if r := parseReply(t, roundTrip(t, addr, "GET /hello\n")); r.body != "swapped\n" {
		t.Errorf("after SetRoutes: %q", r.body)
	}
	if srv.Routes().Source() != "next" {
		t.Errorf("Routes().Source() = %q", srv.Routes().Source())
	}
}

func TestStatsCountBytesAndStates(t *testing.T) {
	srv := &Server{}
	addr := startServer(t, srv, testRoutes(t))
	raw := roundTrip(t, addr, "GET /hello\n")
	waitFor(t, "the exchange to be counted", func() bool { return srv.Stats().Replies[200] == 1 })
	st := srv.Stats()
	if st.BytesIn != uint64(len("GET /hello\n")) || st.BytesOut != uint64(len(raw)) {
		t.Errorf("bytes in/out %d/%d, want %d/%d", st.BytesIn, st.BytesOut, len("GET /hello\n"), len(raw))
	}
	if st.Reading != 0 || st.Writing != 0 || st.Lingering != 0 {
		t.Errorf("states not back to zero: %+v", st)
	}
}

// TestOwnRepliesWithinReplies takes snapshots of the counters while 404s
// are counted: no snapshot may hold more of them among the server's own
// replies than among all replies.
func TestOwnRepliesWithinReplies(t *testing.T) {
	srv := &Server{}
	addr := startServer(t, srv, testRoutes(t))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 250 {
				roundTrip(t, addr, "GET /missing\n")
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for bad := 0; ; {
		select {
		case <-done:
			if bad > 0 {
				t.Errorf("%d snapshots had more own 404s than 404s", bad)
			}
			return
		default:
		}
		if st := srv.Stats(); st.OwnReplies[404] > st.Replies[404] {
			bad++
		}
	}
}

// TestOwnReplies checks that the server's own replies are counted apart
// from a route's reply of the same status.
func TestOwnReplies(t *testing.T) {
	srv := &Server{}
	rs := &route.Routes{Routes: []route.Route{{Path: "/maint", Kind: route.KindBody, Status: 503, Body: "later\n"}}}
	addr := startServer(t, srv, rs)
	roundTrip(t, addr, "GET /maint\n")
	roundTrip(t, addr, "GET /missing\n")
	roundTrip(t, addr, "BROKEN\n")
	waitFor(t, "the exchanges to be counted", func() bool { return srv.Stats().Ends[EndDelivered] == 3 })
	st := srv.Stats()
	if st.Replies[503] != 1 || st.OwnReplies[503] != 0 || st.OwnReplies[404] != 1 || st.OwnReplies[400] != 1 {
		t.Errorf("replies %v, own %v; want the route's 503 not among the server's own", st.Replies, st.OwnReplies)
	}
}

func TestDelayEndsOnClose(t *testing.T) {
	srv := &Server{}
	rs := &route.Routes{Routes: []route.Route{{Path: "/forever", Kind: route.KindBody, Body: "x", Delay: time.Hour}}}
	addr := startServer(t, srv, rs)
	c := dial(t, addr)
	io.WriteString(c, "GET /forever\n")
	c.CloseWrite()
	waitFor(t, "the delay to start", func() bool { return srv.Stats().Writing == 1 })
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end a delay")
	}
	if st := srv.Stats(); st.Ends[EndAborted] != 1 {
		t.Errorf("ends %v, want one aborted", st.Ends)
	}
}

// TestDrainKeepsServing checks that a drain turns Ready off and changes
// nothing else: the exchange in flight finishes, and new connections,
// eager and not, are served as before.
func TestDrainKeepsServing(t *testing.T) {
	srv := &Server{}
	addr := startServer(t, srv, testRoutes(t))
	waitFor(t, "the server to be ready", srv.Ready)
	c := dial(t, addr)
	io.WriteString(c, "GET /slow\n")
	c.CloseWrite()
	waitFor(t, "the exchange to start", func() bool { return srv.Stats().Writing == 1 })

	srv.Drain()
	if srv.Ready() || !srv.Draining() {
		t.Errorf("after Drain: Ready %v, Draining %v", srv.Ready(), srv.Draining())
	}
	for _, req := range []string{"GET /hello\n", "GET /hello HTTP/1.0\r\nHost: x\r\n\r\n"} {
		if r := parseReply(t, roundTrip(t, addr, req)); r.status != 200 || r.body != "hello, world\n" {
			t.Errorf("new connection while draining got %d %q", r.status, r.body)
		}
	}
	raw, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if r := parseReply(t, string(raw)); r.status != 200 || r.body != "late\n" {
		t.Errorf("in-flight exchange got %d %q", r.status, r.body)
	}
	if n := srv.Stats().Replies[503]; n != 0 {
		t.Errorf("%d connections answered 503 while draining", n)
	}
}

// TestEndDrainRacesDrainUntilShutdown checks that an EndDrain at the same
// time as DrainUntilShutdown cannot leave the server ready.
func TestEndDrainRacesDrainUntilShutdown(t *testing.T) {
	for range 20000 {
		srv := &Server{Logger: slog.New(slog.DiscardHandler)}
		srv.Drain()
		ended := make(chan bool)
		go func() { ended <- srv.EndDrain() }()
		srv.DrainUntilShutdown()
		<-ended
		if !srv.Draining() {
			t.Fatal("EndDrain at the same time as DrainUntilShutdown ended the drain")
		}
	}
}

func TestEndDrain(t *testing.T) {
	srv := &Server{}
	addr := startServer(t, srv, testRoutes(t))
	waitFor(t, "the server to be ready", srv.Ready)
	srv.Drain()
	if !srv.EndDrain() || srv.Draining() || !srv.Ready() {
		t.Fatalf("after EndDrain: Draining %v, Ready %v", srv.Draining(), srv.Ready())
	}
	if r := parseReply(t, roundTrip(t, addr, "GET /hello\n")); r.status != 200 {
		t.Errorf("after the drain ended got %d %q", r.status, r.body)
	}
	srv.DrainUntilShutdown()
	if srv.EndDrain() || !srv.Draining() || srv.Ready() {
		t.Errorf("EndDrain undid DrainUntilShutdown: Draining %v, Ready %v", srv.Draining(), srv.Ready())
	}
	srv.Close()
	if srv.EndDrain() || !srv.Draining() {
		t.Errorf("EndDrain undid a Close: Draining %v", srv.Draining())
	}
}

func TestOnExchange(t *testing.T) {
	var mu sync.Mutex
	var got []Exchange
	srv := &Server{OnExchange: func(e *Exchange) {
		mu.Lock()
		got = append(got, *e)
		mu.Unlock()
	}}
	addr := startServer(t, srv, testRoutes(t))
	raw := roundTrip(t, addr, "GET /hello?x=1 HTTP/1.0\r\n\r\n")
	roundTrip(t, addr, "BAD\n")
	waitFor(t, "two exchanges", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 2 })
	mu.Lock()
	defer mu.Unlock()
	e := got[0]
	if e.Target != "/hello?x=1" {
		e, got[1] = got[1], e
	}
	if e.Method != "GET" || e.Target != "/hello?x=1" || e.Route != "/hello" || e.Status != 200 ||
		e.BytesOut != int64(len(raw)) || e.End != EndDelivered || !e.Remote.Addr().IsLoopback() || e.Duration <= 0 {
		t.Errorf("exchange %+v", e)
	}
	if bad := got[1]; bad.Status != 400 || bad.Route != "" || bad.Method != "" {
		t.Errorf("malformed exchange %+v", bad)
	}
}

func TestInFlightExchangeKeepsItsTable(t *testing.T) {
	srv := &Server{}
	addr := startServer(t, srv, testRoutes(t)) // /slow: "late\n" after 200ms
	c := dial(t, addr)
	io.WriteString(c, "GET /slow\n")
	c.CloseWrite()
	waitFor(t, "the exchange to start", func() bool { return srv.Stats().Writing == 1 })
	next, err := respond.NewTable(&route.Routes{Routes: []route.Route{{Path: "/slow", Kind: route.KindBody, Body: "new\n"}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.SetRoutes(next)
	raw, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if r := parseReply(t, string(raw)); r.body != "late\n" {
		t.Errorf("in-flight exchange got %q from the new table", r.body)
	}
	if r := parseReply(t, roundTrip(t, addr, "GET /slow\n")); r.body != "new\n" {
		t.Errorf("new exchange got %q", r.body)
	}
}

func TestRemoteString(t *testing.T) {
	if got := (&Exchange{}).RemoteString(); got != "unix:" {
		t.Errorf("a client with no IP address: %q, want unix:", got)
	}
	if got := (&Exchange{Remote: netip.MustParseAddrPort("192.0.2.1:4321")}).RemoteString(); got != "192.0.2.1:4321" {
		t.Errorf("an IPv4 client: %q", got)
	}
}
