package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// exitCode is tinyget's exit status. The numbers and meanings are curl's, so
// scripts written for curl keep working.
type exitCode int

// The exit codes tinyget can return; exitSummaries says what each means.
const (
	exitOK                  exitCode = 0
	exitUnsupportedProtocol exitCode = 1
	exitUsage               exitCode = 2
	exitMalformedURL        exitCode = 3
	exitResolve             exitCode = 6
	exitConnect             exitCode = 7
	exitWeirdReply          exitCode = 8
	exitPartial             exitCode = 18
	exitHTTPError           exitCode = 22
	exitWriteError          exitCode = 23
	exitReadError           exitCode = 26
	exitTimeout             exitCode = 28
	exitRangeError          exitCode = 33
	exitTLSConnect          exitCode = 35
	exitAborted             exitCode = 42
	exitTooManyRedirects    exitCode = 47
	exitOptionSyntax        exitCode = 49
	exitEmptyReply          exitCode = 52
	exitSendError           exitCode = 55
	exitRecvError           exitCode = 56
	exitCertProblem         exitCode = 58
	exitPeerVerification    exitCode = 60
	exitBadEncoding         exitCode = 61
	exitFileTooLarge        exitCode = 63
	exitCACertFile          exitCode = 77
	exitPinnedKey           exitCode = 90
)

// exitSummaries is the table of exit codes, listed by --help and in
// docs/tinyget.md. It holds only codes that tinyget produces; a test makes
// each of them happen.
var exitSummaries = map[exitCode]string{
	exitOK:                  "Success",
	exitUnsupportedProtocol: "Unsupported protocol (ftp://, ...)",
	exitUsage:               "Bad usage: unknown flag, missing value, no URL",
	exitMalformedURL:        "URL malformed",
	exitResolve:             "Could not resolve host",
	exitConnect:             "Failed to connect: refused, unreachable",
	exitWeirdReply:          "Weird server reply: not HTTP/1.x",
	exitPartial:             "Transfer closed with data missing: fewer body bytes than announced",
	exitHTTPError:           "-f or --fail-with-body, and a status of 400 or more",
	exitWriteError:          "Failure writing the output: -o, -O or stdout",
	exitReadError:           "Failure reading the -d @FILE, -H @FILE or -w @FILE",
	exitTimeout:             "Operation timed out: -m or --connect-timeout",
	exitRangeError:          "-C: the server cannot resume (it ignored the Range)",
	exitTLSConnect:          "TLS handshake failed: no TLS, no version in common, refused by the server",
	exitAborted:             "-Z --fail-early: ended when another transfer failed",
	exitTooManyRedirects:    "-L: more redirects than --max-redirs",
	exitOptionSyntax:        "--resolve, --connect-to: a malformed entry",
	exitEmptyReply:          "Empty reply from server: it closed without a byte",
	exitSendError:           "Failure sending the request: the server reset the connection",
	exitRecvError:           "Failure receiving the reply: reset by peer, bad chunked encoding",
	exitCertProblem:         "--cert, --key: the client certificate or key cannot be read or used",
	exitPeerVerification:    "The server's certificate did not verify (--cacert, --capath; -k skips the check)",
	exitBadEncoding:         "--compressed: a body that does not decode, or an unknown Content-Encoding",
	exitFileTooLarge:        "--max-filesize: the body is larger",
	exitCACertFile:          "--cacert: the file cannot be read or holds no PEM certificate",
	exitPinnedKey:           "--pinnedpubkey: the server's public key is not the one pinned",
}

// exitError is a failure that ends a transfer, or tinyget, with its code.
type exitError struct {
	code  exitCode
	msg   string // what happened, printed after "tinyget: (code) "
	cause error  // the client's error, if it came from the exchange
	// keepOutput says that the output was written whole and stays, as
	// --fail-with-body's does; any other failure drops it.
	keepOutput bool
}

// Error returns the message.
func (e *exitError) Error() string { return e.msg }

// Unwrap returns the client's error, so that errors.Is sees the system's
// (ECONNREFUSED for --retry-connrefused).
func (e *exitError) Unwrap() error { return e.cause }

// fail returns an *exitError with a formatted message.
func fail(code exitCode, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

// codeOf returns the exit code for err: exitOK for nil, and exitRecvError for
// an error that is not an *exitError.
func codeOf(err error) exitCode {
	var e *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &e):
		return e.code
	default:
		return exitRecvError
	}
}

// progress is how far a transfer got, for the messages of its failures.
type progress struct {
	host     string // as in the URL
	port     string
	elapsed  time.Duration
	received int64 // body bytes
	length   int64 // Content-Length, or -1
	chunked  bool
}

// clientFailure turns an error from the client package into an *exitError
// whose message says, in curl's words where curl has some, what happened.
func clientFailure(err error, p progress) *exitError {
	e := describe(err, p)
	e.cause = err
	return e
}

