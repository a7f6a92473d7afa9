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
		next := redirectRequest(&options{}, req, 302, from, to, "tinys://example.com/a")
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
