package server

import (
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/route"
)

// memConn is a connection in memory: reads return the request, then EOF;
// writes are counted and dropped. It lets a benchmark measure the server's
// own work per exchange, without the kernel or a client.
type memConn struct {
	req     []byte
	off     int
	written int
}

var memAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}

func (c *memConn) Read(b []byte) (int, error) {
	if c.off == len(c.req) {
		return 0, io.EOF
	}
	n := copy(b, c.req[c.off:])
	c.off += n
	return n, nil
}

func (c *memConn) Write(b []byte) (int, error) { c.written += len(b); return len(b), nil }

// WriteBuffers keeps net.Buffers from falling back to one Write per buffer,
// as the TCP connection's writev does.
func (c *memConn) WriteBuffers(v *net.Buffers) (int64, error) {
	var n int64
	for _, b := range *v {
		n += int64(len(b))
	}
	c.written += int(n)
	*v = (*v)[:0]
	return n, nil
}

func (c *memConn) Close() error                       { return nil }
func (c *memConn) CloseWrite() error                  { return nil }
func (c *memConn) LocalAddr() net.Addr                { return memAddr }
func (c *memConn) RemoteAddr() net.Addr               { return memAddr }
func (c *memConn) SetDeadline(t time.Time) error      { return nil }
func (c *memConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *memConn) SetWriteDeadline(t time.Time) error { return nil }

// BenchmarkStaticExchange measures one exchange of a static route: read to
// EOF, parse, route, write the pre-rendered reply, record and log (to a
// disabled logger). Run with -benchmem: allocations per exchange are the
// figure to watch.
func BenchmarkStaticExchange(b *testing.B) {
	srv := &Server{Logger: slog.New(slog.DiscardHandler)}
	tbl, err := NewTable(&route.Routes{Routes: []route.Route{{Path: "/hello", Kind: route.KindBody, Body: "hello, world\n"}}})
	if err != nil {
		b.Fatal(err)
	}
	req := []byte("GET /hello HTTP/1.0\r\nHost: x\r\n\r\n")
	c := &memConn{req: req}
	srv.conns = map[net.Conn]struct{}{}
	b.ReportAllocs()
	for b.Loop() {
		c.off, c.written = 0, 0
		srv.mu.Lock()
		srv.conns[c] = struct{}{}
		srv.serving.Add(1)
		srv.mu.Unlock()
		srv.serveConn(c, tbl, "")
	}
	if c.written == 0 {
		b.Fatal("no reply written")
	}
}
