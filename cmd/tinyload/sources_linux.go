package main

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// canBindSources says whether workers may connect from several loopback
// addresses: on Linux all of 127.0.0.0/8 is loopback.
const canBindSources = true

// bindAddressNoPort sets IP_BIND_ADDRESS_NO_PORT before the dialer binds the
// source address, so that the port is chosen by connect, which knows the
// destination and can reuse a port held for another one, rather than by
// bind, which must find a port free for every destination. The option only
// saves work, so a kernel without it (before 4.2) is no error.
func bindAddressNoPort(_, _ string, c syscall.RawConn) error {
	return c.Control(func(fd uintptr) {
		unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
	})
}
