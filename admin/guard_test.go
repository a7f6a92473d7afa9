package admin

import (
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/config"
)

// guardedEndpoints are the endpoints that need the token.
var guardedEndpoints = []struct{ method, path string }{
	{"POST", "/api/reload"},
	{"POST", "/api/drain"},
	{"DELETE", "/api/drain"},
	{"GET", "/debug/pprof/"},
	{"GET", "/debug/pprof/cmdline"},
	{"GET", "/debug/pprof/heap"},
}

// TestWritesRefusedEveryWay tries every guarded endpoint without the
// token, with tokens that are almost right or sent the wrong way, and with
// the right token from a foreign Host or Origin. Each must be refused with
// the JSON error shape, and none may reload, drain or echo the token.
func TestWritesRefusedEveryWay(t *testing.T) {
	f := newFixture(t, true, Options{Token: testToken})
	host := strings.TrimPrefix(f.adminURL, "http://")
	_, port, _ := net.SplitHostPort(host)
	right := "Bearer " + testToken
	attempts := []struct {
		name   string
		header map[string]string
		query  string
		status int
		want   string
	}{
		{"no token", nil, "", 401, "missing or wrong bearer token"},
		{"scheme alone", map[string]string{"Authorization": "Bearer"}, "", 401, "missing or wrong"},
		{"empty token", map[string]string{"Authorization": "Bearer "}, "", 401, "missing or wrong"},
		{"wrong token", bearer("not-the-token"), "", 401, "missing or wrong"},
		{"token with a suffix", bearer(testToken + "x"), "", 401, "missing or wrong"},
		{"token prefix", bearer(testToken[:len(testToken)-1]), "", 401, "missing or wrong"},
		{"upper-case token", bearer(strings.ToUpper(testToken)), "", 401, "missing or wrong"},
		{"two spaces", map[string]string{"Authorization": "Bearer  " + testToken}, "", 401, "missing or wrong"},
		{"token without scheme", map[string]string{"Authorization": testToken}, "", 401, "missing or wrong"},
		{"other scheme", map[string]string{"Authorization": "Token " + testToken}, "", 401, "missing or wrong"},
		{"basic auth", map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:"+testToken))}, "", 401, "missing or wrong"},
		{"token in the query", nil, "?token=" + testToken, 401, "missing or wrong"},
		{"token in another header", map[string]string{"X-Admin-Token": testToken}, "", 401, "missing or wrong"},
		{"token in a cookie", map[string]string{"Cookie": "token=" + testToken}, "", 401, "missing or wrong"},
		{"foreign host", map[string]string{"Authorization": right, "Host": "evil.example"}, "", 403, "is not this admin endpoint"},
		{"host without port", map[string]string{"Authorization": right, "Host": "127.0.0.1"}, "", 403, "is not this admin endpoint"},
		{"host with another port", map[string]string{"Authorization": right, "Host": "127.0.0.1:1"}, "", 403, "is not this admin endpoint"},
		{"rebinding name with our port", map[string]string{"Authorization": right, "Host": "127.0.0.1.nip.io:" + port}, "", 403, "is not this admin endpoint"},
		{"localhost with a trailing dot", map[string]string{"Authorization": right, "Host": "localhost.:" + port}, "", 403, "is not this admin endpoint"},
		{"another loopback address", map[string]string{"Authorization": right, "Host": "127.0.0.2:" + port}, "", 403, "is not this admin endpoint"},
		{"wildcard address", map[string]string{"Authorization": right, "Host": "0.0.0.0:" + port}, "", 403, "is not this admin endpoint"},
		{"origin null", map[string]string{"Authorization": right, "Origin": "null"}, "", 403, "may not write"},
		{"foreign origin", map[string]string{"Authorization": right, "Origin": "http://evil.example"}, "", 403, "may not write"},
		{"origin with another port", map[string]string{"Authorization": right, "Origin": "http://127.0.0.1:1"}, "", 403, "may not write"},
		{"origin with userinfo", map[string]string{"Authorization": right, "Origin": "http://" + host + "@evil.example"}, "", 403, "may not write"},
		{"origin under our name", map[string]string{"Authorization": right, "Origin": "http://" + host + ".evil.example"}, "", 403, "may not write"},
		{"https origin of another port", map[string]string{"Authorization": right, "Origin": "https://127.0.0.1:1"}, "", 403, "may not write"},
		{"file origin", map[string]string{"Authorization": right, "Origin": "file://"}, "", 403, "may not write"},
		{"localhost origin for a 127.0.0.1 host", map[string]string{"Authorization": right, "Origin": "http://localhost:" + port}, "", 403, "may not write"},
	}
	for _, ep := range guardedEndpoints {
		for _, a := range attempts {
			t.Run(ep.method+" "+ep.path+"/"+a.name, func(t *testing.T) {
				code, body := f.do(t, ep.method, ep.path+a.query, a.header)
				checkRefused(t, code, body, a.status, a.want)
			})
		}
	}
	if f.srv.Draining() {
		t.Error("a refused drain drained the server")
	}
	if ok, failed := f.admin.opts.Reloader.Counts(); ok != 1 || failed != 0 {
		t.Errorf("refused reloads ran: %d ok, %d failed (the fixture's own load is the one ok)", ok, failed)
	}
}

// TestBearerSchemeAnyCase checks that the scheme's name is matched without
// regard to case, as RFC 9110 section 11.1 has it.
func TestBearerSchemeAnyCase(t *testing.T) {
	f := newFixture(t, true, Options{Token: testToken})
	for _, scheme := range []string{"bearer", "BEARER", "BeArEr"} {
		if code, body := f.do(t, "POST", "/api/reload", map[string]string{"Authorization": scheme + " " + testToken}); code != 200 {
			t.Errorf("%s: %d %s", scheme, code, body)
		}
	}
}

// TestWriteWithoutHostHeader sends a write as HTTP/1.0 with no Host at
// all, which net/http's client cannot: a rebinding page cannot omit it, but
// a refusal must not depend on that.
func TestWriteWithoutHostHeader(t *testing.T) {
	f := newFixture(t, true, Options{Token: testToken})
	u, err := url.Parse(f.adminURL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "POST /api/drain HTTP/1.0\r\nAuthorization: Bearer "+testToken+"\r\nContent-Length: 0\r\n\r\n")
	reply, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(reply), "HTTP/1.0 403 ") || !strings.Contains(string(reply), "is not this admin endpoint") {
		t.Errorf("write without Host: %q", reply)
	}
	if f.srv.Draining() {
		t.Error("a write without Host drained the server")
	}
}

