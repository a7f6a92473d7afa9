package client

import (
	"io"
	"net"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestRequestArrivesWithFIN checks that a request and the half-close reach
// the server in one segment: by the request's EOF, the server has received
// as many segments as from a client that half-closes without sending
// anything. With NoCork they are two segments, as from most clients.
func TestRequestArrivesWithFIN(t *testing.T) {
	segs := make(chan uint32, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c)
		segs <- testenv.SegmentsIn(t, c)
		io.WriteString(c, helloReply)
	})

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	io.Copy(io.Discard, c)
	c.Close()
	finOnly := <-segs

	for _, noCork := range []bool{false, true} {
		for range 3 {
			req := &Request{Target: "/hello", Header: []Header{{Name: "Host", Value: "h"}}, NoCork: noCork}
			_, body, err := fetch(t, &Client{}, t.Context(), addr, req)
			if err != nil || string(body) != "hello, world\n" {
				t.Fatalf("body %q, %v", body, err)
			}
			n := <-segs
			if !noCork && n != finOnly {
				t.Errorf("the server received %d segments up to the request's EOF, want %d as for a FIN alone", n, finOnly)
			}
			if noCork && n <= finOnly {
				t.Errorf("NoCork: the server received %d segments up to the request's EOF, as for a FIN alone (%d): the request came corked", n, finOnly)
			}
		}
	}
}

// TestNoHalfCloseIsNotCorked checks that a request that is not followed by
// a half-close is sent at once: corked, its last segment would wait for the
// cork's 200 ms timer.
func TestNoHalfCloseIsNotCorked(t *testing.T) {
	got := make(chan []byte, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		buf := make([]byte, 64)
		n, _ := c.Read(buf)
		got <- buf[:n]
		io.WriteString(c, helloReply)
	})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	x := newExchange(t.Context(), c, &Request{Target: "/", NoHalfClose: true}, nil, DefaultMaxHeaderBytes, nil)
	defer x.Close()
	<-got
	if corked := testenv.SockoptInt(t, c.(*net.TCPConn), unix.IPPROTO_TCP, unix.TCP_CORK); corked != 0 {
		t.Error("a request without a half-close was sent corked")
	}
}
