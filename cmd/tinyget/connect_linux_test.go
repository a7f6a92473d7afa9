package main

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"golang.org/x/sys/unix"
)

// fullBacklog returns the address of a loopback socket that listens with a
// backlog of zero and never accepts, after filling its queue: Linux then
// drops further SYNs, so a connect hangs as it does to a host that does not
// answer, without leaving loopback.
func fullBacklog(t *testing.T) string {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(sa.(*unix.SockaddrInet4).Port)
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			return addr // the queue is full
		}
		t.Cleanup(func() { c.Close() })
	}
	testenv.Unavailable(t, "the listen queue never filled up, so no connection can time out")
	return ""
}

func TestConnectTimeout(t *testing.T) {
	addr := fullBacklog(t)
	start := time.Now()
	r := tinyget("", "--connect-timeout", "0.2", addr+"/")
	if r.code != int(exitTimeout) || !strings.HasPrefix(r.stderr, "tinyget: (28) Connection timed out after ") {
		t.Errorf("%+v", r)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v", elapsed)
	}
}
