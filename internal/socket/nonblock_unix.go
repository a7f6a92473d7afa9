//go:build unix

package socket

import (
	"io"
	"net"
	"os"
	"syscall"
)

// ReadNow reads into p what has arrived on the non-blocking socket fd:
// n > 0 bytes; or 0 and io.EOF once the peer has half-closed; or 0 and
// ErrWouldBlock when nothing more has arrived. Any other failure is a
// *net.OpError.
func ReadNow(fd int, p []byte) (int, error) {
	for {
		n, errno := read(fd, p)
		switch {
		case errno == 0 && n > 0:
			return n, nil
		case errno == 0:
			return 0, io.EOF
		case errno == syscall.EINTR:
			continue
		case errno == syscall.EAGAIN:
			return 0, ErrWouldBlock
		}
		return 0, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", errno)}
	}
}

// WriteNow writes as much of parts, in order, to the non-blocking socket
// fd as the kernel takes without waiting, drops what it wrote from parts,
// and returns how many bytes that was: with ErrWouldBlock when some are
// left. Any other failure is a *net.OpError.
func WriteNow(fd int, parts [][]byte) (int, error) {
	left := 0
	for _, p := range parts {
		left += len(p)
	}
	written := 0
	for written < left {
		n, errno := writev(fd, parts)
		switch errno {
		case 0:
			written += n
			advance(parts, n)
			continue
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return written, ErrWouldBlock
		}
		return written, &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("sendmsg", errno)}
	}
	return written, nil
}

// advance drops the first n bytes of parts.
func advance(parts [][]byte, n int) {
	for i := range parts {
		k := min(n, len(parts[i]))
		parts[i] = parts[i][k:]
		n -= k
	}
}
