package main

import (
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tinyhttpd/tinyhttpd/config"
)

// sockopt reads an integer socket option of c.
func sockopt(t *testing.T, c interface {
	SyscallConn() (syscall.RawConn, error)
}, level, opt int) int {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var serr error
	if err := rc.Control(func(fd uintptr) { v, serr = unix.GetsockoptInt(int(fd), level, opt) }); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	return v
}

// TestTuneListener checks that the listener carries the keep-alive
// settings, that accepted connections inherit them, and that DeferAccept
// sets TCP_DEFER_ACCEPT.
func TestTuneListener(t *testing.T) {
	for _, deferAccept := range []bool{false, true} {
		s := config.Settings{Addr: "127.0.0.1:0", DeferAccept: deferAccept}
		l, err := listen(s, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		tl := l.(*net.TCPListener)
		if got := sockopt(t, tl, unix.IPPROTO_TCP, unix.TCP_DEFER_ACCEPT); (got > 0) != deferAccept {
			t.Errorf("DeferAccept %v: TCP_DEFER_ACCEPT is %d", deferAccept, got)
		}

		c, err := net.DialTimeout("tcp", l.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "x") // a deferring listener waits for a byte
		tl.SetDeadline(time.Now().Add(5 * time.Second))
		a, err := tl.AcceptTCP()
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		for _, o := range []struct {
			name       string
			level, opt int
			want       int
		}{
			{"SO_KEEPALIVE", unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1},
			{"TCP_KEEPIDLE", unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, keepAliveIdle},
			{"TCP_KEEPINTVL", unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, keepAliveInterval},
			{"TCP_KEEPCNT", unix.IPPROTO_TCP, unix.TCP_KEEPCNT, keepAliveCount},
		} {
			if got := sockopt(t, a, o.level, o.opt); got != o.want {
				t.Errorf("accepted connection: %s = %d, want %d", o.name, got, o.want)
			}
		}
	}
}