// TestNoSecretInReads reads every endpoint that needs no token, and some
// that fail, with the token in the settings the admin shows: none may show
// it.
func TestNoSecretInReads(t *testing.T) {
	settings, err := config.Load(map[string]string{"TINYHTTPD_ADMIN_TOKEN": testToken})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, true, Options{Token: testToken, Settings: settings})
	f.exchange(t, "GET /hello\n")
	f.waitExchanges(t, 1)
	for _, path := range []string{
		"/", "/assets/app.js", "/livez", "/readyz?verbose", "/api/status", "/api/routes",
		"/api/requests", "/api/series", "/metrics", "/api/nope", "/api/series?seconds=x",
	} {
		code, body := f.do(t, "GET", path, nil)
		if code >= 500 {
			t.Errorf("GET %s: %d", path, code)
		}
		if strings.Contains(body, testToken) {
			t.Errorf("GET %s shows the admin token", path)
		}
	}
	_, body := f.do(t, "GET", "/api/status", nil)
	if !strings.Contains(body, `"TINYHTTPD_ADMIN_TOKEN": "REDACTED"`) {
		t.Errorf("status does not show the token as redacted:\n%s", body)
	}
}

// TestProbesAsTheyCome sends /livez, /readyz and /metrics as health
// checkers and scrapers do, over raw connections so that the Host header
// can be left out: HTTP/1.0 without Host (HAProxy's option httpchk), and
// Host localhost or an IP address, with or without a port. Every admin
// listener answers them, while other endpoints, other methods and names
// that a rebinding page could send stay refused.
func TestProbesAsTheyCome(t *testing.T) {
	for _, tt := range []struct {
		name  string
		opts  Options
		names bool // the listener checks names beyond its own
	}{
		{"loopback", Options{Token: testToken}, false},
		{"loopback with names", Options{Token: testToken, Hosts: []string{"admin.example"}}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, true, tt.opts)
			u, err := url.Parse(f.adminURL)
			if err != nil {
				t.Fatal(err)
			}
			_, port, _ := net.SplitHostPort(u.Host)
			probeHosts := []string{"", "localhost", "LOCALHOST", "localhost:" + port, "localhost:80", "127.0.0.1", "127.0.0.1:1",
				"127.0.0.2:" + port, "10.0.0.5", "[::1]", "[::1]:" + port, "[2001:db8::1]:8080"}
			for _, path := range []string{"/livez", "/readyz", "/readyz?verbose", "/metrics"} {
				for _, method := range []string{"GET", "HEAD"} {
					for _, host := range probeHosts {
						status, reply := rawRequest(t, u.Host, method, path, host)
						if status != 200 {
							t.Errorf("%s %s Host %q: %d\n%s", method, path, host, status, reply)
						}
					}
				}
			}
			refused := []struct{ method, path, host string }{
				{"GET", "/api/status", ""},
				{"GET", "/api/status", "localhost"},
				{"GET", "/api/status", "127.0.0.1"},
				{"GET", "/", "localhost"},
				{"GET", "/readyz", "evil.example"},
				{"GET", "/readyz", "evil.example:" + port},
				{"GET", "/readyz", "127.0.0.1.nip.io:" + port},
				{"GET", "/readyz", "localhost.evil.example"},
				{"GET", "/readyz", "localhost."},
				{"GET", "/metrics", "evil.example"},
				{"GET", "/readyz", "[fe80::1%25eth0]:" + port},
				{"GET", "/readyz/", "localhost"},
				{"POST", "/readyz", ""},
				{"POST", "/metrics", "localhost"},
				{"POST", "/api/drain", "localhost"},
			}
			for _, r := range refused {
				if status, reply := rawRequest(t, u.Host, r.method, r.path, r.host); status != 403 {
					t.Errorf("%s %s Host %q: %d, want 403\n%s", r.method, r.path, r.host, status, reply)
				}
			}
			if tt.names {
				if status, _ := rawRequest(t, u.Host, "GET", "/api/status", "admin.example:"+port); status != 200 {
					t.Errorf("a configured name is refused: %d", status)
				}
			}
			if f.srv.Draining() {
				t.Error("a probe drained the server")
			}
		})
	}
}

