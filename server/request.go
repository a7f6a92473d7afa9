package server

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on the parts of a request, beside the whole request's MaxRequestBytes.
const (
	maxMethodLen   = 32
	maxTargetLen   = 8 << 10
	maxHeaderCount = 100
)

// Request is a parsed request: the bytes a client sent before its half-close.
type Request struct {
	// Method is the request method, case-sensitive ("GET").
	Method string
	// Target is the request target as sent ("/a%20b?x=1").
	Target string
	// Path is Target's path, percent-decoded ("/a b").
	Path string
	// Query is Target's query without the "?", not decoded.
	Query string
	// Version is the protocol version ("HTTP/1.0"), or "" when the request
	// line had none.
	Version string
	// Header holds the header fields in the order sent.
	Header []HeaderField
	// Body is everything after the blank line that ends the header section,
	// up to the client's half-close.
	Body []byte
}

// HeaderField is one request header field.
type HeaderField struct {
	Name  string
	Value string
}

// Get returns the value of the first header field named name, compared
// case-insensitively, and whether there was one.
func (r *Request) Get(name string) (string, bool) {
	for _, h := range r.Header {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// RequestError is a request the server refuses, with the status and the
// one-line reason it replies with.
type RequestError struct {
	Status int
	Reason string
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("server: %d %s", e.Status, e.Reason)
}

func badRequest(format string, args ...any) *RequestError {
	return &RequestError{Status: 400, Reason: fmt.Sprintf(format, args...)}
}

// ParseRequest parses a complete request: everything the client sent up to
// its half-close. Bare LF is accepted for CRLF, and a request line alone, with
// no header section or blank line, is a valid request. A request the server
// refuses returns a *RequestError with a 4xx or 5xx status and the reason.
func ParseRequest(b []byte) (*Request, error) {
	r := new(Request)
	if err := parseRequest(b, r); err != nil {
		return nil, err
	}
	return r, nil
}

// parseRequest parses b into r, which it overwrites.
func parseRequest(b []byte, r *Request) *RequestError {
	*r = Request{Header: r.Header[:0]}
	if len(b) == 0 {
		return badRequest("empty request")
	}
	line, rest, err := nextLine(b)
	if err != nil {
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
	return checkFraming(r)
}

// nextLine splits b at its first line ending (CRLF or bare LF). A last line
// with no ending runs to the end of b. A CR anywhere else is refused, as is a
// NUL byte.
func nextLine(b []byte) (line, rest []byte, err *RequestError) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		line, rest = b, nil
	} else {
		line, rest = b[:i], b[i+1:]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
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
	method, rest, ok := bytes.Cut(line, []byte{' '})
	if !ok {
		return badRequest("request line has no target")
	}
	if len(method) > maxMethodLen {
		return badRequest("method longer than %d bytes", maxMethodLen)
	}
	if !isToken(method) {
		return badRequest("method is not a token")
	}
	target, version, hasVersion := bytes.Cut(rest, []byte{' '})
	if len(target) > maxTargetLen {
		return &RequestError{Status: 414, Reason: fmt.Sprintf("target longer than %d bytes", maxTargetLen)}
	}
	if err := parseTarget(target, r); err != nil {
		return err
	}
	if hasVersion {
		if err := checkVersion(version); err != nil {
			return err
		}
		r.Version = string(version)
	}
	r.Method = string(method)
	r.Target = string(target)
	return nil
}

// parseTarget accepts an origin-form target ("/path?query") only.
func parseTarget(target []byte, r *Request) *RequestError {
	if len(target) == 0 {
		return badRequest("empty target")
	}
	for _, c := range target {
		if c <= ' ' || c >= 0x7f {
			return badRequest("target has a space, control or non-ASCII byte")
		}
	}
	if target[0] != '/' {
		return badRequest("target must start with \"/\" (origin-form)")
	}
	if bytes.IndexByte(target, '#') >= 0 {
		return badRequest("target has a fragment")
	}
	rawPath, query, _ := bytes.Cut(target, []byte{'?'})
	path, err := url.PathUnescape(string(rawPath))
	if err != nil {
		return badRequest("invalid percent-encoding in path")
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
	r.Path = path
	r.Query = string(query)
	return nil
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

func checkVersion(v []byte) *RequestError {
	switch string(v) {
	case "HTTP/1.0", "HTTP/1.1":
		return nil
	}
	if len(v) == 8 && bytes.HasPrefix(v, []byte("HTTP/")) && isDigit(v[5]) && v[6] == '.' && isDigit(v[7]) {
		return &RequestError{Status: 505, Reason: fmt.Sprintf("version %s not supported; use HTTP/1.0", v)}
	}
	return badRequest("malformed version after target")
}

func parseHeaderLine(line []byte, r *Request) *RequestError {
	if line[0] == ' ' || line[0] == '\t' {
		return badRequest("obsolete line folding in header section")
	}
	if len(r.Header) == maxHeaderCount {
		return &RequestError{Status: 431, Reason: fmt.Sprintf("more than %d header fields", maxHeaderCount)}
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
	if !isToken(name) {
		return badRequest("header name is not a token")
	}
	value = bytes.Trim(value, " \t")
	for _, c := range value {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return badRequest("control character in header %s", name)
		}
	}
	r.Header = append(r.Header, HeaderField{Name: string(name), Value: string(value)})
	return nil
}

// checkFraming checks the headers that describe the body against the body,
// whose end the half-close already fixed.
func checkFraming(r *Request) *RequestError {
	seen := false
	for _, h := range r.Header {
		switch {
		case strings.EqualFold(h.Name, "Transfer-Encoding"):
			return badRequest("Transfer-Encoding not supported: the body ends at the half-close")
		case strings.EqualFold(h.Name, "Content-Length"):
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

func parseContentLength(v string) (int64, *RequestError) {
	if v == "" || len(v) > 18 {
		return 0, badRequest("invalid Content-Length %q", v)
	}
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return 0, badRequest("invalid Content-Length %q", v)
		}
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return n, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isToken reports whether b is an RFC 9110 token: one or more tchar.
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isTokenChar(c) {
			return false
		}
	}
	return true
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
