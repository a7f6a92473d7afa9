package socket

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// IsTemporary reports whether an accept error may go away by itself:
// running out of descriptors or memory, a connection aborted while queued,
// an interrupted call, a timeout.
func IsTemporary(err error) bool {
	for _, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED, syscall.EINTR} {
		if errors.Is(err, errno) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// FromConn reports whether err, which stopped a copy from a reader to a
// connection, came from the connection rather than from the reader. A TCP
// connection's ReadFrom wraps both in an OpError "readfrom"; what the
// connection itself fails with is an OpError "write" within, a deadline,
// a closed connection, or the peer's reset or hang-up (as sendfile reports
// them).
func FromConn(err error) bool {
	for _, connErr := range []error{os.ErrDeadlineExceeded, net.ErrClosed, syscall.EPIPE, syscall.ECONNRESET, syscall.ENOTCONN, syscall.ETIMEDOUT} {
		if errors.Is(err, connErr) {
			return true
		}
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if oe, ok := e.(*net.OpError); ok && oe.Op == "write" {
			return true
		}
	}
	return false
}
