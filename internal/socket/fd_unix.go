//go:build unix && !linux

package socket

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// read reads from the non-blocking socket fd what has arrived, up to
// len(p) bytes: n > 0; or 0 with errno 0 at the end of the stream; or
// errno EAGAIN when nothing has arrived.
func read(fd int, p []byte) (n int, errno syscall.Errno) {
	n, err := syscall.Read(fd, p)
	if err != nil {
		return 0, err.(syscall.Errno)
	}
	return n, 0
}

// writev writes the non-empty buffers of parts, in order, with one sendmsg
// that does not wait, and returns how many bytes the kernel took: errno
// EAGAIN when it took none.
func writev(fd int, parts [][]byte) (n int, errno syscall.Errno) {
	n, err := unix.SendmsgBuffers(fd, parts, nil, nil, unix.MSG_DONTWAIT)
	if err != nil {
		return 0, err.(syscall.Errno)
	}
	return n, 0
}
