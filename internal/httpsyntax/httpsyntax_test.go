package httpsyntax

import (
	"strings"
	"testing"
)

// TestIsToken checks the token grammar against its definition, byte by
// byte, and on strings and byte slices.
func TestIsToken(t *testing.T) {
	const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for c := 0; c < 256; c++ {
		want := strings.IndexByte(tchar, byte(c)) >= 0
		if got := IsTokenChar(byte(c)); got != want {
			t.Errorf("IsTokenChar(%q) = %v, want %v", byte(c), got, want)
		}
	}
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"GET", true}, {"X-Custom_1", true}, {"", false}, {"a b", false}, {"a:b", false}, {"é", false}, {"a\x00", false},
	} {
		if got := IsToken(tt.s); got != tt.want {
			t.Errorf("IsToken(%q) = %v, want %v", tt.s, got, tt.want)
		}
		if got := IsToken([]byte(tt.s)); got != tt.want {
			t.Errorf("IsToken([]byte(%q)) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
