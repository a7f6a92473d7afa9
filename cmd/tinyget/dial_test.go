package main

import "testing"

// TestDialAddrResolve checks that --resolve takes an IPv6 address with or
// without brackets, as curl does, and that --connect-to wants them, as
// curl does too (exit 49).
func TestDialAddrResolve(t *testing.T) {
	to, err := parseTarget("http://name.example:8080/", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		resolve, connectTo []string
		want               string
		code               exitCode
	}{
		{resolve: []string{"name.example:8080:::1"}, want: "[::1]:8080"},
		{resolve: []string{"name.example:8080:[::1]"}, want: "[::1]:8080"},
		{resolve: []string{"name.example:8080:fe80::1,127.0.0.1"}, want: "[fe80::1]:8080"},
		{resolve: []string{"[::2]:8080:::1", "name.example:8080:[::1],127.0.0.1"}, want: "[::1]:8080"},
		{resolve: []string{"name.example:8080:127.0.0.1"}, want: "127.0.0.1:8080"},
		{resolve: []string{"name.example:8080:::1", "-name.example:8080"}, want: "name.example:8080"},
		{resolve: []string{"name.example:8080:"}, code: exitOptionSyntax},
		{resolve: []string{"name.example:8080"}, code: exitOptionSyntax},
		{connectTo: []string{"name.example:8080:[::1]:9090"}, want: "[::1]:9090"},
		{connectTo: []string{"name.example:8080:::1:9090"}, code: exitOptionSyntax},
	} {
		r := &runner{o: &options{resolve: tc.resolve, connectTo: tc.connectTo}}
		addr, _, _, err := r.dialAddr(to)
		if addr != tc.want || codeOf(err) != tc.code {
			t.Errorf("--resolve %q --connect-to %q: %q, %v; want %q, code %d", tc.resolve, tc.connectTo, addr, err, tc.want, tc.code)
		}
	}
}
