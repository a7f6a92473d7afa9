//go:build unix && !linux

package socket

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// ListenOptionsOf returns the ListenOptions set on the listening socket c.
func ListenOptionsOf(c syscall.Conn) (ListenOptions, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return ListenOptions{}, err
	}
	var reuse int
	var serr error
	err = rc.Control(func(fd uintptr) {
		reuse, serr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT)
	})
	if err == nil {
		err = serr
	}
	return ListenOptions{ReusePort: reuse != 0}, err
}
