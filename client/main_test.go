package client

import (
	"io"
	"net"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// serve starts a fake server on 127.0.0.1:0 that runs handle on every
// connection it accepts, and returns its address. The listener closes and
// the handlers are waited for when the test ends; a handler that must outlive
// the exchange waits for t.Context().
func serve(t testing.TB, handle func(c *net.TCPConn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				handle(c.(*net.TCPConn))
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return ln.Addr().String()
}

// replyAfterEOF returns a handler that reads the request up to EOF, as a
// tiny server does, then writes reply and closes.
func replyAfterEOF(reply string) func(c *net.TCPConn) {
	return func(c *net.TCPConn) {
		if _, err := io.Copy(io.Discard, c); err != nil {
			return
		}
		io.WriteString(c, reply)
	}
}
