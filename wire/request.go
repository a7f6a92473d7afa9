// Package wire is tinyhttpd's wire format: it parses the request a client
// sends before its half-close and renders the heads of the replies.
// It knows nothing of sockets, routes files or settings.
package wire

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/tinyhttpd/tinyhttpd/internal/hostport"
	"github.com/tinyhttpd/tinyhttpd/internal/httpsyntax"
)

// Limits on the parts of a request, beside the bound a server sets on the
// whole request. Past them a request is refused: a longer method with 400,
// a longer target with 414, more header fields with 431.
const (
	MaxMethodLen   = 32      // bytes of the method
	MaxTargetLen   = 8 << 10 // bytes of the request target
	MaxHeaderCount = 100     // header fields
)

// Request is a parsed request: the bytes a client sent before its half-close.
type Request struct {
	// Method is the request method, case-sensitive ("GET").
	Method string
	// Target is the request target as sent: origin-form ("/a%20b?x=1"),
	// or absolute-form ("http://example.com/a%20b?x=1").
	Target string
	// RawPath is Target's path as sent, still percent-encoded ("/a%20b"):
	// "/" for an absolute-form target without one.
	RawPath string
	// Path is RawPath percent-decoded ("/a b").
	Path string
	// Query is Target's query without the "?", not decoded.
	Query string
	// Version is the protocol version the request is processed as:
	// "HTTP/1.0", "HTTP/1.1" (also for HTTP/1.2 to HTTP/1.9, as RFC 9110
	// section 6.2 says), or "" when the request line had none.
	Version string
	// Header holds the header fields in the order sent. Names and values
	// share memory with the bytes the request was parsed from.
	Header []HeaderField
	// Body is everything after the blank line that ends the header section,
	// up to the client's half-close. It shares memory with the bytes the
	// request was parsed from.
	Body []byte
}

// HeaderField is one request header field. Name and Value are slices of the
// request bytes, so parsing copies no header; Value has no surrounding
// white space.
type HeaderField struct {
	Name  []byte
	Value []byte
}

// Get returns the value of the first header field named name, compared
// case-insensitively, and whether there was one.
func (r *Request) Get(name string) (string, bool) {
	v, ok := r.header(name)
	return string(v), ok
}

// List returns the values of every header field named name, joined with
// ", " as RFC 9110 section 5.3 allows for list-valued fields, and whether
// there was one.
func (r *Request) List(name string) (string, bool) {
	var b []byte
	found := false
	for _, h := range r.Header {
		if equalFoldASCII(h.Name, name) {
			if found {
				b = append(b, ", "...)
			}
			b = append(b, h.Value...)
			found = true
		}
	}
	return string(b), found
}

// header is Get without a copy.
func (r *Request) header(name string) ([]byte, bool) {
	for _, h := range r.Header {
		if equalFoldASCII(h.Name, name) {
			return h.Value, true
		}
	}
	return nil, false
}

// equalFoldASCII reports whether b and s are equal under ASCII case folding,
// which is all a token needs.
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// RequestError is a request the server refuses, with the status and the
// one-line reason it replies with. Reason has no line break.
type RequestError struct {
	Status int
	Reason string
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("wire: %d %s", e.Status, e.Reason)
}

func badRequest(format string, args ...any) *RequestError {
	return &RequestError{Status: 400, Reason: fmt.Sprintf(format, args...)}
}

// ParseRequest parses a complete request: everything the client sent up to
// its half-close. The Request's Header and Body share memory with b; its
// Method, Target, Path and Query do not. Bare LF is accepted for CRLF, and
// a request line alone, with no header section or blank line, is a valid
// request. A request the server refuses returns a *RequestError with a 4xx
// or 5xx status and the reason.
func ParseRequest(b []byte) (*Request, error) {
	r := new(Request)
	if err := r.Parse(b); err != nil {
		return nil, err
	}
	return r, nil
}

