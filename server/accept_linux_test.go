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

// rawPair returns a raw exchange on one end of a connected stream socket
// pair, with a small send buffer, and the other end.
func rawPair(t *testing.T, srv *Server) (*exchange, *os.File) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.SetsockoptInt(fds[0], syscall.SOL_SOCKET, syscall.SO_SNDBUF, 4096); err != nil {
		t.Fatal(err)
	}
	peer := os.NewFile(uintptr(fds[1]), "peer")
	ex := &exchange{srv: srv, raw: true, fd: fds[0]}
	t.Cleanup(func() {
		ex.closeRaw()
		peer.Close()
	})
	return ex, peer
}

// TestWriteRawWaitsForRoom checks that a raw write larger than the send
// buffer is written whole, in order, as the peer reads.
func TestWriteRawWaitsForRoom(t *testing.T) {
	ex, peer := rawPair(t, &Server{WriteTimeout: 5 * time.Second})
	head, body := []byte("head\n"), bytes.Repeat([]byte("0123456789abcdef"), 64<<10)
	ex.parts = [4][]byte{head, nil, body, []byte("end\n")}
	want := append(append(append([]byte{}, head...), body...), "end\n"...)

	var got []byte
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 8<<10)
		for len(got) < len(want) {
			n, err := peer.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				return
			}
		}
	}()
	n, err := ex.writeRaw()
	wg.Wait()
	if err != nil || n != int64(len(want)) {
		t.Fatalf("writeRaw = %d, %v; want %d, nil", n, err, len(want))
	}
	if !bytes.Equal(got, want) {
		t.Errorf("peer read %d bytes, not the %d written in order", len(got), len(want))
	}
}

// TestWriteRawDeadline checks that a raw write to a peer that never reads
// ends at the WriteTimeout, reported as a deadline.
func TestWriteRawDeadline(t *testing.T) {
	ex, _ := rawPair(t, &Server{WriteTimeout: 100 * time.Millisecond})
	ex.parts = [4][]byte{make([]byte, 8<<20)}
	start := time.Now()
	n, err := ex.writeRaw()
	if !errors.Is(err, os.ErrDeadlineExceeded) || n >= 8<<20 {
		t.Fatalf("writeRaw = %d, %v; want a short write and a deadline", n, err)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 5*time.Second {
		t.Errorf("gave up after %v, want the 100ms WriteTimeout", d)
	}
	if writeEnd(err) != EndWriteTimeout {
		t.Errorf("ends as %v, want %v", writeEnd(err), EndWriteTimeout)
	}
}

// TestWriteRawPeerGone checks that a raw write to a closed peer fails as a
// network error, counted as client_gone.
func TestWriteRawPeerGone(t *testing.T) {
	ex, peer := rawPair(t, &Server{})
	peer.Close()
	ex.parts = [4][]byte{[]byte("HTTP/1.0 200 OK\r\n\r\n")}
	_, err := ex.writeRaw()
	var oe *net.OpError
	if !errors.As(err, &oe) || !errors.Is(err, syscall.EPIPE) || writeEnd(err) != EndClientGone {
		t.Fatalf("writeRaw to a closed peer: %v; want an EPIPE *net.OpError", err)
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
