package hostport

import (
	"errors"
	"testing"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		in, host, port string
		hasPort        bool
		kind           Kind
	}{
		{"", "", "", false, RegName},
		{"example.com", "example.com", "", false, RegName},
		{"Example.COM.:8080", "Example.COM.", "8080", true, RegName},
		{"example.com:", "example.com", "", true, RegName},
		{"localhost:7070", "localhost", "7070", true, RegName},
		{"a_b-c~d", "a_b-c~d", "", false, RegName},
		{"!$&'()*+,;=", "!$&'()*+,;=", "", false, RegName},
		{"ex%41mple", "ex%41mple", "", false, RegName},
		{"127.0.0.1:7070", "127.0.0.1", "7070", true, IPv4},
		{"0.0.0.0", "0.0.0.0", "", false, IPv4},
		{"256.1.1.1", "256.1.1.1", "", false, RegName},
		{"01.2.3.4", "01.2.3.4", "", false, RegName},
		{"1.2.3", "1.2.3", "", false, RegName},
		{"[::1]", "::1", "", false, IPv6},
		{"[::1]:7070", "::1", "7070", true, IPv6},
		{"[2001:DB8::1]:", "2001:DB8::1", "", true, IPv6},
		{"[::ffff:1.2.3.4]", "::ffff:1.2.3.4", "", false, IPv6},
		{"[v1.x:y]", "v1.x:y", "", false, IPvFuture},
		{"[VF0.a]:1", "VF0.a", "1", true, IPvFuture},
		{"a:99999", "a", "99999", true, RegName},
	}
	for _, tt := range tests {
		a, err := Parse(tt.in)
		if err != nil || a.Host != tt.host || a.Port != tt.port || a.HasPort != tt.hasPort || a.Kind != tt.kind {
			t.Errorf("Parse(%q) = %+v, %v; want host %q port %q (%v) kind %d", tt.in, a, err, tt.host, tt.port, tt.hasPort, tt.kind)
		}
		b, err := Parse([]byte(tt.in))
		if err != nil || string(b.Host) != tt.host || string(b.Port) != tt.port || b.Kind != tt.kind {
			t.Errorf("Parse([]byte(%q)) = %+v, %v", tt.in, b, err)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"[::1", ErrUnclosed},
		{"[", ErrUnclosed},
		{"[]", ErrLiteral},
		{"[1.2.3.4]", ErrLiteral},
		{"[fe80::1%eth0]", ErrLiteral},
		{"[fe80::1%25eth0]", ErrLiteral},
		{"[::g]", ErrLiteral},
		{"[v1]", ErrLiteral},
		{"[v.x]", ErrLiteral},
		{"[v1.]", ErrLiteral},
		{"[v1.a/b]", ErrLiteral},
		{"[::1]x", ErrAfter},
		{"[::1][::2]", ErrAfter},
		{"::1", ErrColons},
		{"2001:db8::1", ErrColons},
		{"a:b", ErrPort},
		{"a:1:2", ErrColons},
		{"[::1]:1:2", ErrPort},
		{"a: 1", ErrPort},
		{"a:-1", ErrPort},
		{"a/b", ErrChar},
		{"user@a", ErrChar},
		{"a b", ErrChar},
		{"a\tb", ErrChar},
		{"caf\xc3\xa9", ErrChar},
		{"a]", ErrChar},
		{"a[b", ErrChar},
		{"a\\b", ErrChar},
		{"a?b", ErrChar},
		{"a#b", ErrChar},
		{"a%", ErrPercent},
		{"a%4", ErrPercent},
		{"a%zz", ErrPercent},
	}
	for _, tt := range tests {
		if _, err := Parse(tt.in); !errors.Is(err, tt.want) {
			t.Errorf("Parse(%q) = %v, want %v", tt.in, err, tt.want)
		}
		if _, err := Parse([]byte(tt.in)); !errors.Is(err, tt.want) {
			t.Errorf("Parse([]byte(%q)) = %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestParsePortErrorKeepsParts(t *testing.T) {
	a, err := Parse("http://admin.example")
	if err != ErrPort || a.Host != "http" || a.Port != "//admin.example" {
		t.Errorf("got %+v, %v", a, err)
	}
}

func TestParseBytesDoesNotAllocate(t *testing.T) {
	v := []byte("www.example.com:7070")
	if n := testing.AllocsPerRun(100, func() { Parse(v) }); n != 0 {
		t.Errorf("Parse allocates %v times for a name", n)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"example.com:80", "[::1]:1", "[v1.a]", "1.2.3.4", "a%41", "[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		// A valid value is rebuilt from its parts.
		host := a.Host
		if a.Kind == IPv6 || a.Kind == IPvFuture {
			host = "[" + host + "]"
		}
		if a.HasPort {
			host += ":" + a.Port
		}
		if host != s {
			t.Fatalf("Parse(%q) = %+v, which rebuilds as %q", s, a, host)
		}
	})
}