// Parse is ParseRequest into r, which it overwrites, reusing r.Header's
// array, so that a pooled Request parses without allocating. On error, r's
// Method is still set when the request line got as far as the method, so
// that the refusal knows whether it answers HEAD.
func (r *Request) Parse(b []byte) *RequestError {
	*r = Request{Header: r.Header[:0]}
	if len(b) == 0 {
		return badRequest("empty request")
	}
	line, rest, err := nextLine(b)
	if err != nil {
		r.Method = LeadingMethod(b) // a bare CR or NUL after "HEAD "
		return err
	}
	if err := parseRequestLine(line, r); err != nil {
		return err
	}
	for {
		if len(rest) == 0 {
			break
		}
		line, rest, err = nextLine(rest)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			r.Body = rest
			break
		}
		if err := parseHeaderLine(line, r); err != nil {
			return err
		}
	}
	if err := checkFraming(r); err != nil {
		return err
	}
	return checkHost(r)
}

// HeadOnly reports whether the reply to r has a head and no body, because r
// is HEAD (RFC 9110 section 9.3.2). Every reply asks it: route replies, and
// those the server makes itself once the method is known, even for a
// request it refuses.
func (r *Request) HeadOnly() bool { return r.Method == "HEAD" }

// nextLine splits b at its first line ending (CRLF or bare LF). A last line
// with no ending runs to the end of b. A CR that is not right before an LF
// is a bare CR and refused (RFC 9112 section 2.2), even as the last byte of
// the request, as is a NUL byte.
func nextLine(b []byte) (line, rest []byte, err *RequestError) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		line, rest = b, nil
	} else {
		line, rest = b[:i], b[i+1:]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	if bytes.IndexByte(line, '\r') >= 0 {
		return nil, nil, badRequest("bare CR in request head")
	}
	if bytes.IndexByte(line, 0) >= 0 {
		return nil, nil, badRequest("NUL byte in request head")
	}
	return line, rest, nil
}

func parseRequestLine(line []byte, r *Request) *RequestError {
	if len(line) == 0 {
		return badRequest("missing request line")
	}
	method, rest, err := splitMethod(line)
	if err != nil {
		return err
	}
	// The method is known from here on, so that a refusal of the rest of
	// the request is not sent with a body to HEAD.
	r.Method = internMethod(method)
	target, version, hasVersion := bytes.Cut(rest, []byte{' '})
	if len(target) > MaxTargetLen {
		return &RequestError{Status: 414, Reason: fmt.Sprintf("target longer than %d bytes", MaxTargetLen)}
	}
	if err := parseTarget(target, r); err != nil {
		return err
	}
	if hasVersion {
		v, err := parseVersion(version)
		if err != nil {
			return err
		}
		r.Version = v
	}
	return nil
}

// splitMethod splits the method from the rest of the request line.
func splitMethod(line []byte) (method, rest []byte, err *RequestError) {
	method, rest, ok := bytes.Cut(line, []byte{' '})
	if !ok {
		return nil, nil, badRequest("request line has no target")
	}
	if len(method) > MaxMethodLen {
		return nil, nil, badRequest("method longer than %d bytes", MaxMethodLen)
	}
	if !httpsyntax.IsToken(method) {
		return nil, nil, badRequest("method is not a token")
	}
	return method, rest, nil
}

// ParseLeading is Parse for a request whose first bytes are b, refused
// before its end (408, 413, 503): it sets r's Method as LeadingMethod finds it
// and, once the request line has arrived whole and is valid, the rest of
// what it holds (Target, Path, Query, Version), for the refusal's log line.
func (r *Request) ParseLeading(b []byte) {
	*r = Request{Header: r.Header[:0], Method: LeadingMethod(b)}
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return
	}
	if line, _, err := nextLine(b[:i+1]); err == nil {
		whole := Request{Header: r.Header}
		if parseRequestLine(line, &whole) == nil {
			*r = whole
		}
	}
}

// LeadingMethod returns the method of a request whose first bytes are b,
// once the method and the space after it have arrived, or "". A reply sent
// before the request is complete (408, 413) learns from it whether it
// answers HEAD.
func LeadingMethod(b []byte) string {
	method, _, err := splitMethod(b[:min(len(b), MaxMethodLen+1)])
	if err != nil {
		return ""
	}
	return internMethod(method)
}

