package socket

import (
	"net"
	"testing"
)

type wrapped struct{ net.Listener }

func (w wrapped) Unwrap() net.Listener { return w.Listener }

type selfWrapped struct{ net.Listener }

func (w *selfWrapped) Unwrap() net.Listener { return w }

func TestTCPListenerOf(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	tl := l.(*net.TCPListener)
	if got := TCPListenerOf(l); got != tl {
		t.Error("a TCP listener is not its own")
	}
	if got := TCPListenerOf(wrapped{wrapped{l}}); got != tl {
		t.Error("the TCP listener under two wrappers not found")
	}
	if got := TCPListenerOf(&selfWrapped{l}); got != nil {
		t.Error("a wrapper that unwraps to itself named a TCP listener")
	}
	var nested net.Listener = l
	for range maxUnwrap {
		nested = wrapped{nested}
	}
	if got := TCPListenerOf(nested); got != nil {
		t.Errorf("found under %d wrappers, more than maxUnwrap", maxUnwrap)
	}
}
