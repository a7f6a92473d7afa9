package client

import (
	"context"
	"errors"
	"fmt"
	"net"
)

// Kind classifies an exchange's failure by what the caller can do about it.
// Each Kind corresponds to one of curl's exit codes; see the constants.
type Kind int

// The kinds of failure. The curl exit code each one corresponds to is in
// parentheses.
const (
	// Unknown is the Kind of nil and of errors that did not come from this
	// package.
	Unknown Kind = iota

	// Resolve means the host name could not be resolved (6).
	Resolve

	// Connect means the TCP connect failed: refused, unreachable (7).
	Connect

	// Timeout means the connect timeout or the context's deadline passed,
	// at whatever step the exchange was (28).
	Timeout

	// Canceled means the context was canceled before the exchange ended (42,
	// "aborted").
	Canceled

	// Empty means the server closed the connection without sending a single
	// reply byte (52).
	Empty

	// Truncated means the reply ended early: inside the header section, or
	// with fewer body bytes than its Content-Length (18).
	Truncated

	// Reset means reading the reply failed: the connection was reset by the
	// peer or broke in another way (56).
	Reset

	// Malformed means the reply is not an HTTP/1.x reply: a bad status line,
	// a bad header field or a bad Content-Length (8).
	Malformed

	// Send means the connection failed while the request was being written,
	// before any reply arrived: reset by a server that closed without
	// reading it, for instance (55).
	Send

	// BadChunk means a chunked body (Transfer-Encoding: chunked) broke its
	// framing: a bad chunk-size line, a chunk not followed by CRLF, or a
	// line or trailer section over the limits (56).
	BadChunk

	// TLSHandshake means the TLS handshake failed for another reason than
	// the server's certificate: no version or cipher suite in common, a
	// peer that does not speak TLS, an alert from the server, a reset (35).
	TLSHandshake

	// TLSVerify means the server's certificate did not verify: an
	// authority not trusted, a name or address it is not valid for, an
	// expired certificate (60).
	TLSVerify

	// PinnedKey means the server's public key is none of
	// Client.PinnedKeys (90).
	PinnedKey

	// HeaderTooLarge means the reply's header section is larger than
	// Client.MaxHeaderBytes (56, curl's "Too large response headers").
	HeaderTooLarge
)

var kindNames = [...]string{
	Unknown:   "unknown",
	Resolve:   "resolve",
	Connect:   "connect",
	Timeout:   "timeout",
	Canceled:  "canceled",
	Empty:     "empty reply",
	Truncated: "truncated reply",
	Reset:     "receive failure",
	Malformed: "malformed reply",
	Send:      "send failure",
	BadChunk:  "bad chunked encoding",

	TLSHandshake: "tls handshake",
	TLSVerify:    "tls certificate",
	PinnedKey:    "pinned public key",

	HeaderTooLarge: "header too large",
}

// String returns the kind's name in lower case, as used in messages.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "unknown"
	}
	return kindNames[k]
}

// Error is the error returned by Do and by reads of a Response's Body.
type Error struct {
	// Kind classifies the failure.
	Kind Kind

	// Op names the step that failed: "connect", "tls handshake", "send
	// request", "read header" or "read body".
	Op string

	// Err is the underlying error: a *net.OpError, a *net.DNSError, or a
	// description of what was wrong with the reply.
	Err error
}

// Error returns "client: " followed by the step and the underlying error.
func (e *Error) Error() string {
	return "client: " + e.Op + ": " + e.Err.Error()
}

// Unwrap returns the underlying error, so errors.Is(err,
// os.ErrDeadlineExceeded) and errors.As(err, &dnsErr) see through an *Error.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of the first *Error in err's chain, or Unknown.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Unknown
}

// dialError classifies a failed dial. An address that the network rules
// out (an IPv4 literal when dialing "tcp6") is a resolve failure, as a name
// with no address of that family is.
func dialError(ctx context.Context, err error) *Error {
	var dns *net.DNSError
	var addr *net.AddrError
	kind := Connect
	switch {
	case isCanceled(ctx):
		kind = Canceled
	case isTimeout(err):
		kind = Timeout
	case errors.As(err, &dns), errors.As(err, &addr):
		kind = Resolve
	}
	return &Error{Kind: kind, Op: "connect", Err: err}
}

// ioError classifies a failed read of the reply. ctx may be nil.
func ioError(ctx context.Context, op string, err error) *Error {
	switch {
	case isCanceled(ctx):
		return &Error{Kind: Canceled, Op: op, Err: fmt.Errorf("%w: %w", ctx.Err(), err)}
	case isTimeout(err):
		return &Error{Kind: Timeout, Op: op, Err: err}
	}
	return &Error{Kind: Reset, Op: op, Err: err}
}

// isCanceled reports whether ctx was canceled rather than timed out. The
// context's own error decides, because cancellation reaches the connection as
// an expired deadline.
func isCanceled(ctx context.Context) bool {
	return ctx != nil && errors.Is(ctx.Err(), context.Canceled)
}

// isTimeout reports whether err is a deadline or timeout error, from the
// context, a socket deadline or the resolver.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
