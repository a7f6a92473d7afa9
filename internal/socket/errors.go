package socket

import (
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"slices"
	"syscall"
)

// ErrWouldBlock is what ReadNow and WriteNow return when the call would
// have had to wait.
var ErrWouldBlock = errors.New("socket: would block")

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

// FromConn reports whether err, which stopped a copy from a file to a
// connection, came from the connection rather than from the file. It goes
// by where the error came from: the file's own errors (a *fs.PathError, an
// early end) are the file's; a write's *net.OpError, a deadline or a closed
// connection are the connection's; of what sendfile (TransmitFile on
// Windows) reports, only the errors of reading a file are the file's, and
// every other, a reset or an abort, the connection's. What is left, an
// error of a file system that is not the operating system's, is the file's.
func FromConn(err error) bool {
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &pathErr):
		return false
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, net.ErrClosed):
		return true
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch e := e.(type) {
		case *net.OpError:
			if e.Op == "write" {
				return true
			}
		case *os.SyscallError:
			if e.Syscall == "sendfile" || e.Syscall == "transmitfile" {
				return !slices.ContainsFunc(fileErrnos, func(errno syscall.Errno) bool { return errors.Is(e.Err, errno) })
			}
		}
	}
	return false
}

// fileErrnos are the errors of sendfile that come from reading the file.
var fileErrnos = []syscall.Errno{syscall.EIO, syscall.ENXIO, syscall.EOVERFLOW, syscall.ENOMEM}
