package testenv

import (
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

// SegmentsIn returns how many segments c has received (TCP_INFO's
// tcpi_segs_in), for tests that check how a peer split what it sent: a
// request corked with its FIN arrives in one segment fewer than a request
// and a FIN sent apart. A failure to read it fails the test.
func SegmentsIn(t testing.TB, c *net.TCPConn) uint32 {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Error(err)
		return 0
	}
	var info *unix.TCPInfo
	if cerr := rc.Control(func(fd uintptr) {
		info, err = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); cerr != nil {
		err = cerr
	}
	if err != nil {
		t.Error(err)
		return 0
	}
	return info.Segs_in
}
