package client

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/tinyhttpd/tinyhttpd/internal/defaults"
)

// The URL schemes of the half-close exchange and their default ports.
// tiny:// half-closes after the request; http:// does not, because plain
// HTTP servers such as nginx take a half-close for a hang-up. tinys:// and
// https:// are the same over TLS, where tinys:// half-closes with TLS's
// close_notify alert. tinys:// shares tiny://'s port, DefaultTinyPort,
// because tinyhttpd serves TLS on its one protocol listener.
const (
	SchemeTiny       = "tiny"
	SchemeTinyS      = "tinys"
	SchemeHTTP       = "http"
	SchemeHTTPS      = "https"
	DefaultTinyPort  = defaults.Port
	DefaultHTTPPort  = "80"
	DefaultHTTPSPort = "443"
)

// URL is a parsed tiny://, tinys://, http:// or https:// URL, as the
// command-line tools take it.
type URL struct {
	Scheme string // SchemeTiny, SchemeTinyS, SchemeHTTP or SchemeHTTPS
	Host   string // name or IP address, without brackets; an IPv6 zone after %
	Port   string // never empty: the scheme's default when the URL has none
	Path   string // request target: path and query, never empty

	// User and Password come from a "user:password@" before the host,
	// percent-decoded; both are empty when the URL has none. The client
	// sends nothing for them: a tool turns them into an Authorization
	// header (curl's Basic authentication).
	User     string
	Password string
}

// A URLError reports a URL that ParseURL rejects.
type URLError struct {
	URL string
	// Scheme is set when the URL's scheme is not one of the four.
	Scheme string
	// Err says what else is wrong, when Scheme is empty.
	Err error
}

// Error says what is wrong without quoting the URL, which may hold a
// password that no parse could find.
func (e *URLError) Error() string {
	if e.Scheme != "" {
		return fmt.Sprintf("URL scheme %q not supported; use tiny://, tinys://, http:// or https://", e.Scheme)
	}
	return "bad URL: " + e.Err.Error()
}

func (e *URLError) Unwrap() error { return e.Err }

