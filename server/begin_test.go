package server

import (
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/respond"
	"github.com/tinyhttpd/tinyhttpd/route"
)

// TestBeginYieldsOnce checks how an acceptor begins an exchange whose
// request came without its EOF: on a new connection from a loopback
// address it yields and reads again (on Linux), and answers inline when
// the EOF came meanwhile, but waits when it has still not come; an
// exchange taken up again, or a remote client's, waits without yielding.
func TestBeginYieldsOnce(t *testing.T) {
	srv := &Server{Logger: slog.New(slog.DiscardHandler)}
	tbl, err := respond.NewTable(&route.Routes{Routes: []route.Route{{Path: "/hello", Kind: route.KindBody, Body: "hello, world\n"}}})
	if err != nil {
		t.Fatal(err)
	}
	local, remote := netip.MustParseAddrPort("127.0.0.1:40000"), netip.MustParseAddrPort("192.0.2.1:40000")
	yields := runtime.GOOS == "linux"
	for _, c := range []struct {
		name   string
		peer   netip.AddrPort
		first  bool
		blocks int // reads that find nothing before the EOF
		want   next
	}{
		{"new, EOF after one read", local, true, 1, map[bool]next{true: nextInline, false: nextWait}[yields]},
		{"new over IPv6 loopback", netip.MustParseAddrPort("[::1]:40000"), true, 1, map[bool]next{true: nextInline, false: nextWait}[yields]},
		{"new, EOF later", local, true, 2, nextWait},
		{"taken up again", local, false, 1, nextWait},
		{"remote client", remote, true, 1, nextWait},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := &memTransport{req: []byte("GET /hello HTTP/1.0\r\n\r\n"), blocks: c.blocks}
			ex := srv.newExchange(time.Now(), c.peer, srv.admit(c.peer.Addr()), tbl)
			ex.t = tr
			n := ex.begin(c.first)
			if n != c.want {
				t.Errorf("begin(%v) with %d empty reads = %v; want %v", c.first, c.blocks, n, c.want)
			}
			if n == nextInline && tr.written == 0 {
				t.Error("answered inline, but nothing written")
			}
			if n != nextInline {
				ex.finish()
			}
		})
	}
}

// TestReadErrorKeepsTheMethod checks that a read without waiting that
// failed on the deadline, as a waiter's can just after its wake-up, is
// answered as a read that waited would be: a 408 to a HEAD request has no
// body.
func TestReadErrorKeepsTheMethod(t *testing.T) {
	srv := &Server{Logger: slog.New(slog.DiscardHandler)}
	peer := netip.MustParseAddrPort("127.0.0.1:40000")
	conn, client := net.Pipe()
	ex := srv.newExchange(time.Now(), peer, srv.admit(peer.Addr()), nil)
	ex.pending = []byte("HEAD /hello HTTP/1.0\r\n")
	ex.readErr = os.ErrDeadlineExceeded
	ex.conn, ex.wconn, ex.tracked = conn, conn, false
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(client)
		got <- b
	}()
	ex.run()
	reply := string(<-got)
	if !strings.HasPrefix(reply, "HTTP/1.0 408 ") || !strings.HasSuffix(reply, "\r\n\r\n") {
		t.Fatalf("reply %q; want a 408 head and no body", reply)
	}
}
