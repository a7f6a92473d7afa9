//go:build unix

package server

import (
	"io"
	"net"
	"os"
	"syscall"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// readFD is a transport's readNow on the non-blocking socket fd.
func readFD(fd int, p []byte) (int, error) {
	for {
		n, errno := socket.Read(fd, p)
		switch {
		case errno == 0 && n > 0:
			return n, nil
		case errno == 0:
			return 0, io.EOF
		case errno == syscall.EINTR:
			continue
		case errno == syscall.EAGAIN:
			return 0, errWouldBlock
		}
		return 0, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", errno)}
	}
}

// writeFD is a transport's writeNow on the non-blocking socket fd.
func writeFD(fd int, parts [][]byte) (int, error) {
	written := 0
	for !allWritten(parts) {
		n, errno := socket.Writev(fd, parts)
		switch errno {
		case 0:
			written += n
			advance(parts, n)
			continue
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return written, errWouldBlock
		}
		return written, &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("sendmsg", errno)}
	}
	return written, nil
}
