// Package httpsyntax holds the pieces of HTTP's grammar (RFC 9110) that the
// server, the client and the routes file all check, so that each is written
// once.
package httpsyntax

// IsToken reports whether s is a token (RFC 9110, section 5.6.2): one or
// more tchar, the characters of methods and field names.
func IsToken[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenChars[s[i]] {
			return false
		}
	}
	return true
}

// IsTokenChar reports whether c is a tchar.
func IsTokenChar(c byte) bool { return tokenChars[c] }

var tokenChars = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()
