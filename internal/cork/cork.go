// Package cork sets TCP_CORK, which the server and the client both use so
// that a message's last segment leaves with the FIN that follows it.
package cork

import "syscall"

// Set sets TCP_CORK on c, a TCP connection or listener (whose accepted
// connections inherit it): the kernel then sends only full segments until
// the socket is closed or half-closed, and sends what is left with the
// FIN. It does nothing where TCP_CORK does not exist (systems other than
// Linux). An error is ignored: an uncorked socket works as well, with a
// packet more.
func Set(c syscall.Conn) {
	set(c)
}
