package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// TestRedirectCredentials checks that Authorization and Cookie follow a
// redirect only to the same scheme, host and port, as curl 7.83 and later
// have it: tinys:// and tiny:// share port 7070, so a change of scheme alone
// would otherwise send them in the clear.
func TestRedirectCredentials(t *testing.T) {
	from, err := parseTarget("tinys://example.com/a", false)
	if err != nil {
		t.Fatal(err)
	}
	req := &client.Request{Method: "GET", Target: "/a", Header: []client.Header{
		{Name: "Authorization", Value: "Basic YTpi"}, {Name: "Cookie", Value: "a=1"}, {Name: "X-A", Value: "1"},
	}}
	for _, tc := range []struct {
		to   string
		kept bool
	}{
		{"tinys://EXAMPLE.com/b", true},
		{"tiny://example.com/b", false},
		{"tinys://example.com:7071/b", false},
		{"tinys://other.example/b", false},
	} {
		to, err := parseTarget(tc.to, false)
		if err != nil {
			t.Fatal(err)
		}
		next := redirectRequest(&options{}, req, 302, from, from, to, "tinys://example.com/a")
		if got := hasHeader(next.Header, "Authorization"); got != tc.kept {
			t.Errorf("to %s: Authorization sent %v, want %v", tc.to, got, tc.kept)
		}
		if got := hasHeader(next.Header, "Cookie"); got != tc.kept {
			t.Errorf("to %s: Cookie sent %v, want %v", tc.to, got, tc.kept)
		}
		if !hasHeader(next.Header, "X-A") {
			t.Errorf("to %s: X-A dropped", tc.to)
		}
	}
}

// slowRedirect returns a reply for serveCounted that waits for d, then
// redirects to /next.
func slowRedirect(d time.Duration) func(int64) string {
	return func(int64) string {
		time.Sleep(d)
		return "HTTP/1.0 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n"
	}
}

// TestMaxTimeBoundsRedirects checks that -m bounds a transfer and the
// redirects it follows together, as curl's does, and not each hop.
func TestMaxTimeBoundsRedirects(t *testing.T) {
	addr, count := serveCounted(t, slowRedirect(150*time.Millisecond))
	start := time.Now()
	r := tinyget("", "-sS", "-L", "--max-redirs", "20", "-m", "0.4", addr+"/")
	if r.code != int(exitTimeout) {
		t.Errorf("exit %d after %d hops in %v, want %d; stderr %q", r.code, count.Load(), time.Since(start), exitTimeout, r.stderr)
	}
}

// TestWriteOutSumsRedirects checks that -w's times and connections count
// every hop of -L, as curl's do: the times of each step summed, the total
// from the start.
func TestWriteOutSumsRedirects(t *testing.T) {
	first := slowRedirect(200 * time.Millisecond)
	addr, _ := serveCounted(t, func(n int64) string {
		if n == 1 {
			return first(n)
		}
		return helloReply
	})
	r := tinyget("", "-sS", "-L", "-o", os.DevNull, "-w", "%{time_starttransfer} %{time_total} %{num_connects} %{num_redirects} %{size_request}", addr+"/")
	var start, total float64
	var connects, redirects, size int
	if _, err := fmt.Sscanf(r.stdout, "%f %f %d %d %d", &start, &total, &connects, &redirects, &size); err != nil || r.code != 0 {
		t.Fatalf("%+v: %v", r, err)
	}
	if start < 0.2 || total < start || connects != 2 || redirects != 1 {
		t.Errorf("-w gave %q; want time_starttransfer at least 0.2 s (the first hop's wait), time_total at least that, 2 connects, 1 redirect", r.stdout)
	}
	one := tinyget("", "-sS", "-o", os.DevNull, "-w", "%{size_request}", addr+"/next")
	if n, _ := strconv.Atoi(one.stdout); size != 2*n-len("next") {
		t.Errorf("size_request %d over the two hops; want the heads of GET / and GET /next, %d and %d", size, n-len("next"), n)
	}
}

// TestRedirectHost checks that a Host set with -H follows a redirect while
// the host is the first URL's, whatever the scheme and port, and that the
// new URL's Host goes elsewhere, as in curl: a custom Host comes back when a
// later redirect returns to the first host.
func TestRedirectHost(t *testing.T) {
	first, err := parseTarget("tinys://example.com/a", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		headers []string
		from    string
		to      string
		want    string
	}{
		{[]string{"Host: foo.example"}, "tinys://example.com/a", "tinys://EXAMPLE.com/b", "foo.example"},
		{[]string{"Host: foo.example"}, "tinys://example.com/a", "tiny://example.com:7071/b", "foo.example"},
		{[]string{"Host: foo.example"}, "tinys://example.com/a", "tinys://other.example/b", "other.example:7070"},
		{[]string{"Host: foo.example"}, "tinys://other.example/b", "tinys://example.com/c", "foo.example"},
		{[]string{"Host;"}, "tinys://example.com/a", "tinys://example.com/b", ""},
		{[]string{"Host:"}, "tinys://example.com/a", "tinys://other.example/b", "other.example:7070"},
		{[]string{"Host:"}, "tinys://example.com/a", "tinys://example.com/b", "none"},
		{nil, "tinys://example.com/a", "tinys://example.com:7071/b", "example.com:7071"},
	} {
		from, err := parseTarget(tc.from, false)
		if err != nil {
			t.Fatal(err)
		}
		to, err := parseTarget(tc.to, false)
		if err != nil {
			t.Fatal(err)
		}
		req, err := buildRequest(&options{headers: tc.headers}, from, requestBody{}, t.Errorf)
		if err != nil {
			t.Fatal(err)
		}
		next := redirectRequest(&options{headers: tc.headers}, req, 302, first, from, to, tc.from)
		host := "none"
		for _, h := range next.Header {
			if strings.EqualFold(h.Name, "Host") {
				host = h.Value
			}
		}
		if host != tc.want {
			t.Errorf("-H %q, %s to %s: Host %q, want %q", tc.headers, tc.from, tc.to, host, tc.want)
		}
	}
}

// TestRedirect303DropsBodyHeaders checks that a 303, which turns an upload
// into a GET without its body, drops the headers that describe the body,
// Content-Range (-T with -C) among them.
func TestRedirect303DropsBodyHeaders(t *testing.T) {
	from, err := parseTarget("http://example.com/a", false)
	if err != nil {
		t.Fatal(err)
	}
	req := &client.Request{Method: "PUT", Target: "/a", Body: []byte("efghij"), Header: []client.Header{
		{Name: "Host", Value: "example.com"}, {Name: "Content-Type", Value: "text/plain"},
		{Name: "Content-Length", Value: "6"}, {Name: "Content-Range", Value: "bytes 4-9/10"},
	}}
	next := redirectRequest(&options{}, req, 303, from, from, from, "http://example.com/a")
	body := slices.ContainsFunc(next.Header, func(h client.Header) bool { return strings.HasPrefix(h.Name, "Content-") })
	if next.Method != "GET" || next.Body != nil || body {
		t.Errorf("after a 303: %s with body %q and header %v; want GET with no Content- header", next.Method, next.Body, next.Header)
	}
}