// describe returns the exit code and message for a client error.
func describe(err error, p progress) *exitError {
	var ce *client.Error
	if !errors.As(err, &ce) {
		return &exitError{code: exitRecvError, msg: "Failure when receiving data from the peer: " + err.Error()}
	}
	ms := p.elapsed.Milliseconds()
	switch ce.Kind {
	case client.Resolve:
		return &exitError{code: exitResolve, msg: fmt.Sprintf("Could not resolve host: %s (%s)", p.host, reason(ce.Err))}
	case client.Connect:
		return &exitError{code: exitConnect, msg: fmt.Sprintf("Failed to connect to %s port %s after %d ms: %s", p.host, p.port, ms, reason(ce.Err))}
	case client.TLSHandshake:
		return &exitError{code: exitTLSConnect, msg: fmt.Sprintf("TLS handshake with %s port %s failed: %s", p.host, p.port, reason(ce.Err))}
	case client.TLSVerify:
		var verr *tls.CertificateVerificationError
		why := ce.Err
		if errors.As(why, &verr) {
			why = verr.Err
		}
		return &exitError{code: exitPeerVerification, msg: fmt.Sprintf("SSL certificate problem: %v (--cacert names the authority to trust; -k skips the check)", why)}
	case client.PinnedKey:
		return &exitError{code: exitPinnedKey, msg: "SSL: public key does not match pinned public key: " + ce.Err.Error()}
	case client.Timeout:
		var dns *net.DNSError
		switch {
		case ce.Op == "connect" && errors.As(ce.Err, &dns):
			return &exitError{code: exitTimeout, msg: fmt.Sprintf("Resolving timed out after %d milliseconds", ms)}
		case ce.Op == "connect":
			return &exitError{code: exitTimeout, msg: fmt.Sprintf("Connection timed out after %d milliseconds", ms)}
		case ce.Op == "tls handshake":
			return &exitError{code: exitTimeout, msg: fmt.Sprintf("SSL connection timeout after %d milliseconds", ms)}
		case p.length >= 0:
			return &exitError{code: exitTimeout, msg: fmt.Sprintf("Operation timed out after %d milliseconds with %d out of %d bytes received", ms, p.received, p.length)}
		default:
			return &exitError{code: exitTimeout, msg: fmt.Sprintf("Operation timed out after %d milliseconds with %d bytes received", ms, p.received)}
		}
	case client.Empty:
		return &exitError{code: exitEmptyReply, msg: "Empty reply from server: it closed the connection without sending a byte"}
	case client.Truncated:
		switch {
		case ce.Op == "read header":
			return &exitError{code: exitPartial, msg: "Transfer closed inside the reply's header section: " + ce.Err.Error()}
		case p.chunked:
			return &exitError{code: exitPartial, msg: fmt.Sprintf("Transfer closed with outstanding read data remaining: the chunked body stopped after %d bytes", p.received)}
		default:
			return &exitError{code: exitPartial, msg: fmt.Sprintf("Transfer closed with %d bytes remaining to read (%d of %d received)", p.length-p.received, p.received, p.length)}
		}
	case client.Send:
		if be := bodyError(ce); be != nil {
			return &exitError{code: exitReadError, msg: "Failed to open/read the -T file: " + unwrapPath(be.Err).Error()}
		}
		return &exitError{code: exitSendError, msg: "Send failure: " + reason(ce.Err) + " (the server stopped reading the request)"}
	case client.BadChunk:
		return &exitError{code: exitRecvError, msg: "Bad chunked encoding in the reply: " + ce.Err.Error()}
	case client.Malformed:
		return &exitError{code: exitWeirdReply, msg: "Weird server reply: " + ce.Err.Error()}
	case client.HeaderTooLarge:
		return &exitError{code: exitRecvError, msg: "Too large response headers: " + ce.Err.Error()}
	case client.Canceled: // only -Z --fail-early cancels
		return &exitError{code: exitAborted, msg: "Transfer aborted due to critical error in another transfer"}
	default: // client.Reset
		return &exitError{code: exitRecvError, msg: fmt.Sprintf("Recv failure: %s (after %d body bytes)", reason(ce.Err), p.received)}
	}
}

// bodyError returns the error, within ce, of opening or reading the
// request body that a -T file streams, or nil if there is none.
func bodyError(ce *client.Error) *client.Error {
	for e := ce; e != nil; {
		if e.Op == "open request body" || e.Op == "read request body" {
			return e
		}
		if !errors.As(e.Err, &e) {
			return nil
		}
	}
	return nil
}

// reason returns the system's words for err when it has some ("connection
// refused"), else err's message.
func reason(err error) string {
	var errno syscall.Errno
	var dns *net.DNSError
	switch {
	case errors.As(err, &errno):
		return errno.Error()
	case errors.As(err, &dns):
		return dns.Err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	return err.Error()
}

// exitCodeHelp lists the exit codes and their meanings, for --help.
func exitCodeHelp() string {
	var b strings.Builder
	for _, c := range slices.Sorted(maps.Keys(exitSummaries)) {
		fmt.Fprintf(&b, "  %2d  %s\n", c, exitSummaries[c])
	}
	return b.String()
}
