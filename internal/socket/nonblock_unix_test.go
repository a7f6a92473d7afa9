//go:build unix

package socket

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

// pair returns one end of a connected, non-blocking stream socket pair,
// with a small send buffer, and the other end.
func pair(t *testing.T) (int, *os.File) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	syscall.CloseOnExec(fds[0])
	syscall.CloseOnExec(fds[1])
	if err := syscall.SetNonblock(fds[0], true); err != nil {
		t.Fatal(err)
	}
	if err := syscall.SetsockoptInt(fds[0], syscall.SOL_SOCKET, syscall.SO_SNDBUF, 4096); err != nil {
		t.Fatal(err)
	}
	peer := os.NewFile(uintptr(fds[1]), "peer")
	t.Cleanup(func() {
		syscall.Close(fds[0])
		peer.Close()
	})
	return fds[0], peer
}

// TestWriteNowNeverWaits checks that a write larger than the send
// buffer returns at once with ErrWouldBlock, having dropped from the parts
// what it wrote, and that writing the rest as the peer reads delivers
// every byte in order.
func TestWriteNowNeverWaits(t *testing.T) {
	fd, peer := pair(t)
	head, body := []byte("head\n"), bytes.Repeat([]byte("0123456789abcdef"), 64<<10)
	parts := [][]byte{head, nil, body, []byte("end\n")}
	want := append(append(append([]byte{}, head...), body...), "end\n"...)

	n, err := WriteNow(fd, parts)
	if err != ErrWouldBlock || n <= 0 || n >= len(want) {
		t.Fatalf("first WriteNow = %d, %v; want part of %d bytes and ErrWouldBlock", n, err, len(want))
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
	for total < len(want) && time.Now().Before(deadline) {
		k, err := WriteNow(fd, parts)
		total += k
		if err != nil && err != ErrWouldBlock {
			t.Fatal(err)
		}
		if err == ErrWouldBlock {
			time.Sleep(time.Millisecond)
		}
	}
	syscall.Shutdown(fd, syscall.SHUT_WR) // the reader ends, written whole or not
	wg.Wait()
	if total != len(want) || !bytes.Equal(got, want) {
		t.Errorf("wrote %d, peer read %d bytes; want %d in order", total, len(got), len(want))
	}
}

// TestReadNow checks what ReadNow returns: the bytes that have
// arrived, ErrWouldBlock when nothing has, io.EOF after the half-close.
func TestReadNow(t *testing.T) {
	fd, peer := pair(t)
	buf := make([]byte, 64)
	if n, err := ReadNow(fd, buf); n != 0 || err != ErrWouldBlock {
		t.Fatalf("nothing sent: ReadNow = %d, %v; want 0, ErrWouldBlock", n, err)
	}
	peer.WriteString("GET /\n")
	if n, err := ReadNow(fd, buf); err != nil || string(buf[:n]) != "GET /\n" {
		t.Fatalf("ReadNow = %q, %v", buf[:n], err)
	}
	syscall.Shutdown(int(peer.Fd()), syscall.SHUT_WR)
	if n, err := ReadNow(fd, buf); n != 0 || err != io.EOF {
		t.Fatalf("after the half-close: ReadNow = %d, %v; want 0, io.EOF", n, err)
	}
}

// TestWriteNowPeerGone checks that a write to a closed peer fails as a
// *net.OpError carrying EPIPE, not as ErrWouldBlock.
func TestWriteNowPeerGone(t *testing.T) {
	fd, peer := pair(t)
	peer.Close()
	_, err := WriteNow(fd, [][]byte{[]byte("HTTP/1.0 200 OK\r\n\r\n")})
	var oe *net.OpError
	if !errors.As(err, &oe) || !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("WriteNow to a closed peer: %v; want an EPIPE *net.OpError", err)
	}
}

// TestWriteNowMoreParts checks that WriteNow writes more parts than one
// sendmsg takes, in order, skipping empty ones.
func TestWriteNowMoreParts(t *testing.T) {
	fd, peer := pair(t)
	parts := [][]byte{[]byte("a"), nil, []byte("bc"), []byte("d"), {}, []byte("ef"), []byte("g")}
	n, err := WriteNow(fd, parts)
	if err != nil || n != 7 {
		t.Fatalf("WriteNow = %d, %v; want 7, nil", n, err)
	}
	buf := make([]byte, 7)
	if _, err := io.ReadFull(peer, buf); err != nil || string(buf) != "abcdefg" {
		t.Fatalf("peer read %q, %v", buf, err)
	}
}

// TestReadNowError checks that a read that fails other than by finding
// nothing is a *net.OpError carrying the errno.
func TestReadNowError(t *testing.T) {
	n, err := ReadNow(-1, make([]byte, 8)) // no descriptor: EBADF
	var oe *net.OpError
	if n != 0 || !errors.As(err, &oe) || !errors.Is(err, syscall.EBADF) {
		t.Fatalf("ReadNow(-1) = %d, %v; want 0 and an EBADF *net.OpError", n, err)
	}
}
