//go:build unix

package testenv

import (
	"syscall"
	"testing"
)

// SockoptInt returns the integer socket option opt at level of c's socket.
// A failure to read it fails the test.
func SockoptInt(t testing.TB, c syscall.Conn, level, opt int) int {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var serr error
	if err := rc.Control(func(fd uintptr) { v, serr = syscall.GetsockoptInt(int(fd), level, opt) }); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	return v
}
