package server

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/wire"
)

// checkHeadReply checks a reply to HEAD: the status wanted, a
// Content-Length, and no body (RFC 9110 section 9.3.2).
func checkHeadReply(t *testing.T, raw string, status int) {
	t.Helper()
	r := parseReply(t, raw)
	if r.status != status {
		t.Errorf("got %d, want %d", r.status, status)
	}
	if r.body != "" {
		t.Errorf("reply to HEAD has a body: %q", r.body)
	}
	if n, err := strconv.Atoi(r.header["Content-Length"]); err != nil || n == 0 {
		t.Errorf("Content-Length %q, want the length GET's body would have", r.header["Content-Length"])
	}
	if r.header["Connection"] != "close" {
		t.Errorf("Connection %q, want close", r.header["Connection"])
	}
}

// TestHeadGetsNoBody sends HEAD for each status the server makes itself
// and checks that the reply is GET's head with no body, and that GET still
// gets its one-line reason.
func TestHeadGetsNoBody(t *testing.T) {
	addr := startServer(t, &Server{}, testRoutes(t))
	tests := []struct {
		name   string
		rest   string // the request after "METHOD "
		status int
	}{
		{"404 no route", "/nope HTTP/1.0\r\n\r\n", 404},
		{"404 request line alone", "/nope\n", 404},
		{"404 under a dir route", "/static/missing.txt HTTP/1.0\r\n\r\n", 404},
		{"403 directory without listing", "/static/sub/ HTTP/1.0\r\n\r\n", 403},
		{"405", "/post-only HTTP/1.0\r\n\r\n", 405},
		{"400 bad header", "/hello HTTP/1.0\r\nNoColon\r\n\r\n", 400},
		{"400 bad target", "/a%zz HTTP/1.0\r\n\r\n", 400},
		{"400 bad version", "/hello HTTP/x\r\n\r\n", 400},
		{"400 no Host", "/hello HTTP/1.1\r\n\r\n", 400},
		{"400 invalid Host", "/hello HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
		{"400 bare CR", "/hello HTTP/1.0\r", 400},
		{"400 NUL", "/a\x00b HTTP/1.0\r\n\r\n", 400},
		{"404 encoded slash", "/static%2fa.txt HTTP/1.0\r\n\r\n", 404},
		{"414", "/" + strings.Repeat("a", wire.MaxTargetLen) + " HTTP/1.0\r\n\r\n", 414},
		{"431", "/hello HTTP/1.0\r\n" + strings.Repeat("A: b\r\n", wire.MaxHeaderCount+1) + "\r\n", 431},
		{"505", "/hello HTTP/2.0\r\n\r\n", 505},
		{"fault truncate", "/fault/truncate HTTP/1.0\r\n\r\n", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkHeadReply(t, roundTrip(t, addr, "HEAD "+tt.rest), tt.status)
			get := parseReply(t, roundTrip(t, addr, "GET "+tt.rest))
			if get.status != tt.status || get.body == "" {
				t.Errorf("GET: %d %q, want %d with a body", get.status, get.body, tt.status)
			}
		})
	}
}

// TestHeadGetsNoBodyOn500 checks the reply to a panic.
func TestHeadGetsNoBodyOn500(t *testing.T) {
	srv := &Server{}
	srv.testOnRespond = func(r *wire.Request) {
		if r.Path == "/hello" {
			panic("test panic")
		}
	}
	addr := startServer(t, srv, testRoutes(t))
	checkHeadReply(t, roundTrip(t, addr, "HEAD /hello HTTP/1.0\r\n\r\n"), 500)
}

// TestHeadGetsNoBodyOnEarlyReplies checks the replies sent before the
// request's end, once the method has arrived: 408 and 413.
func TestHeadGetsNoBodyOnEarlyReplies(t *testing.T) {
	for _, tt := range []struct {
		name, sent string
		head       bool // whether the method is known to be HEAD
	}{
		{"408", "HEAD /hello HTTP/1.0\r\n\r\n", true},
		{"408 method only", "HEAD ", true},
		{"408 method unknown", "HEA", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := &Server{ReadTimeout: 200 * time.Millisecond}
			addr := startServer(t, srv, testRoutes(t))
			c := dial(t, addr)
			io.WriteString(c, tt.sent)
			raw, err := io.ReadAll(c)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if tt.head {
				checkHeadReply(t, string(raw), 408)
			} else if r := parseReply(t, string(raw)); r.status != 408 || !strings.Contains(r.body, "half-close") {
				t.Errorf("got %d %q, want 408 with its reason: the method is not known", r.status, r.body)
			}
			c.CloseWrite()
			waitFor(t, "the exchange to be counted", func() bool { return srv.Stats().Replies[408] == 1 })
		})
	}
	for _, size := range []int{2 << 10, 256 << 10} { // read at once, and read in a loop
		t.Run("413 "+strconv.Itoa(size), func(t *testing.T) {
			srv := &Server{MaxRequestBytes: int64(size / 2)}
			addr := startServer(t, srv, testRoutes(t))
			c := dial(t, addr)
			go func() {
				c.Write(append([]byte("HEAD /hello HTTP/1.0\r\nX: "), bytes.Repeat([]byte("x"), size)...))
				c.CloseWrite()
			}()
			raw, err := io.ReadAll(c)
			if err != nil {
				t.Fatalf("read: %v (got %q)", err, raw)
			}
			checkHeadReply(t, string(raw), 413)
		})
	}
}

// TestHeadOnTruncateFault checks that truncate answers HEAD with GET's head
// and no body, and that the exchange ends delivered, not as a fault.
func TestHeadOnTruncateFault(t *testing.T) {
	ends := make(chan End, 2)
	srv := &Server{OnExchange: func(e *Exchange) { ends <- e.End }}
	addr := startServer(t, srv, testRoutes(t))
	get := parseReply(t, roundTrip(t, addr, "GET /fault/truncate HTTP/1.0\r\n\r\n"))
	if e := <-ends; e != EndFault {
		t.Errorf("GET ended %v, want %v", e, EndFault)
	}
	raw := roundTrip(t, addr, "HEAD /fault/truncate HTTP/1.0\r\n\r\n")
	checkHeadReply(t, raw, 200)
	if e := <-ends; e != EndDelivered {
		t.Errorf("HEAD ended %v, want %v", e, EndDelivered)
	}
	if head := parseReply(t, raw); head.header["Content-Length"] != get.header["Content-Length"] {
		t.Errorf("HEAD Content-Length %q, GET's %q", head.header["Content-Length"], get.header["Content-Length"])
	}
}
