package socket

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestPauseAccepting checks that a paused listener still hands over the
// connection it had queued, with its request, while a new connection
// request gets no answer; and that closing the paused listener then refuses
// the new client instead of resetting one that was told it had connected.
func TestPauseAccepting(t *testing.T) {
	for _, deferAccept := range []bool{false, true} {
		lc := ListenOptions{DeferAccept: deferAccept}.ListenConfig()
		l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		tl := l.(*net.TCPListener)
		queued, err := net.DialTimeout("tcp", l.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer queued.Close()
		io.WriteString(queued, "GET /\n")
		queued.(*net.TCPConn).CloseWrite()
		time.Sleep(20 * time.Millisecond) // let the request arrive

		settle, err := PauseAccepting(tl)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]time.Duration{true: time.Second + settleMargin, false: 0}[deferAccept]; settle != want {
			t.Errorf("deferAccept %v: settle %v, want %v", deferAccept, settle, want)
		}
		if got := testenv.SockoptInt(t, tl, syscall.IPPROTO_TCP, syscall.TCP_DEFER_ACCEPT); got != 0 {
			t.Errorf("TCP_DEFER_ACCEPT %d after the pause, want 0", got)
		}
		_, err = net.DialTimeout("tcp", l.Addr().String(), 300*time.Millisecond)
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("deferAccept %v: a connect to a paused listener got %v, want a timeout (no answer)", deferAccept, err)
			}
		}

		tl.SetDeadline(time.Now().Add(5 * time.Second))
		a, err := tl.Accept()
		if err != nil {
			t.Fatalf("deferAccept %v: the queued connection was not accepted after the pause: %v", deferAccept, err)
		}
		req, err := io.ReadAll(a)
		if err != nil || string(req) != "GET /\n" {
			t.Errorf("queued request %q, %v", req, err)
		}
		a.Close()
		l.Close()
	}
}

// TestResumeAccepting checks that a paused listener takes new connections
// again once resumed, and that resuming one that was never paused is no
// error.
func TestResumeAccepting(t *testing.T) {
	lc := ListenOptions{}.ListenConfig()
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	tl := l.(*net.TCPListener)
	if err := ResumeAccepting(tl); err != nil {
		t.Errorf("resuming a listener never paused: %v", err)
	}
	if _, err := PauseAccepting(tl); err != nil {
		t.Fatal(err)
	}
	if err := ResumeAccepting(tl); err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", l.Addr().String(), 300*time.Millisecond)
	if err != nil {
		t.Fatalf("a connect to a resumed listener: %v", err)
	}
	c.Close()

	// net.Listen makes a Multipath TCP socket where the kernel has it,
	// which takes no filter: nothing to remove, and no reason to refuse
	// such a socket when systemd passes one.
	mp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer mp.Close()
	if err := ResumeAccepting(mp.(*net.TCPListener)); err != nil {
		t.Errorf("resuming a socket that takes no filter: %v", err)
	}
}

// TestQueued checks the count of a listener's accept queue: the
// connections completed and not yet accepted.
func TestQueued(t *testing.T) {
	l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if n, ok := Queued(l); !ok || n != 0 {
		t.Fatalf("empty queue: %d, %v", n, ok)
	}
	for range 3 {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	if n, ok := Queued(l); !ok || n != 3 {
		t.Errorf("3 connected, none accepted: %d, %v", n, ok)
	}
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if n, _ := Queued(l); n != 2 {
		t.Errorf("after one accept: %d", n)
	}
}
