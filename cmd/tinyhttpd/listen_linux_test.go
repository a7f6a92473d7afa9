package main

import (
	"log/slog"
	"net"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestListenersArePlainTCP checks that the protocol and admin listeners are
// plain TCP sockets, not the Multipath TCP ones Go listens with by default
// where the kernel has it: their sockets refuse the socket filter that
// pauses accepting at shutdown. Where the kernel lacks Multipath TCP (or
// GODEBUG=multipathtcp=0) every listener is plain TCP and the check cannot
// tell the two apart, which the log says; it runs all the same.
func TestListenersArePlainTCP(t *testing.T) {
	def, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	proto := testenv.SockoptInt(t, def.(*net.TCPListener), unix.SOL_SOCKET, unix.SO_PROTOCOL)
	def.Close()
	if proto != unix.IPPROTO_MPTCP {
		t.Logf("Go's default listener is not Multipath TCP here (protocol %d), so every listener is plain TCP", proto)
	}
	s, err := config.Load(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = "127.0.0.1:0"
	pl, err := listen(s, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer pl.Close()
	al, err := listenAdmin("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer al.Close()
	for name, l := range map[string]net.Listener{"protocol": pl, "admin": al} {
		if proto := testenv.SockoptInt(t, l.(*net.TCPListener), unix.SOL_SOCKET, unix.SO_PROTOCOL); proto != unix.IPPROTO_TCP {
			t.Errorf("%s listener: protocol %d, want %d (TCP)", name, proto, unix.IPPROTO_TCP)
		}
	}
}