// internMethod returns the method as a string, without an allocation for
// the methods in common use.
func internMethod(m []byte) string {
	switch string(m) {
	case "GET":
		return "GET"
	case "HEAD":
		return "HEAD"
	case "POST":
		return "POST"
	case "PUT":
		return "PUT"
	case "DELETE":
		return "DELETE"
	case "OPTIONS":
		return "OPTIONS"
	case "PATCH":
		return "PATCH"
	}
	return string(m)
}

// parseTarget accepts an origin-form target ("/path?query") and, as RFC
// 9112 section 3.2.2 requires of a server, an absolute-form one
// ("http://host:port/path?query"), whose path and query are taken as an
// origin-form target's. Its authority must be a valid host [":" port];
// the Host header is checked on its own (checkHost).
func parseTarget(target []byte, r *Request) *RequestError {
	if len(target) == 0 {
		return badRequest("empty target")
	}
	for _, c := range target {
		if c <= ' ' || c >= 0x7f {
			return badRequest("target has a space, control or non-ASCII byte")
		}
	}
	if bytes.IndexByte(target, '#') >= 0 {
		return badRequest("target has a fragment")
	}
	start, err := originStart(target)
	if err != nil {
		return err
	}
	// The target is the one string an exchange copies out of the read
	// buffer: its record, logged and kept by observers, outlives the buffer.
	// Path and Query are substrings of it unless the path is percent-encoded.
	r.Target = string(target)
	origin := target[start:]
	rawLen := bytes.IndexByte(origin, '?')
	if rawLen < 0 {
		rawLen = len(origin)
	} else {
		r.Query = r.Target[start+rawLen+1:]
	}
	r.RawPath = r.Target[start : start+rawLen]
	if rawLen == 0 {
		r.RawPath = "/"
	}
	path := r.RawPath
	encoded := strings.IndexByte(path, '%') >= 0
	if encoded {
		var err error
		if path, err = url.PathUnescape(path); err != nil {
			return badRequest("invalid percent-encoding in path")
		}
	}
	if !utf8.ValidString(path) {
		return badRequest("path is not valid UTF-8")
	}
	for i := 0; i < len(path); i++ {
		if c := path[i]; c < ' ' || c == 0x7f {
			return badRequest("path has a control character")
		}
	}
	if hasDotSegment(path) {
		return badRequest("path has a \".\" or \"..\" segment")
	}
	if encoded && hasEncodedSlash(r.RawPath) {
		return &RequestError{Status: 404, Reason: "encoded slash (%2F) in path " + r.RawPath}
	}
	r.Path = path
	return nil
}

// originStart returns where the path of target begins: 0 for an
// origin-form target, and past the scheme and authority for an
// absolute-form one. Any other form is refused: authority-form (CONNECT)
// and asterisk-form (OPTIONS *) are for proxies and server-wide requests,
// which tinyhttpd does not serve.
func originStart(target []byte) (int, *RequestError) {
	if target[0] == '/' {
		return 0, nil
	}
	scheme, rest, ok := bytes.Cut(target, []byte("://"))
	if !ok || !equalFoldASCII(scheme, "http") && !equalFoldASCII(scheme, "https") {
		return 0, badRequest("target must be a path starting with \"/\" (origin-form) or an http or https URL (absolute-form)")
	}
	end := bytes.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	authority := rest[:end]
	if bytes.IndexByte(authority, '@') >= 0 {
		return 0, badRequest("target has userinfo (user@host), which HTTP does not send")
	}
	a, err := hostport.Parse(authority)
	if err != nil {
		return 0, badRequest("invalid authority %q in target: %v", authority, err)
	}
	if len(a.Host) == 0 {
		return 0, badRequest("target URL has an empty host") // RFC 9110 section 4.2.1
	}
	return len(scheme) + len("://") + end, nil
}

// hasEncodedSlash reports whether a raw path, whose percent-encoding is
// valid, has %2F or %2f. RFC 3986 section 2.2 makes an encoded slash data
// within a segment, not a separator; the routes and files a path can name
// have no slash within a name, so such a path names nothing. Decoding it
// into a separator instead would let it cross a route's boundary and reach
// what a proxy in front, matching the path as sent, was told to refuse.
func hasEncodedSlash(raw string) bool {
	for i := 0; i+2 < len(raw); i++ {
		if raw[i] == '%' && raw[i+1] == '2' && (raw[i+2] == 'F' || raw[i+2] == 'f') {
			return true
		}
	}
	return false
}

