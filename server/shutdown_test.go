package server

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/respond"
)

// lateListener hands out each accepted connection only once release is
// closed, as Accept does for a connection that arrives just as Shutdown
// closes the listener; it sends on accepted when it has one to hand out.
type lateListener struct {
	net.Listener
	accepted chan struct{}
	release  chan struct{}
}

func (l *lateListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	select {
	case l.accepted <- struct{}{}:
	default:
	}
	<-l.release
	return c, nil
}

// TestShutdownServesConnectionAcceptedAsItBegins checks that a connection
// Accept returned after Shutdown began is answered, and that Shutdown waits
// for it, rather than closing it unanswered: its client connected before
// the listener closed.
func TestShutdownServesConnectionAcceptedAsItBegins(t *testing.T) {
	tbl, err := respond.NewTable(testRoutes(t))
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{}
	srv.SetRoutes(tbl)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &lateListener{Listener: inner, accepted: make(chan struct{}, 1), release: make(chan struct{})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	c := dial(t, inner.Addr().String())
	io.WriteString(c, "GET /hello\n")
	c.CloseWrite()
	select { // Serve is running, and its Accept has the connection
	case <-l.accepted:
	case <-time.After(5 * time.Second):
		t.Fatal("Serve never accepted the connection")
	}

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- srv.Shutdown(ctx)
	}()
	for !srv.Draining() {
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v while Serve still held an accepted connection", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(l.release)

	b, err := io.ReadAll(c)
	if err != nil || !strings.HasSuffix(string(b), "\r\n\r\nhello, world\n") {
		t.Errorf("reply %q, %v; want hello, world", b, err)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
}
