package client

import "io"

// Header is one header field. Fields keep the order and spelling they were
// given or received in, so a request goes out exactly as built and a reply
// can be shown exactly as it came.
type Header struct {
	Name  string
	Value string
}

// Request is the request half of one exchange.
type Request struct {
	// Method is the request method. If empty, GET is sent.
	Method string

	// Target is the request target: a path with an optional query. If empty,
	// "/" is sent.
	Target string

	// Header holds the header fields in the order they are sent. Do adds none
	// of its own: Host, Content-Length and the rest are the caller's choice,
	// which also lets a test send what a server must reject.
	Header []Header

	// Body is sent after the header section. It may be nil. Do goes on
	// reading it until the Response's Body is closed, because the server may
	// reply before the whole request has been written.
	Body []byte

	// GetBody, if not nil, returns the body to send in place of Body,
	// so that a large one streams from a file rather than from memory:
	// Do calls it once, before connecting, and closes what it returns
	// once sent or once the exchange ends. The caller sets the
	// Content-Length. Failing to read from it fails the exchange with
	// Kind Send; failing to get it is an *Error of Kind Send with Op
	// "open request body".
	GetBody func() (io.ReadCloser, error)

	// NoHalfClose leaves the write side open after the request. Plain HTTP
	// servers need it: they find the end of a request by Content-Length and
	// some read a FIN as the client hanging up (nginx stops sending a large
	// reply). An HTTP/1.1 reply without "Connection: close" then ends as
	// soon as its body is complete, by its Content-Length or last chunk,
	// without waiting for the server to close, as an HTTP client's does.
	// The zero value half-closes, as the tiny protocol requires: its
	// servers read until EOF, and the reply is read to the server's close.
	NoHalfClose bool

	// NoCork sends the request as it is written and the half-close in a
	// segment of its own, as nc -N, Python's shutdown(SHUT_WR) and most
	// clients do. The zero value corks a request that is half-closed
	// (TCP_CORK on Linux), so that its last segment leaves with the FIN and
	// the server's first read finds the whole request and the EOF.
	NoCork bool

	// Version is the version sent in the request line: "HTTP/1.0" or
	// "HTTP/1.1". If empty, HTTP/1.0, the tiny protocol's. A plain HTTP
	// server sends a chunked body (Transfer-Encoding) only to HTTP/1.1
	// requests, and Do decodes it; one request per connection still holds,
	// so an HTTP/1.1 request should carry "Connection: close".
	Version string
}

// method returns the method that is sent.
func (r *Request) method() string {
	if r.Method == "" {
		return "GET"
	}
	return r.Method
}

// version returns the version that is sent.
func (r *Request) version() string {
	if r.Version == "" {
		return "HTTP/1.0"
	}
	return r.Version
}

// appendHead appends the request line, the header fields and the empty line
// that ends them to dst.
func (r *Request) appendHead(dst []byte) []byte {
	target := r.Target
	if target == "" {
		target = "/"
	}
	dst = append(dst, r.method()...)
	dst = append(dst, ' ')
	dst = append(dst, target...)
	dst = append(dst, ' ')
	dst = append(dst, r.version()...)
	dst = append(dst, "\r\n"...)
	for _, h := range r.Header {
		dst = append(dst, h.Name...)
		dst = append(dst, ": "...)
		dst = append(dst, h.Value...)
		dst = append(dst, "\r\n"...)
	}
	return append(dst, "\r\n"...)
}