// hasDotSegment reports whether path, already percent-decoded, has a "." or
// ".." segment. Refusing them keeps every route lookup on the path as sent.
func hasDotSegment(path string) bool {
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// parseVersion accepts HTTP/1.0 and HTTP/1.1, returned without a copy, and
// HTTP/1.2 to HTTP/1.9 as HTTP/1.1: RFC 9110 section 6.2 has a higher minor
// version of a major version the server supports processed as the highest
// it supports. Other major versions get 505.
func parseVersion(v []byte) (string, *RequestError) {
	switch string(v) {
	case "HTTP/1.0":
		return "HTTP/1.0", nil
	case "HTTP/1.1":
		return "HTTP/1.1", nil
	}
	if len(v) == 8 && bytes.HasPrefix(v, []byte("HTTP/")) && isDigit(v[5]) && v[6] == '.' && isDigit(v[7]) {
		if v[5] == '1' {
			return "HTTP/1.1", nil
		}
		return "", &RequestError{Status: 505, Reason: fmt.Sprintf("version %s not supported; use HTTP/1.0", v)}
	}
	return "", badRequest("malformed version after target")
}

func parseHeaderLine(line []byte, r *Request) *RequestError {
	if line[0] == ' ' || line[0] == '\t' {
		return badRequest("obsolete line folding in header section")
	}
	if len(r.Header) == MaxHeaderCount {
		return &RequestError{Status: 431, Reason: fmt.Sprintf("more than %d header fields", MaxHeaderCount)}
	}
	name, value, ok := bytes.Cut(line, []byte{':'})
	if !ok {
		return badRequest("header line without colon")
	}
	if len(name) == 0 {
		return badRequest("empty header name")
	}
	if n := name[len(name)-1]; n == ' ' || n == '\t' {
		return badRequest("whitespace before colon in header %q", bytes.TrimRight(name, " \t"))
	}
	if !httpsyntax.IsToken(name) {
		return badRequest("header name is not a token")
	}
	value = bytes.Trim(value, " \t")
	for _, c := range value {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return badRequest("control character in header %s", name)
		}
	}
	r.Header = append(r.Header, HeaderField{Name: name, Value: value})
	return nil
}

// checkFraming checks the headers that describe the body against the body,
// whose end the half-close already fixed.
func checkFraming(r *Request) *RequestError {
	seen := false
	for _, h := range r.Header {
		switch {
		case equalFoldASCII(h.Name, "Transfer-Encoding"):
			return badRequest("Transfer-Encoding not supported: the body ends at the half-close")
		case equalFoldASCII(h.Name, "Content-Length"):
			if seen {
				return badRequest("more than one Content-Length")
			}
			seen = true
			n, err := parseContentLength(h.Value)
			if err != nil {
				return err
			}
			if n != int64(len(r.Body)) {
				return badRequest("Content-Length %d does not match body length %d", n, len(r.Body))
			}
		}
	}
	return nil
}

// checkHost applies RFC 9112 section 3.2: an HTTP/1.1 request must have a
// Host header, and no request may have two, or one whose value is not
// host [":" port] as RFC 3986 defines them (an empty value is one). A
// request without a version, or HTTP/1.0, needs none.
func checkHost(r *Request) *RequestError {
	var host []byte
	n := 0
	for _, h := range r.Header {
		if equalFoldASCII(h.Name, "Host") {
			host = h.Value
			n++
		}
	}
	switch {
	case n > 1:
		return badRequest("more than one Host header")
	case n == 0 && r.Version == "HTTP/1.1":
		return badRequest("HTTP/1.1 request without Host header")
	case n == 1:
		if _, err := hostport.Parse(host); err != nil {
			return badRequest("invalid Host %q: %v", host, err)
		}
	}
	return nil
}

func parseContentLength(v []byte) (int64, *RequestError) {
	if len(v) == 0 || len(v) > 18 {
		return 0, badRequest("invalid Content-Length %q", v)
	}
	var n int64
	for _, c := range v {
		if !isDigit(c) {
			return 0, badRequest("invalid Content-Length %q", v)
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
