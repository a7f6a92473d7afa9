package main

import (
	"testing"

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
		req := &client.Request{Method: "GET", Target: "/a", Header: []client.Header{{Name: "Host", Value: from.HostHeader()}}}
		next := redirectRequest(&options{headers: tc.headers}, req, 302, first, from, to, tc.from)
		if next.Header[0].Value != tc.want {
			t.Errorf("-H %q, %s to %s: Host %q, want %q", tc.headers, tc.from, tc.to, next.Header[0].Value, tc.want)
		}
	}
}
