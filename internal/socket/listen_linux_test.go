package socket

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"golang.org/x/sys/unix"
)

// TestListenOptions checks that the listener carries the keep-alive
// settings, that accepted connections inherit them, and that DeferAccept
// sets TCP_DEFER_ACCEPT.
func TestListenOptions(t *testing.T) {
	for _, deferAccept := range []bool{false, true} {
		lc := ListenOptions{DeferAccept: deferAccept}.ListenConfig()
		l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		tl := l.(*net.TCPListener)
		if got := testenv.SockoptInt(t, tl, unix.IPPROTO_TCP, unix.TCP_DEFER_ACCEPT); (got > 0) != deferAccept {
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
			if got := testenv.SockoptInt(t, a, o.level, o.opt); got != o.want {
				t.Errorf("accepted connection: %s = %d, want %d", o.name, got, o.want)
			}
		}
	}
}

// TestReusePortSiblings checks that a listener with SO_REUSEPORT gets
// siblings on its address, with its options, and one without gets none.
func TestReusePortSiblings(t *testing.T) {
	lc := ListenOptions{ReusePort: true, DeferAccept: true}.ListenConfig()
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	siblings, err := ReusePortSiblings(l.(*net.TCPListener), 2)
	if err != nil || len(siblings) != 2 {
		t.Fatalf("got %d siblings, %v; want 2", len(siblings), err)
	}
	for _, s := range siblings {
		defer s.Close()
		if s.Addr().String() != l.Addr().String() {
			t.Errorf("sibling on %s, want %s", s.Addr(), l.Addr())
		}
		if opts, err := ListenOptionsOf(s.(*net.TCPListener)); err != nil || !opts.ReusePort || !opts.DeferAccept {
			t.Errorf("sibling options %+v, %v; want the first's", opts, err)
		}
	}

	plainConfig := ListenOptions{}.ListenConfig()
	plain, err := plainConfig.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if siblings, err := ReusePortSiblings(plain.(*net.TCPListener), 2); len(siblings) != 0 || err != nil {
		t.Errorf("a listener without SO_REUSEPORT got %d siblings, %v", len(siblings), err)
	}
}
