package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// exitCode is tinyget's exit status. The numbers and meanings are curl's, so
// scripts written for curl keep working.
type exitCode int

// The exit codes; exitSummaries says what each means.
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
	exitAborted             exitCode = 42
	exitEmptyReply          exitCode = 52
	exitRecvError           exitCode = 56
)

// exitSummaries is the table of exit codes: each one's meaning, which starts
// the error message and is listed by --help.
var exitSummaries = map[exitCode]string{
	exitOK:                  "Success",
	exitUnsupportedProtocol: "Unsupported protocol",
	exitUsage:               "Bad usage",
	exitMalformedURL:        "URL malformed",
	exitResolve:             "Could not resolve host",
	exitConnect:             "Failed to connect",
	exitWeirdReply:          "Weird server reply",
	exitPartial:             "Transfer closed with data missing",
	exitHTTPError:           "The requested URL returned error",
	exitWriteError:          "Failure writing output",
	exitReadError:           "Failed to read the -d data",
	exitTimeout:             "Operation timed out",
	exitAborted:             "Operation aborted",
	exitEmptyReply:          "Empty reply from server",
	exitRecvError:           "Failure when receiving data from the peer",
}

// kindExit maps each kind of client failure to its exit code.
func kindExit(k client.Kind) exitCode {
	switch k {
	case client.Resolve:
		return exitResolve
	case client.Connect:
		return exitConnect
	case client.Timeout:
		return exitTimeout
	case client.Canceled:
		return exitAborted
	case client.Empty:
		return exitEmptyReply
	case client.Truncated:
		return exitPartial
	case client.Malformed:
		return exitWeirdReply
	default: // client.Reset, and Unknown, which the client does not return
		return exitRecvError
	}
}

// exitError is a failure that ends tinyget with its code.
type exitError struct {
	code   exitCode
	detail string
}

// Error returns the code's summary, then the detail.
func (e *exitError) Error() string {
	if e.detail == "" {
		return exitSummaries[e.code]
	}
	return exitSummaries[e.code] + ": " + e.detail
}

// fail returns an *exitError with a formatted detail.
func fail(code exitCode, format string, args ...any) error {
	return &exitError{code: code, detail: fmt.Sprintf(format, args...)}
}

// clientFailure turns an error from the client package into an *exitError.
// The detail is the underlying error: the summary already names the step.
func clientFailure(err error) error {
	var ce *client.Error
	if !errors.As(err, &ce) {
		return &exitError{code: exitRecvError, detail: err.Error()}
	}
	return &exitError{code: kindExit(ce.Kind), detail: ce.Err.Error()}
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

// exitCodeHelp lists the exit codes and their meanings, for --help.
func exitCodeHelp() string {
	var b strings.Builder
	for _, c := range slices.Sorted(maps.Keys(exitSummaries)) {
		fmt.Fprintf(&b, "  %2d  %s\n", c, exitSummaries[c])
	}
	return b.String()
}
