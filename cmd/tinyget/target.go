package main

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// The schemes tinyget speaks, and their default ports.
const (
	schemeTiny = "tiny"
	schemeHTTP = "http"

	defaultTinyPort = "7070"
	defaultHTTPPort = "80"
)

// target is a parsed URL.
type target struct {
	scheme string // schemeTiny or schemeHTTP
	host   string // name or IP address, without brackets
	port   string
	path   string // request target: path and query, never empty
}

// parseTarget parses tiny://host[:port]/path, host[:port]/path (also tiny)
// and http://host[:port]/path; an IPv6 address goes in brackets. A fragment
// is dropped, and bytes beyond ASCII in the path are percent-encoded. Its
// errors are *exitError: exitUnsupportedProtocol for another scheme,
// exitMalformedURL for the rest.
func parseTarget(s string) (target, error) {
	t := target{scheme: schemeTiny}
	rest := s
	if i := strings.Index(s, "://"); i >= 0 {
		t.scheme, rest = strings.ToLower(s[:i]), s[i+len("://"):]
		if t.scheme == "" {
			return target{}, fail(exitMalformedURL, "URL rejected: %q has no scheme before ://", s)
		}
		if t.scheme != schemeTiny && t.scheme != schemeHTTP {
			return target{}, fail(exitUnsupportedProtocol, "Protocol %q not supported: tinyget speaks tiny:// and http://", t.scheme)
		}
	}
	rest, _, _ = strings.Cut(rest, "#")
	authority, path := rest, "/"
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if strings.HasPrefix(path, "?") {
		path = "/" + path
	}
	var err error
	if t.host, t.port, err = splitAuthority(authority, t.defaultPort()); err != nil {
		return target{}, fail(exitMalformedURL, "URL rejected: %q: %v", s, err)
	}
	if t.path, err = encodePath(path); err != nil {
		return target{}, fail(exitMalformedURL, "URL rejected: %q: %v", s, err)
	}
	return t, nil
}

// splitAuthority splits host[:port] or [IPv6][:port], and checks both parts.
func splitAuthority(a, defaultPort string) (host, port string, err error) {
	if strings.Contains(a, "@") {
		return "", "", errors.New("user name and password in URLs are not supported")
	}
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return "", "", errors.New("missing ] after the IPv6 address")
		}
		host, port = a[1:end], a[end+1:]
		if port != "" && !strings.HasPrefix(port, ":") {
			return "", "", errors.New("junk after the IPv6 address")
		}
		host = strings.Replace(host, "%25", "%", 1) // RFC 6874 zone
		if ip, err := netip.ParseAddr(host); err != nil || !ip.Is6() {
			return "", "", errors.New("bad IPv6 address " + strconv.Quote(host))
		}
		port = strings.TrimPrefix(port, ":")
	} else {
		if strings.Count(a, ":") > 1 {
			return "", "", errors.New("an IPv6 address must be in brackets")
		}
		host, port, _ = strings.Cut(a, ":")
		if !isHostName(host) {
			return "", "", errors.New("bad host name " + strconv.Quote(host))
		}
	}
	if port == "" {
		return host, defaultPort, nil
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return "", "", errors.New("bad port " + strconv.Quote(port))
	}
	return host, port, nil
}

// isHostName reports whether s is a non-empty host name or IPv4 address in
// ASCII letters, digits, dots, hyphens and underscores.
func isHostName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// encodePath rejects spaces and control characters in a path, which would
// break the request line, and percent-encodes bytes beyond ASCII.
func encodePath(p string) (string, error) {
	const hex = "0123456789ABCDEF"
	var b []byte // nil until a byte needs encoding
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c <= ' ' || c == 0x7f:
			return "", errors.New("space or control character in the path; encode it as %XX")
		case c >= 0x80:
			if b == nil {
				b = append(b, p[:i]...)
			}
			b = append(b, '%', hex[c>>4], hex[c&15])
		case b != nil:
			b = append(b, c)
		}
	}
	if b == nil {
		return p, nil
	}
	return string(b), nil
}

// defaultPort returns the scheme's default port.
func (t target) defaultPort() string {
	if t.scheme == schemeHTTP {
		return defaultHTTPPort
	}
	return defaultTinyPort
}

// addr returns the address to dial.
func (t target) addr() string { return net.JoinHostPort(t.host, t.port) }

// hostHeader returns the Host header's value. The port is left out only for
// http:// on port 80: in HTTP a Host without port means 80, so a tiny
// server's port is always written.
func (t target) hostHeader() string {
	host, _, _ := strings.Cut(t.host, "%") // no zone in Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if t.scheme == schemeHTTP && t.port == defaultHTTPPort {
		return host
	}
	return host + ":" + t.port
}

// halfClose reports whether the exchange half-closes after the request: the
// tiny protocol needs it, and plain HTTP servers may take it for a hang-up
// (nginx cuts a large reply short).
func (t target) halfClose() bool { return t.scheme == schemeTiny }

// remoteName returns the name -O saves to: the last segment of the URL's
// path, without the query, as it appears in the URL (not percent-decoded,
// as curl does). It is "" when there is none, or when it is "." or "..".
func (t target) remoteName() string {
	p, _, _ := strings.Cut(t.path, "?")
	name := p[strings.LastIndexByte(p, '/')+1:]
	if name == "." || name == ".." {
		return ""
	}
	return name
}
