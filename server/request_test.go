package server

import (
	"strings"
	"testing"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRequest([]byte(tt.in))
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

func TestParseRequestHeaderValues(t *testing.T) {
	r, err := ParseRequest([]byte("GET / HTTP/1.0\r\nX-A: \t v w \t\r\nx-b:\r\n\r\n"))
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

// malformedRequests are requests the server must refuse, with the status
// and a part of the reason it must give. The integration test sends each of
// them over a real connection too.
var malformedRequests = []struct {
	name   string
	in     string
	status int
	reason string
}{
	{"empty", "", 400, "empty request"},
	{"blank request line", "\r\nGET / HTTP/1.0\r\n\r\n", 400, "missing request line"},
	{"method only", "GET\r\n\r\n", 400, "no target"},
	{"bad method token", "G(T /x HTTP/1.0\r\n\r\n", 400, "method is not a token"},
	{"method too long", strings.Repeat("A", 33) + " / HTTP/1.0\r\n\r\n", 400, "method longer"},
	{"two spaces", "GET  /x HTTP/1.0\r\n\r\n", 400, "empty target"},
	{"NUL in request line", "GET /a\x00b HTTP/1.0\r\n\r\n", 400, "NUL byte"},
	{"NUL in header", "GET / HTTP/1.0\r\nA: b\x00\r\n\r\n", 400, "NUL byte"},
	{"bare CR", "GET / HTTP/1.0\rX: y\r\n\r\n", 400, "bare CR"},
	{"header without colon", "GET / HTTP/1.0\r\nNoColon\r\n\r\n", 400, "without colon"},
	{"empty header name", "GET / HTTP/1.0\r\n: v\r\n\r\n", 400, "empty header name"},
	{"space before colon", "GET / HTTP/1.0\r\nHost : x\r\n\r\n", 400, "whitespace before colon"},
	{"obs-fold", "GET / HTTP/1.0\r\nA: b\r\n c\r\n\r\n", 400, "obsolete line folding"},
	{"non-ASCII header name", "GET / HTTP/1.0\r\nN\xc3\xa4me: v\r\n\r\n", 400, "not a token"},
	{"control char in value", "GET / HTTP/1.0\r\nA: b\x01c\r\n\r\n", 400, "control character"},
	{"absolute-form", "GET http://example.com/ HTTP/1.0\r\n\r\n", 400, "origin-form"},
	{"authority-form CONNECT", "CONNECT example.com:443 HTTP/1.0\r\n\r\n", 400, "origin-form"},
	{"asterisk-form", "OPTIONS * HTTP/1.0\r\n\r\n", 400, "origin-form"},
	{"non-ASCII target", "GET /caf\xc3\xa9 HTTP/1.0\r\n\r\n", 400, "non-ASCII"},
	{"fragment", "GET /a#b HTTP/1.0\r\n\r\n", 400, "fragment"},
	{"bad percent-encoding", "GET /a%zz HTTP/1.0\r\n\r\n", 400, "percent-encoding"},
	{"encoded invalid UTF-8", "GET /a%ff HTTP/1.0\r\n\r\n", 400, "UTF-8"},
	{"encoded NUL", "GET /a%00 HTTP/1.0\r\n\r\n", 400, "control character"},
	{"dot-dot", "GET /static/../etc/passwd HTTP/1.0\r\n\r\n", 400, "segment"},
	{"encoded dot-dot", "GET /static/%2e%2e%2fetc HTTP/1.0\r\n\r\n", 400, "segment"},
	{"trailing dot", "GET /static/. HTTP/1.0\r\n\r\n", 400, "segment"},
	{"target too long", "GET /" + strings.Repeat("a", maxTargetLen) + " HTTP/1.0\r\n\r\n", 414, "target longer"},
	{"bad version", "GET / HTTP/x\r\n\r\n", 400, "malformed version"},
	{"lower-case version", "GET / http/1.0\r\n\r\n", 400, "malformed version"},
	{"trailing space", "GET / \r\n\r\n", 400, "malformed version"},
	{"extra field", "GET / HTTP/1.0 extra\r\n\r\n", 400, "malformed version"},
	{"HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 505, "not supported"},
	{"too many headers", "GET / HTTP/1.0\r\n" + strings.Repeat("A: b\r\n", maxHeaderCount+1) + "\r\n", 431, "header fields"},
	{"Content-Length too small", "POST /e HTTP/1.0\r\nContent-Length: 2\r\n\r\nabc", 400, "does not match"},
	{"Content-Length too large", "POST /e HTTP/1.0\r\nContent-Length: 9\r\n\r\nabc", 400, "does not match"},
	{"duplicate Content-Length", "POST /e HTTP/1.0\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400, "more than one"},
	{"negative Content-Length", "POST /e HTTP/1.0\r\nContent-Length: -3\r\n\r\nabc", 400, "invalid Content-Length"},
	{"signed Content-Length", "POST /e HTTP/1.0\r\nContent-Length: +3\r\n\r\nabc", 400, "invalid Content-Length"},
	{"list Content-Length", "POST /e HTTP/1.0\r\nContent-Length: 3, 3\r\n\r\nabc", 400, "invalid Content-Length"},
	{"huge Content-Length", "POST /e HTTP/1.0\r\nContent-Length: 99999999999999999999\r\n\r\n", 400, "invalid Content-Length"},
	{"Transfer-Encoding", "POST /e HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400, "Transfer-Encoding"},
	{"HTTP/1.1 without Host", "GET /hello HTTP/1.1\r\n\r\n", 400, "HTTP/1.1 request without Host"},
	{"HTTP/1.1 request line alone", "GET /hello HTTP/1.1", 400, "HTTP/1.1 request without Host"},
	{"HTTP/1.2 without Host", "GET /hello HTTP/1.2\r\n\r\n", 400, "without Host"},
	{"two Hosts", "GET /hello HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400, "more than one Host"},
	{"two Hosts in HTTP/1.0", "GET /hello HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400, "more than one Host"},
	{"Host with a path", "GET /hello HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "invalid Host"},
	{"Host with userinfo", "GET /hello HTTP/1.1\r\nHost: user@a\r\n\r\n", 400, "invalid Host"},
	{"Host with a space", "GET /hello HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "invalid Host"},
	{"Host with a bad port", "GET /hello HTTP/1.1\r\nHost: a:http\r\n\r\n", 400, "invalid Host"},
	{"Host with a bare IPv6 address", "GET /hello HTTP/1.1\r\nHost: ::1\r\n\r\n", 400, "invalid Host"},
	{"Host with an unclosed bracket", "GET /hello HTTP/1.1\r\nHost: [::1\r\n\r\n", 400, "invalid Host"},
	{"Host with a zone", "GET /hello HTTP/1.1\r\nHost: [fe80::1%25eth0]\r\n\r\n", 400, "invalid Host"},
	{"Host with raw UTF-8", "GET /hello HTTP/1.1\r\nHost: caf\xc3\xa9\r\n\r\n", 400, "invalid Host"},
	{"invalid Host in HTTP/1.0", "GET /hello HTTP/1.0\r\nHost: a,b/c\r\n\r\n", 400, "invalid Host"},
	{"invalid Host on a request line alone", "GET /hello\nHost: a b", 400, "invalid Host"},
	{"HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", 505, "version HTTP/0.9 not supported"},
	{"HTTP/3.0", "GET / HTTP/3.0\r\n\r\n", 505, "version HTTP/3.0 not supported"},
	{"HTTP/1.10", "GET / HTTP/1.10\r\n\r\n", 400, "malformed version"},
	{"encoded slash", "GET /public%2fhello.txt HTTP/1.0\r\n\r\n", 404, "encoded slash"},
	{"encoded slash upper case", "GET /public%2Fhello.txt HTTP/1.0\r\n\r\n", 404, "encoded slash"},
	{"encoded slash at the end", "GET /public%2F HTTP/1.0\r\n\r\n", 404, "encoded slash"},
	{"bare CR before EOF", "GET /hello HTTP/1.0\r", 400, "bare CR"},
	{"bare CR before EOF without version", "GET /hello\r", 400, "bare CR"},
	{"bare CR ends the last header", "GET /hello HTTP/1.0\r\nA: b\r", 400, "bare CR"},
	{"bare CR as the blank line", "GET /hello HTTP/1.0\r\n\r", 400, "bare CR"},
	{"trailing tab", "GET /hello HTTP/1.0\t\r\n\r\n", 400, "malformed version"},
}

func TestParseRequestMalformed(t *testing.T) {
	for _, tt := range malformedRequests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRequest([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParseRequest(%q) = %+v, want an error", tt.in, r)
			}
			re, ok := err.(*RequestError)
			if !ok {
				t.Fatalf("error %v is %T, want *RequestError", err, err)
			}
			if re.Status != tt.status || !strings.Contains(re.Reason, tt.reason) {
				t.Errorf("got %d %q, want %d with %q", re.Status, re.Reason, tt.status, tt.reason)
			}
			if strings.ContainsAny(re.Reason, "\r\n") {
				t.Errorf("reason %q is not one line", re.Reason)
			}
		})
	}
}

func BenchmarkParseRequest(b *testing.B) {
	in := []byte("GET /hello HTTP/1.0\r\nHost: 127.0.0.1:7070\r\nUser-Agent: tinyget/0.1.0\r\nAccept: */*\r\n\r\n")
	var r Request
	b.ReportAllocs()
	for b.Loop() {
		if err := parseRequest(in, &r); err != nil {
			b.Fatal(err)
		}
	}
}
