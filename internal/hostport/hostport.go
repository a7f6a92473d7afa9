// Package hostport checks the syntax of a Host header value: host
// [":" port], with host and port as RFC 3986 sections 3.2.2 and 3.2.3
// define them and RFC 9110 section 7.2 uses them. The server refuses a
// request whose Host fails it, and the settings check the names the admin
// endpoint answers to with it.
package hostport

import (
	"errors"
	"net/netip"
)

// Kind is the form of a valid host.
type Kind uint8

// The forms of RFC 3986's host rule.
const (
	RegName   Kind = iota // a registered name, possibly empty
	IPv4                  // a dotted-decimal IPv4 address
	IPv6                  // an IPv6 address in brackets, without a zone
	IPvFuture             // "[v" HEXDIG "." ... "]"
)

// Authority is a Host value split into its parts.
type Authority[T string | []byte] struct {
	Kind Kind
	// Host is the host without brackets.
	Host T
	// Port is the port's digits, possibly none ("example.com:" has an
	// empty port); HasPort says whether the ":" was there.
	Port    T
	HasPort bool
}

// Errors Parse returns.
var (
	ErrUnclosed = errors.New(`"[" without its "]"`)
	ErrLiteral  = errors.New("not an IPv6 address in brackets")
	ErrAfter    = errors.New(`only ":" and a port may follow "]"`)
	ErrChar     = errors.New("a character not allowed in a host name")
	ErrPercent  = errors.New("invalid percent-encoding in the host name")
	ErrColons   = errors.New(`more than one ":" outside brackets (an IPv6 address goes in brackets)`)
	ErrPort     = errors.New("port is not a number")
)

// Parse splits v, a Host header value without surrounding white space,
// into host and port, and returns an error if v is not host [":" port].
// On ErrPort and ErrColons the Authority still holds the host and the port
// as sent.
// Parse allocates only for an IP literal held in a []byte.
func Parse[T string | []byte](v T) (Authority[T], error) {
	var a Authority[T]
	rest := v
	if len(v) > 0 && v[0] == '[' {
		end := -1
		for i := 1; i < len(v); i++ {
			if v[i] == ']' {
				end = i
				break
			}
		}
		if end < 0 {
			return a, ErrUnclosed
		}
		a.Host, rest = v[1:end], v[end+1:]
		kind, err := literal(a.Host)
		if err != nil {
			return a, err
		}
		a.Kind = kind
		if len(rest) > 0 && rest[0] != ':' {
			return a, ErrAfter
		}
	} else {
		i := 0
		for i < len(v) && v[i] != ':' {
			i++
		}
		a.Host, rest = v[:i], v[i:]
		if err := regName(a.Host); err != nil {
			return a, err
		}
		if isIPv4(a.Host) {
			a.Kind = IPv4
		}
	}
	if len(rest) == 0 {
		return a, nil
	}
	a.Port, a.HasPort = rest[1:], true
	var err error
	for i := 0; i < len(a.Port); i++ {
		switch c := a.Port[i]; {
		case c == ':' && a.Kind != IPv6 && a.Kind != IPvFuture:
			return a, ErrColons
		case !isDigit(c):
			err = ErrPort
		}
	}
	return a, err
}

// literal checks what is between an IP literal's brackets.
func literal[T string | []byte](s T) (Kind, error) {
	if len(s) > 0 && (s[0] == 'v' || s[0] == 'V') {
		// IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
		i := 1
		for i < len(s) && isHex(s[i]) {
			i++
		}
		if i == 1 || i == len(s) || s[i] != '.' || i+1 == len(s) {
			return 0, ErrLiteral
		}
		for i++; i < len(s); i++ {
			if c := s[i]; !isUnreserved(c) && !isSubDelim(c) && c != ':' {
				return 0, ErrLiteral
			}
		}
		return IPvFuture, nil
	}
	ip, err := netip.ParseAddr(string(s))
	if err != nil || !ip.Is6() || ip.Zone() != "" {
		return 0, ErrLiteral
	}
	return IPv6, nil
}

// regName checks reg-name = *( unreserved / pct-encoded / sub-delims ),
// which IPv4 addresses also match.
func regName[T string | []byte](s T) error {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isUnreserved(c), isSubDelim(c):
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return ErrPercent
			}
			i += 2
		default:
			return ErrChar
		}
	}
	return nil
}

// isIPv4 reports whether s is an RFC 3986 IPv4address: four dec-octets,
// 0 to 255 without leading zeros, separated by dots.
func isIPv4[T string | []byte](s T) bool {
	octets, n, digits := 0, 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || n > 255 {
				return false
			}
			octets++
			n, digits = 0, 0
			continue
		}
		c := s[i]
		if !isDigit(c) || (digits > 0 && n == 0) {
			return false // a non-digit, or a leading zero
		}
		n = n*10 + int(c-'0')
		if digits++; digits > 3 {
			return false
		}
	}
	return octets == 4
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// isUnreserved reports whether c is ALPHA / DIGIT / "-" / "." / "_" / "~".
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// isSubDelim reports whether c is one of RFC 3986's sub-delims.
func isSubDelim(c byte) bool {
	switch c {
	case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=':
		return true
	}
	return false
}
