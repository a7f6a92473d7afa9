package wire_test

import (
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/wiretest"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

func TestParseRequestValid(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		method  string
		path    string
		query   string
		version string
		headers int
		body    string
	}{
		{"request line alone", "GET /hello\n", "GET", "/hello", "", "", 0, ""},
		{"no line ending at all", "GET /hello", "GET", "/hello", "", "", 0, ""},
		{"HTTP/1.0 with CRLF", "GET /hello HTTP/1.0\r\n\r\n", "GET", "/hello", "", "HTTP/1.0", 0, ""},
		{"HTTP/1.1 accepted", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET", "/", "", "HTTP/1.1", 1, ""},
		{"bare LF throughout", "POST /echo HTTP/1.0\nA: 1\nB:2\n\nbody\n", "POST", "/echo", "", "HTTP/1.0", 2, "body\n"},
		{"headers end at EOF without blank line", "GET /x HTTP/1.0\r\nHost: x\r\n", "GET", "/x", "", "HTTP/1.0", 1, ""},
		{"last header without line ending", "GET /x\nHost: x", "GET", "/x", "", "", 1, ""},
		{"query kept raw", "GET /a?b=c%20d HTTP/1.0\r\n\r\n", "GET", "/a", "b=c%20d", "HTTP/1.0", 0, ""},
		{"percent-decoded path", "GET /a%20b HTTP/1.0\r\n\r\n", "GET", "/a b", "", "HTTP/1.0", 0, ""},
		{"matching Content-Length", "POST /echo HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello", "POST", "/echo", "", "HTTP/1.0", 1, "hello"},
		{"zero Content-Length", "POST /echo HTTP/1.0\r\nContent-Length: 0\r\n\r\n", "POST", "/echo", "", "HTTP/1.0", 1, ""},
		{"body keeps CR and NUL", "PUT /e\n\na\r\x00b", "PUT", "/e", "", "", 0, "a\r\x00b"},
		{"OWS trimmed", "GET /\r\nX-A: \t v \t\r\n\r\n", "GET", "/", "", "", 1, ""},
		{"extension method", "PURGE /cache HTTP/1.0\r\n\r\n", "PURGE", "/cache", "", "HTTP/1.0", 0, ""},
		{"dots inside names are fine", "GET /a.b/..c/d.. HTTP/1.0\r\n\r\n", "GET", "/a.b/..c/d..", "", "HTTP/1.0", 0, ""},
		{"HTTP/1.0 needs no Host", "GET /hello HTTP/1.0\r\n\r\n", "GET", "/hello", "", "HTTP/1.0", 0, ""},
		{"HTTP/1.1 with host:port", "GET / HTTP/1.1\r\nHost: example.com:7070\r\n\r\n", "GET", "/", "", "HTTP/1.1", 1, ""},
		{"HTTP/1.1 with an IPv4 Host", "GET / HTTP/1.1\r\nHost: 127.0.0.1:7070\r\n\r\n", "GET", "/", "", "HTTP/1.1", 1, ""},
		{"HTTP/1.1 with an IPv6 Host", "GET / HTTP/1.1\r\nHost: [::1]:7070\r\n\r\n", "GET", "/", "", "HTTP/1.1", 1, ""},
		{"HTTP/1.1 with an empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", "GET", "/", "", "HTTP/1.1", 1, ""},
		{"Host name is case-insensitive", "GET / HTTP/1.1\r\nhOsT: x\r\n\r\n", "GET", "/", "", "HTTP/1.1", 1, ""},
		{"HTTP/1.2 processed as HTTP/1.1", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", "GET", "/", "", "HTTP/1.1", 1, ""},
		{"HTTP/1.9 processed as HTTP/1.1", "GET / HTTP/1.9\r\nHost: x\r\n\r\n", "GET", "/", "", "HTTP/1.1", 1, ""},
		{"encoded slash in the query", "GET /hello?next=%2Fpublic%2f HTTP/1.0\r\n\r\n", "GET", "/hello", "next=%2Fpublic%2f", "HTTP/1.0", 0, ""},
		{"double-encoded slash is a name", "GET /a%252Fb HTTP/1.0\r\n\r\n", "GET", "/a%2Fb", "", "HTTP/1.0", 0, ""},
		{"CRLF before EOF", "GET /hello HTTP/1.0\r\n", "GET", "/hello", "", "HTTP/1.0", 0, ""},
		{"absolute-form", "GET http://example.com/a%20b?x=1 HTTP/1.0\r\n\r\n", "GET", "/a b", "x=1", "HTTP/1.0", 0, ""},
		{"absolute-form, scheme in capitals, port, IPv6", "GET HTTPS://[::1]:7070/hello HTTP/1.1\r\nHost: x\r\n\r\n", "GET", "/hello", "", "HTTP/1.1", 1, ""},
		{"absolute-form without a path", "GET http://example.com HTTP/1.0\r\n\r\n", "GET", "/", "", "HTTP/1.0", 0, ""},
		{"absolute-form with a query and no path", "GET http://example.com?q HTTP/1.0\r\n\r\n", "GET", "/", "q", "HTTP/1.0", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := wire.ParseRequest([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParseRequest(%q): %v", tt.in, err)
			}
			if r.Method != tt.method || r.Path != tt.path || r.Query != tt.query || r.Version != tt.version {
				t.Errorf("got method=%q path=%q query=%q version=%q; want %q %q %q %q",
					r.Method, r.Path, r.Query, r.Version, tt.method, tt.path, tt.query, tt.version)
			}
			if len(r.Header) != tt.headers {
				t.Errorf("got %d headers %v, want %d", len(r.Header), r.Header, tt.headers)
			}
			if string(r.Body) != tt.body {
				t.Errorf("body = %q, want %q", r.Body, tt.body)
			}
		})
	}
}

// TestRawPath checks that RawPath is the target's path as sent, for both
// forms, so that a redirect built from it keeps the client's encoding and
// never names a host.
func TestRawPath(t *testing.T) {
	for in, want := range map[string]string{
		"GET /a%20b?x HTTP/1.0\r\n\r\n":                    "/a%20b",
		"GET http://h.example:80/a%20b?x HTTP/1.0\r\n\r\n": "/a%20b",
		"GET http://h.example HTTP/1.0\r\n\r\n":            "/",
	} {
		r, err := wire.ParseRequest([]byte(in))
		if err != nil {
			t.Fatalf("ParseRequest(%q): %v", in, err)
		}
		if r.RawPath != want {
			t.Errorf("ParseRequest(%q).RawPath = %q, want %q", in, r.RawPath, want)
		}
	}
}

func TestParseRequestHeaderValues(t *testing.T) {
	r, err := wire.ParseRequest([]byte("GET / HTTP/1.0\r\nX-A: \t v w \t\r\nx-b:\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := r.Get("x-a"); !ok || v != "v w" {
		t.Errorf("Get(x-a) = %q, %v; want \"v w\", true", v, ok)
	}
	if v, ok := r.Get("X-B"); !ok || v != "" {
		t.Errorf("Get(X-B) = %q, %v; want \"\", true", v, ok)
	}
	if _, ok := r.Get("X-C"); ok {
		t.Error("Get(X-C) found a header that was not sent")
	}
}

func TestParseRequestMalformed(t *testing.T) {
	for _, tt := range wiretest.Malformed {
		t.Run(tt.Name, func(t *testing.T) {
			r, err := wire.ParseRequest([]byte(tt.In))
			if err == nil {
				t.Fatalf("ParseRequest(%q) = %+v, want an error", tt.In, r)
			}
			re, ok := err.(*wire.RequestError)
			if !ok {
				t.Fatalf("error %v is %T, want *RequestError", err, err)
			}
			if re.Status != tt.Status || !strings.Contains(re.Reason, tt.Reason) {
				t.Errorf("got %d %q, want %d with %q", re.Status, re.Reason, tt.Status, tt.Reason)
			}
			if strings.ContainsAny(re.Reason, "\r\n") {
				t.Errorf("reason %q is not one line", re.Reason)
			}
		})
	}
}

func TestLeadingMethod(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"HEAD", ""},
		{"HEAD ", "HEAD"},
		{"HEAD /x", "HEAD"},
		{"GET /", "GET"},
		{"PURGE /", "PURGE"},
		{"HE\rAD /", ""},
		{"HEAD\r\n /", ""},
		{" HEAD /", ""},
		{strings.Repeat("A", wire.MaxMethodLen) + " /", strings.Repeat("A", wire.MaxMethodLen)},
		{strings.Repeat("A", wire.MaxMethodLen+1) + " /", ""},
	}
	for _, tt := range tests {
		if got := wire.LeadingMethod([]byte(tt.in)); got != tt.want {
			t.Errorf("LeadingMethod(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestParseErrorKnowsMethod checks that a refused request still has its
// method, which decides whether the refusal has a body.
func TestParseErrorKnowsMethod(t *testing.T) {
	for _, in := range []string{
		"HEAD /a%zz HTTP/1.0\r\n\r\n",
		"HEAD /hello HTTP/2.0\r\n\r\n",
		"HEAD /hello HTTP/1.0\r",
		"HEAD /hello HTTP/1.1\r\n\r\n",
		"HEAD /hello HTTP/1.0\r\nA\r\n\r\n",
	} {
		var r wire.Request
		if err := r.Parse([]byte(in)); err == nil || !r.HeadOnly() {
			t.Errorf("Parse(%q): %v, method %q; want an error and HEAD", in, err, r.Method)
		}
	}
}

func BenchmarkParseRequest(b *testing.B) {
	in := []byte("GET /hello HTTP/1.0\r\nHost: 127.0.0.1:7070\r\nUser-Agent: tinyget/0.1.0\r\nAccept: */*\r\n\r\n")
	var r wire.Request
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParseLeading checks what a request refused before its end tells of
// itself: its method once the space after it has arrived, and the rest of
// its request line once that is whole and valid.
func TestParseLeading(t *testing.T) {
	tests := []struct{ in, method, target, path string }{
		{"", "", "", ""},
		{"HEAD", "", "", ""},
		{"HEAD /hel", "HEAD", "", ""},
		{"GET /a%20b?x HTTP/1.0\r\nHost: x", "GET", "/a%20b?x", "/a b"},
		{"GET /hello\n", "GET", "/hello", "/hello"},
		{"GET /hello HTTP/9.9\n", "GET", "", ""},
		{"GET /a\rb\n", "GET", "", ""},
	}
	for _, tt := range tests {
		r := wire.Request{Target: "/earlier"}
		r.ParseLeading([]byte(tt.in))
		if r.Method != tt.method || r.Target != tt.target || r.Path != tt.path {
			t.Errorf("ParseLeading(%q): method %q, target %q, path %q; want %q, %q, %q", tt.in, r.Method, r.Target, r.Path, tt.method, tt.target, tt.path)
		}
	}
}
