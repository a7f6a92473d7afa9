package server

import (
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"golang.org/x/sys/unix"
)

// TestReplyArrivesWithFIN checks that a reply and the FIN arrive together:
// when the client first finds the reply readable, the server's half of the
// connection has already closed. Uncorked, the FIN follows the reply in a
// segment of its own, and the client wakes between the two about half the
// time; corked, only when its poll runs while the kernel is between the
// one segment's data and its FIN, far less than the bound here.
func TestReplyArrivesWithFIN(t *testing.T) {
	const exchanges, maxApart = 100, 10
	for _, tt := range []struct {
		name   string
		listen func() (net.Listener, error)
		accept acceptPath
		path   string
	}{
		{"raw accepts", listenDeferred, pathAuto, "/hello"},
		{"portable accepts", listenDeferred, pathPortable, "/hello"},
		{"waiting for the request", testListen, pathAuto, "/hello"},
		{"sendfile", listenDeferred, pathAuto, "/a.txt"},
		{"plain", testListen, pathPlain, "/hello"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			oldListen := testListen
			testListen = tt.listen
			t.Cleanup(func() { testListen = oldListen }) // after the server's
			addr := startServer(t, &Server{path: tt.accept}, testRoutes(t))
			apart := 0
			for range exchanges {
				c := dial(t, addr)
				io.WriteString(c, "GET "+tt.path+" HTTP/1.0\r\n\r\n")
				c.CloseWrite()
				if ev := firstReadEvents(t, c); ev&unix.POLLRDHUP == 0 {
					apart++
				}
				reply, err := io.ReadAll(c)
				if err != nil || !strings.HasPrefix(string(reply), "HTTP/1.0 200 ") {
					t.Fatalf("reply %q, %v", reply, err)
				}
				c.Close()
			}
			if apart > maxApart {
				t.Errorf("%d of %d replies arrived before their FIN; want at most %d", apart, exchanges, maxApart)
			}
		})
	}
}

// firstReadEvents waits until c is readable or hung up, and returns the
// poll events it had then.
func firstReadEvents(t *testing.T, c *net.TCPConn) int16 {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var ev int16
	var perr error
	rc.Control(func(fd uintptr) {
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN | unix.POLLRDHUP}}
		for {
			n, err := unix.Poll(pfd, 10_000)
			if err == unix.EINTR {
				continue
			}
			perr = err
			if n == 0 && err == nil {
				perr = os.ErrDeadlineExceeded
			}
			ev = pfd[0].Revents
			return
		}
	})
	if perr != nil {
		t.Fatalf("poll: %v", perr)
	}
	return ev
}

// wrappedListener is a listener that wraps another, as the PROXY
// protocol's does.
type wrappedListener struct{ net.Listener }

func (l wrappedListener) Unwrap() net.Listener { return l.Listener }

// TestCorkThroughWrapper checks that Serve corks the TCP listener under a
// wrapper that can be unwrapped.
func TestCorkThroughWrapper(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	corkListener(wrappedListener{wrappedListener{inner}})
	if corked := testenv.SockoptInt(t, inner.(*net.TCPListener), unix.IPPROTO_TCP, unix.TCP_CORK); corked != 1 {
		t.Errorf("TCP_CORK %d: want the wrapped listener corked", corked)
	}
}

// selfWrapper unwraps to itself.
type selfWrapper struct{ net.Listener }

func (l *selfWrapper) Unwrap() net.Listener { return l }

// TestCorkStopsAtACycle checks that a wrapper that unwraps to itself does
// not stop Serve.
func TestCorkStopsAtACycle(t *testing.T) {
	done := make(chan struct{})
	go func() {
		corkListener(&selfWrapper{})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("corkListener loops on a wrapper that unwraps to itself")
	}
}
