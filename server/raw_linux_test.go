package server

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"
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

// TestRawWriteNowNeverWaits checks that a raw write larger than the send
// buffer returns at once with errWouldBlock, having dropped from the parts
// what it wrote, and that writing the rest as the peer reads delivers
// every byte in order.
func TestRawWriteNowNeverWaits(t *testing.T) {
	tr, peer := rawPair(t)
	head, body := []byte("head\n"), bytes.Repeat([]byte("0123456789abcdef"), 64<<10)
	parts := [][]byte{head, nil, body, []byte("end\n")}
	want := append(append(append([]byte{}, head...), body...), "end\n"...)

	n, err := tr.writeNow(parts)
	if err != errWouldBlock || n <= 0 || n >= len(want) {
		t.Fatalf("first writeNow = %d, %v; want part of %d bytes and errWouldBlock", n, err, len(want))
	}
	if left := len(parts[0]) + len(parts[2]) + len(parts[3]); left != len(want)-n {
		t.Fatalf("%d bytes left in the parts after writing %d of %d", left, n, len(want))
	}
	var got []byte
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 8<<10)
		for len(got) < len(want) {
			k, err := peer.Read(buf)
			got = append(got, buf[:k]...)
			if err != nil {
				return
			}
		}
	}()
	total := n
	deadline := time.Now().Add(10 * time.Second)
	for !allWritten(parts) && time.Now().Before(deadline) {
		k, err := tr.writeNow(parts)
		total += k
		if err != nil && err != errWouldBlock {
			t.Fatal(err)
		}
		if err == errWouldBlock {
			time.Sleep(time.Millisecond)
		}
	}
	wg.Wait()
	if total != len(want) || !bytes.Equal(got, want) {
		t.Errorf("wrote %d, peer read %d bytes; want %d in order", total, len(got), len(want))
	}
}

// TestRawReadNow checks what a raw read returns: the bytes that have
// arrived, errWouldBlock when nothing has, io.EOF after the half-close.
func TestRawReadNow(t *testing.T) {
	tr, peer := rawPair(t)
	buf := make([]byte, 64)
	if n, err := tr.readNow(buf); n != 0 || err != errWouldBlock {
		t.Fatalf("nothing sent: readNow = %d, %v; want 0, errWouldBlock", n, err)
	}
	peer.WriteString("GET /\n")
	if n, err := tr.readNow(buf); err != nil || string(buf[:n]) != "GET /\n" {
		t.Fatalf("readNow = %q, %v", buf[:n], err)
	}
	syscall.Shutdown(int(peer.Fd()), syscall.SHUT_WR)
	if n, err := tr.readNow(buf); n != 0 || err != io.EOF {
		t.Fatalf("after the half-close: readNow = %d, %v; want 0, io.EOF", n, err)
	}
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
				t.Skipf("no %s loopback: %v", network, err)
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
