package client

import (
	"net"

	"golang.org/x/sys/unix"
)

// cork sets TCP_CORK on a TCP connection about to send a request and
// half-close: the kernel then holds a last partial segment until the
// half-close, and sends it with the FIN. A small request and its FIN reach
// the server in one segment, so the server's first read finds the whole
// request and the EOF together, and each end handles a packet less. An
// error is ignored: an uncorked connection works as well.
func cork(c net.Conn) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_CORK, 1)
	})
}
