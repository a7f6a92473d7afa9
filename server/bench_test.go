package server

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
	"github.com/tinyhttpd/tinyhttpd/respond"
	"github.com/tinyhttpd/tinyhttpd/route"
)

// memTransport is a transport in memory: reads return the request, then
// socket.ErrWouldBlock for as many reads as blocks says, then EOF; writes
// are counted and dropped. It lets a benchmark measure the server's own
// work per exchange, without the kernel or a client.
type memTransport struct {
	req     []byte
	off     int
	blocks  int
	written int
}

func (t *memTransport) readNow(b []byte) (int, error) {
	if t.off == len(t.req) && t.blocks > 0 {
		t.blocks--
		return 0, socket.ErrWouldBlock
	}
	if t.off == len(t.req) {
		return 0, io.EOF
	}
	n := copy(b, t.req[t.off:])
	t.off += n
	return n, nil
}

func (t *memTransport) writeNow(parts [][]byte) (int, error) {
	n := 0
	for i := range parts {
		n += len(parts[i])
		parts[i] = nil
	}
	t.written += n
	return n, nil
}

func (t *memTransport) conn() (net.Conn, error) { return nil, errors.New("memTransport: no net.Conn") }
func (t *memTransport) close() error            { return nil }

// BenchmarkStaticExchange measures one exchange of a static route as an
// acceptor answers it: admit, read to EOF, parse, route, write the
// pre-rendered reply, record and log (to a disabled logger). Run with
// -benchmem: allocations per exchange are the figure to watch.
func BenchmarkStaticExchange(b *testing.B) {
	srv := &Server{Logger: slog.New(slog.DiscardHandler)}
	tbl, err := respond.NewTable(&route.Routes{Routes: []route.Route{{Path: "/hello", Kind: route.KindBody, Body: "hello, world\n"}}})
	if err != nil {
		b.Fatal(err)
	}
	tr := &memTransport{req: []byte("GET /hello HTTP/1.0\r\nHost: x\r\n\r\n")}
	peer := netip.MustParseAddrPort("127.0.0.1:40000")
	b.ReportAllocs()
	for b.Loop() {
		tr.off, tr.written = 0, 0
		ex := srv.newExchange(time.Now(), peer, srv.admit(peer.Addr()), tbl)
		ex.t = tr
		if n := ex.begin(true); n != nextInline {
			b.Fatalf("exchange went on as %v, want inline", n)
		}
	}
	if tr.written == 0 {
		b.Fatal("no reply written")
	}
}