// TestProbesOnEveryInterface checks the probe rule on a listener beyond
// loopback with names, where the Host check is on.
func TestProbesOnEveryInterface(t *testing.T) {
	g := newGuard(testToken, &net.TCPAddr{IP: net.IPv4zero, Port: 7071}, []string{"admin.example"})
	for _, host := range []string{"", "localhost", "10.0.0.5", "[2001:db8::1]"} {
		r := &http.Request{Method: "GET", Host: host, URL: &url.URL{Path: "/readyz"}}
		if !isProbe(r) {
			t.Errorf("Host %q: not a probe", host)
		}
	}
	for _, host := range []string{"evil.example", "admin.example.evil.example", "::1"} {
		r := &http.Request{Method: "GET", Host: host, URL: &url.URL{Path: "/readyz"}}
		if isProbe(r) || g.acceptsHost(host) {
			t.Errorf("Host %q: answered", host)
		}
	}
}

// rawRequest sends one HTTP/1.0 request, with the Host header only when
// host is not empty, and returns the status and the whole reply.
func rawRequest(t *testing.T, addr, method, path, host string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	req := method + " " + path + " HTTP/1.0\r\n"
	if host != "" {
		req += "Host: " + host + "\r\n"
	}
	io.WriteString(c, req+"\r\n")
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	reply := string(b)
	var status int
	if _, err := fmt.Sscanf(reply, "HTTP/1.0 %d ", &status); err != nil {
		t.Fatalf("%s %s: reply %q", method, path, reply)
	}
	return status, reply
}

func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		origin, host string
		overTLS      bool
		want         bool
	}{
		{"http://127.0.0.1:7071", "127.0.0.1:7071", false, true},
		{"http://LOCALHOST:7071", "localhost:7071", false, true},
		{"https://admin.example", "admin.example", false, true}, // a TLS-terminating proxy's page
		{"https://admin.example", "admin.example", true, true},
		{"http://admin.example", "admin.example", true, false}, // a plain page may not write over TLS
		{"https://admin.example:8443", "admin.example", false, false},
		{"https://evil.example", "admin.example", false, false},
		{"https://admin.example@evil.example", "admin.example", false, false},
		{"ftp://admin.example", "admin.example", false, false},
		{"null", "admin.example", false, false},
	} {
		if got := sameOrigin(tc.origin, tc.host, tc.overTLS); got != tc.want {
			t.Errorf("sameOrigin(%q, %q, %v) = %v; want %v", tc.origin, tc.host, tc.overTLS, got, tc.want)
		}
	}
}