// ParseURL parses tiny://host[:port]/path, host[:port]/path (tiny too),
// tinys://, http:// and https:// URLs of the same form, with an IPv6 address in brackets (a zone as
// %25zone) and an optional user[:password]@ before the host. The host must be a name or an IP address in ASCII letters,
// digits, dots, hyphens and underscores. A fragment is dropped, a query is
// kept, and bytes beyond ASCII in the path are percent-encoded; spaces and
// control characters, which would break the request line, are refused. Its
// errors are *URLError.
func ParseURL(s string) (URL, error) {
	u := URL{Scheme: SchemeTiny}
	rest := s
	if i := strings.Index(s, "://"); i >= 0 && !isScheme(s[:i]) && !strings.ContainsAny(s[:i], "/?#") {
		// Credentials before a scheme, or a "://" in a password: no
		// guess at where the host is.
		return URL{}, &URLError{URL: s, Err: errors.New(`what comes before "://" is not a scheme`)}
	}
	if scheme, after, ok := splitScheme(s); ok {
		u.Scheme, rest = strings.ToLower(scheme), after
		switch u.Scheme {
		case SchemeTiny, SchemeTinyS, SchemeHTTP, SchemeHTTPS:
		default:
			return URL{}, &URLError{URL: s, Scheme: u.Scheme}
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
	at := strings.LastIndexByte(authority, '@')
	if at >= 0 {
		if u.User, u.Password, err = splitUserInfo(authority[:at]); err != nil {
			return URL{}, &URLError{URL: s, Err: err}
		}
		authority = authority[at+1:]
	}
	if u.Host, u.Port, err = splitAuthority(authority, u.defaultPort()); err != nil {
		if at < 0 && strings.Contains(path, "@") {
			err = fmt.Errorf(`%w (a "/" in a user name or password is written %%2F)`, err)
		}
		return URL{}, &URLError{URL: s, Err: err}
	}
	if u.Path, err = encodePath(path); err != nil {
		return URL{}, &URLError{URL: s, Err: err}
	}
	return u, nil
}

// splitScheme splits s at its "://", when what comes before it can be a
// scheme: letters, digits, "+", "-" and "." (RFC 3986 section 3.1, though
// a first digit is taken too, as curl takes it), so that a "://" in the
// path, query or password of a URL without a scheme is not taken for one.
func splitScheme(s string) (scheme, rest string, ok bool) {
	scheme, rest, ok = strings.Cut(s, "://")
	if !ok || !isScheme(scheme) {
		return "", s, false
	}
	return scheme, rest, true
}

func isScheme(s string) bool {
	for _, c := range []byte(s) {
		if !('a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return s != ""
}

// Redacted returns s, a URL as given, which may not parse, without the
// user name and password before its host and without its fragment: a form
// of it that may be shown or logged.
func Redacted(s string) string {
	s, _, _ = strings.Cut(s, "#")
	scheme, rest, ok := splitScheme(s)
	if ok {
		scheme += "://"
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority = rest[:i]
	}
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	return scheme + rest
}

// splitUserInfo splits and percent-decodes user[:password].
func splitUserInfo(info string) (user, password string, err error) {
	for i := 0; i < len(info); i++ {
		if c := info[i]; c <= ' ' || c == 0x7f {
			return "", "", errors.New("space or control character in the user name or password")
		}
	}
	rawUser, rawPassword, _ := strings.Cut(info, ":")
	if user, err = url.PathUnescape(rawUser); err == nil {
		password, err = url.PathUnescape(rawPassword)
	}
	if err != nil {
		return "", "", errors.New("bad percent-encoding in the user name or password")
	}
	return user, password, nil
}

// splitAuthority splits host[:port] or [IPv6][:port], and checks both parts.
// Its errors quote neither part: what it takes for the host and port may be
// a user name and password that hold a "/".
func splitAuthority(a, defaultPort string) (host, port string, err error) {
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
			return "", "", errors.New("bad IPv6 address in brackets")
		}
		port = strings.TrimPrefix(port, ":")
	} else {
		if strings.Count(a, ":") > 1 {
			return "", "", errors.New("an IPv6 address must be in brackets")
		}
		host, port, _ = strings.Cut(a, ":")
		if !isHostName(host) {
			return "", "", errors.New("bad host name: only ASCII letters, digits, dots, hyphens and underscores")
		}
	}
	if port == "" {
		return host, defaultPort, nil
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return "", "", errors.New("port number is not a decimal number between 1 and 65535")
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

// encodePath rejects spaces and control characters in a path and
// percent-encodes bytes beyond ASCII.
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
func (u URL) defaultPort() string {
	switch u.Scheme {
	case SchemeHTTP:
		return DefaultHTTPPort
	case SchemeHTTPS:
		return DefaultHTTPSPort
	}
	return DefaultTinyPort
}

// Addr returns the address to dial, host:port.
func (u URL) Addr() string { return net.JoinHostPort(u.Host, u.Port) }

// HostHeader returns the Host header's value. The port is left out only for
// http:// on port 80 and https:// on 443: in HTTP a Host without a port
// means the scheme's default, so a tiny server's port is always written.
// An IPv6 zone is left out.
func (u URL) HostHeader() string {
	host, _, _ := strings.Cut(u.Host, "%")
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if u.Scheme == SchemeHTTP && u.Port == DefaultHTTPPort || u.Scheme == SchemeHTTPS && u.Port == DefaultHTTPSPort {
		return host
	}
	return host + ":" + u.Port
}

// String returns the URL as scheme://host[:port]/path?query, without its
// user name and password: the form that a Referer, and a report of the URL
// fetched, may show. The port is left out when it is the scheme's default;
// an IPv6 address is in brackets, its zone encoded as %25zone.
func (u URL) String() string {
	host := strings.Replace(u.Host, "%", "%25", 1)
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if u.Port != u.defaultPort() {
		host += ":" + u.Port
	}
	return u.Scheme + "://" + host + u.Path
}

// HalfClose reports whether an exchange with this URL half-closes after the
// request: tiny:// and tinys:// do.
func (u URL) HalfClose() bool { return u.Scheme == SchemeTiny || u.Scheme == SchemeTinyS }

// TLS reports whether an exchange with this URL runs over TLS: tinys://
// and https:// do.
func (u URL) TLS() bool { return u.Scheme == SchemeTinyS || u.Scheme == SchemeHTTPS }

// RemoveDotSegments returns target, a path with an optional query, with the
// "." and ".." segments of its path resolved as RFC 3986 section 5.2.4
// says, as curl does unless --path-as-is: "/a/../b/./c" becomes "/b/c". The
// query is left as it is.
func RemoveDotSegments(target string) string {
	path, query, hasQuery := strings.Cut(target, "?")
	if !strings.Contains(path, ".") {
		return target
	}
	var out []string
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		last := i == len(segs)-1
		switch seg {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	path = strings.Join(out, "/")
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if hasQuery {
		return path + "?" + query
	}
	return path
}
