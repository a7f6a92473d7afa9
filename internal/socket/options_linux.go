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
	var o ListenOptions
	var reuse, deferAccept int
	var serr error
	err = rc.Control(func(fd uintptr) {
		reuse, serr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT)
		if serr == nil {
			deferAccept, serr = unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_DEFER_ACCEPT)
		}
	})
	if err == nil {
		err = serr
	}
	o.ReusePort, o.DeferAccept = reuse != 0, deferAccept != 0
	return o, err
}
