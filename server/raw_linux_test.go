package server

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// rawPair returns a raw transport on one end of a connected stream socket
// pair, with a small send buffer, and the other end.
func rawPair(t *testing.T) (*rawTransport, *os.File) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.SetsockoptInt(fds[0], syscall.SOL_SOCKET, syscall.SO_SNDBUF, 4096); err != nil {
		t.Fatal(err)
	}
	peer := os.NewFile(uintptr(fds[1]), "peer")
	tr := &rawTransport{fd: fds[0]}
	t.Cleanup(func() {
		tr.close()
		peer.Close()
	})
	return tr, peer
}

// TestRawWritePeerGone checks that a raw write to a closed peer fails as a
// network error, counted as client_gone.
func TestRawWritePeerGone(t *testing.T) {
	tr, peer := rawPair(t)
	peer.Close()
	_, err := tr.writeNow([][]byte{[]byte("HTTP/1.0 200 OK\r\n\r\n")})
	var oe *net.OpError
	if !errors.As(err, &oe) || !errors.Is(err, syscall.EPIPE) || writeEnd(err) != EndClientGone {
		t.Fatalf("writeNow to a closed peer: %v; want an EPIPE *net.OpError", err)
	}
}

// TestRawConnHandsOver checks that conn turns the descriptor into a
// net.Conn that carries the connection on, and that the bare descriptor is
// closed.
func TestRawConnHandsOver(t *testing.T) {
	tr, peer := rawPair(t)
	fd := tr.fd
	c, err := tr.conn()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if tr.fd != -1 {
		t.Errorf("fd %d kept after conn", tr.fd)
	}
	if _, err := syscall.Getsockname(fd); err == nil {
		if _, err2 := syscall.Getpeername(fd); err2 == nil {
			t.Logf("descriptor %d reused by the system", fd)
		}
	}
	io.WriteString(c, "over")
	buf := make([]byte, 4)
	if _, err := io.ReadFull(peer, buf); err != nil || string(buf) != "over" {
		t.Errorf("peer read %q, %v", buf, err)
	}
}

// TestRawRemoteAddr checks that an exchange served raw records its client's
// address, over IPv4 and IPv6.
func TestRawRemoteAddr(t *testing.T) {
	for _, network := range []string{"tcp4", "tcp6"} {
		t.Run(network, func(t *testing.T) {
			addr := "127.0.0.1:0"
			if network == "tcp6" {
				addr = "[::1]:0"
			}
			l, err := net.Listen(network, addr)
			if err != nil {
				testenv.Unavailable(t, "no %s loopback: %v", network, err)
			}
			got := make(chan Exchange, 1)
			srv := &Server{OnExchange: func(e *Exchange) { got <- *e }}
			old := testListen
			testListen = func() (net.Listener, error) { return l, nil }
			defer func() { testListen = old }()
			a := startServer(t, srv, testRoutes(t))
			c := dial(t, a)
			io.WriteString(c, "GET /hello\n")
			c.CloseWrite()
			io.ReadAll(c)
			e := <-got
			if want := c.LocalAddr().(*net.TCPAddr).AddrPort(); e.Remote != want || e.Status != 200 {
				t.Errorf("recorded %v, status %d; want %v, 200", e.Remote, e.Status, want)
			}
		})
	}
}

// TestReusePortSiblings checks that Serve gives each acceptor a socket of
// its own on a listener with SO_REUSEPORT, and that the kernel spreads
// connections over them.
func TestReusePortSiblings(t *testing.T) {
	old := testListen
	testListen = listenReusePort
	defer func() { testListen = old }()
	srv := &Server{Acceptors: 3}
	addr := startServer(t, srv, testRoutes(t))
	for range 60 {
		if r := parseReply(t, roundTrip(t, addr, "GET /hello\n")); r.status != 200 {
			t.Fatalf("got %d", r.status)
		}
	}
	srv.mu.Lock()
	listeners := len(srv.listeners)
	srv.mu.Unlock()
	st := srv.Stats()
	busy := 0
	for _, a := range st.Acceptors {
		if a.Accepted > 0 {
			busy++
		}
	}
	if listeners != 3 || len(st.Acceptors) != 3 || busy < 2 {
		t.Errorf("%d listeners, acceptors %+v: want 3 sockets, and connections on at least 2", listeners, st.Acceptors)
	}
}

// TestServeAfterCloseKeepsNoDescriptor checks that a Serve called once
// Close has begun frees the epoll instances and eventfds it made for its
// acceptors.
func TestServeAfterCloseKeepsNoDescriptor(t *testing.T) {
	openFDs := func() int {
		entries, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	srv := &Server{Acceptors: 4}
	srv.Close()
	before := openFDs()
	for range 10 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Serve(l); !errors.Is(err, ErrServerClosed) {
			t.Fatalf("Serve after Close returned %v", err)
		}
	}
	if after := openFDs(); after > before {
		t.Errorf("%d descriptors open before 10 Serve calls after Close, %d after", before, after)
	}
}
