package wire_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/hostport"
	"github.com/tinyhttpd/tinyhttpd/internal/httpsyntax"
	"github.com/tinyhttpd/tinyhttpd/internal/wiretest"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

// FuzzParseRequest checks that no input panics the parser, that refusals
// carry a 4xx or 505 status with a one-line reason, and that an accepted
// request has the parts the route lookup relies on: an origin-form or
// http(s) absolute-form target, a path without an encoded slash, and one
// valid Host when the version requires it.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("GET /hello HTTP/1.0\r\nHost: x\r\n\r\n"))
	f.Add([]byte("GET /hello\n"))
	f.Add([]byte("POST /echo HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello"))
	f.Add([]byte("GET /a%2e%2e/b?x=1 HTTP/1.1\r\nA: b\r\n c\r\n\r\n"))
	f.Add([]byte("HEAD /public%2fhello.txt?a=%2F HTTP/1.2\r\nHost: [::1]:7070\r\n\r\n"))
	f.Add([]byte("GET HTTP://[::1]:7070/a%20b?x HTTP/1.1\r\nHost: [::1]:7070\r\n\r\n"))
	for _, tt := range wiretest.Malformed {
		f.Add([]byte(tt.In))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := wire.ParseRequest(b)
		if err != nil {
			re, ok := err.(*wire.RequestError)
			if !ok {
				t.Fatalf("error %T %v is not a *RequestError", err, err)
			}
			if re.Status != 505 && (re.Status < 400 || re.Status > 499) {
				t.Fatalf("status %d for %q", re.Status, b)
			}
			if re.Reason == "" || strings.ContainsAny(re.Reason, "\r\n") {
				t.Fatalf("reason %q is not one line", re.Reason)
			}
			return
		}
		if !strings.HasPrefix(r.Path, "/") || slices.ContainsFunc(strings.Split(r.Path, "/"), isDotSegment) || !httpsyntax.IsToken(r.Method) {
			t.Fatalf("accepted %q as method %q path %q", b, r.Method, r.Path)
		}
		if len(r.Body) > len(b) {
			t.Fatalf("body longer than the input")
		}
		if strings.Contains(strings.ToLower(r.RawPath), "%2f") {
			t.Fatalf("accepted %q with an encoded slash in its path", b)
		}
		scheme, _, absolute := strings.Cut(r.Target, "://")
		if !strings.HasPrefix(r.RawPath, "/") || !strings.HasPrefix(r.Target, "/") && (!absolute || !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https")) {
			t.Fatalf("accepted %q with target %q, raw path %q", b, r.Target, r.RawPath)
		}
		hosts := 0
		for _, h := range r.Header {
			if strings.EqualFold(string(h.Name), "Host") {
				hosts++
				if _, err := hostport.Parse(h.Value); err != nil {
					t.Fatalf("accepted %q with Host %q: %v", b, h.Value, err)
				}
			}
		}
		if hosts > 1 || hosts == 0 && r.Version == "HTTP/1.1" {
			t.Fatalf("accepted %q, version %q, with %d Host fields", b, r.Version, hosts)
		}
	})
}

func isDotSegment(s string) bool { return s == "." || s == ".." }
