package socket

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// SetCork sets TCP_CORK on c, a TCP connection or listener (whose accepted
// connections inherit it): the kernel then sends only full segments until
// the socket is closed or half-closed, and sends what is left with the
// FIN. It does nothing where TCP_CORK does not exist (systems other than
// Linux). An error is ignored: an uncorked socket works as well, with a
// packet more.
func SetCork(c syscall.Conn) {
	rc, err := c.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_CORK, 1)
	})
}
