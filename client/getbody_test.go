package client

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// trackedBody is a request body from GetBody that counts its Close calls
// and can fail its reads after failAfter bytes.
type trackedBody struct {
	r         io.Reader
	failAfter int64 // 0: never
	read      int64
	closes    atomic.Int32
}

func (b *trackedBody) Read(p []byte) (int, error) {
	if b.failAfter > 0 && b.read >= b.failAfter {
		return 0, errors.New("disk on fire")
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

func (b *trackedBody) Close() error { b.closes.Add(1); return nil }

// TestGetBodyStreams sends a 4 MiB body from GetBody: the server must
// receive it whole after the head, and the body be closed once.
func TestGetBodyStreams(t *testing.T) {
	const size = 4 << 20
	got := make(chan string, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		req, _ := io.ReadAll(c)
		head, body, _ := strings.Cut(string(req), "\r\n\r\n")
		got <- fmt.Sprintf("%s|%d|%v", head, len(body), body == strings.Repeat("x", size))
		io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
	})
	b := &trackedBody{r: strings.NewReader(strings.Repeat("x", size))}
	req := &Request{Method: "PUT", Target: "/up", Header: []Header{{"Content-Length", fmt.Sprint(size)}},
		GetBody: func() (io.ReadCloser, error) { return b, nil }}
	_, reply, err := fetch(t, &Client{}, t.Context(), addr, req)
	if err != nil || string(reply) != "ok" {
		t.Fatalf("reply %q, %v", reply, err)
	}
	if want := fmt.Sprintf("PUT /up HTTP/1.0\r\nContent-Length: %d|%d|true", size, size); <-got != want {
		t.Errorf("the server did not get the head and the whole body")
	}
	if n := b.closes.Load(); n != 1 {
		t.Errorf("body closed %d times, want 1", n)
	}
}

// TestGetBodyFailures checks each way the body can fail: GetBody's error,
// a read error midway, and a connect that fails with the body unsent, which
// must still close it.
func TestGetBodyFailures(t *testing.T) {
	t.Run("GetBody fails", func(t *testing.T) {
		req := &Request{GetBody: func() (io.ReadCloser, error) { return nil, errors.New("no such file") }}
		_, err := (&Client{}).Do(t.Context(), testenv.ClosedAddr(t), req)
		var e *Error
		if !errors.As(err, &e) || e.Kind != Send || e.Op != "open request body" {
			t.Errorf("err %v; want Kind Send, Op open request body", err)
		}
	})
	t.Run("read fails midway", func(t *testing.T) {
		addr := testenv.Serve(t, replyAfterEOF("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"))
		b := &trackedBody{r: bytes.NewReader(make([]byte, 1<<20)), failAfter: 64 << 10}
		_, _, err := fetch(t, &Client{}, t.Context(), addr, &Request{Method: "PUT", GetBody: func() (io.ReadCloser, error) { return b, nil }})
		wantKind(t, err, Send)
		if err == nil || !strings.Contains(err.Error(), "disk on fire") {
			t.Errorf("err %v; want the read's error", err)
		}
		if n := b.closes.Load(); n != 1 {
			t.Errorf("body closed %d times, want 1", n)
		}
	})
	t.Run("connect fails", func(t *testing.T) {
		b := &trackedBody{r: strings.NewReader("x")}
		_, err := (&Client{}).Do(t.Context(), testenv.ClosedAddr(t), &Request{GetBody: func() (io.ReadCloser, error) { return b, nil }})
		wantKind(t, err, Connect)
		if n := b.closes.Load(); n != 1 {
			t.Errorf("body closed %d times, want 1", n)
		}
	})
}

// TestGetBodyReadFailureResets fails the body's read midway, with no
// Content-Length, so that only the request's end could tell the server it
// was whole: the server must see the connection reset, not the EOF that
// ends a whole request.
func TestGetBodyReadFailureResets(t *testing.T) {
	got := make(chan error, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		_, err := io.ReadAll(c)
		got <- err
	})
	b := &trackedBody{r: bytes.NewReader(make([]byte, 1<<20)), failAfter: 64 << 10}
	_, _, err := fetch(t, &Client{}, t.Context(), addr, &Request{Method: "PUT", GetBody: func() (io.ReadCloser, error) { return b, nil }})
	wantKind(t, err, Send)
	if serr := <-got; !errors.Is(serr, syscall.ECONNRESET) {
		t.Errorf("the server's read ended with %v; want a reset", serr)
	}
}
