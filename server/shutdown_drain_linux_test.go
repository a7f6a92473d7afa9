package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/proxyprotocol"
	"github.com/tinyhttpd/tinyhttpd/internal/socket"
	"github.com/tinyhttpd/tinyhttpd/respond"
)

// TestShutdownResetsNoConnectedClient runs Shutdown under a closed loop of
// half-close clients, again and again, and counts the clients that
// connected, sent their request and were then reset unanswered: closing a
// listener resets what it has queued, so Shutdown must accept and serve the
// queue first. A client refused at connect is fine: it knows nothing was
// sent. Linux only (socket.PauseAccepting): elsewhere the drain narrows the
// window but cannot close it.
func TestShutdownResetsNoConnectedClient(t *testing.T) {
	const rounds, clients = 3, 32
	for _, tt := range []struct {
		name   string
		listen func() (net.Listener, error)
		path   acceptPath
		// shared: the test holds the listener as systemd does
		// (Server.ListenersShared), and a second server serves it after
		// the first's Shutdown; only the SO_REUSEPORT sockets the first
		// opened beside it close.
		shared bool
	}{
		{"raw", testListen, pathAuto, false},
		{"raw deferred", listenDeferred, pathAuto, false},
		{"portable deferred", listenDeferred, pathPortable, false},
		{"SO_REUSEPORT sockets", listenReusePort, pathAuto, false},
		{"PROXY protocol, direct clients", listenProxyProtocol, pathAuto, false},
		{"plain", testListen, pathPlain, false},
		{"portable", testListen, pathPortable, false},
		{"SO_REUSEPORT sockets beside a shared one", listenReusePort, pathAuto, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tbl, err := respond.NewTable(testRoutes(t))
			if err != nil {
				t.Fatal(err)
			}
			var served, resets, refused atomic.Int64
			for range rounds {
				l, err := tt.listen()
				if err != nil {
					t.Fatal(err)
				}
				srv := &Server{path: tt.path, ListenersShared: tt.shared, Acceptors: map[bool]int{true: 4}[tt.shared], Logger: slog.New(slog.DiscardHandler)}
				srv.SetRoutes(tbl)
				var held net.Listener // the socket's other holder, when shared
				if tt.shared {
					f, err := l.(*net.TCPListener).File()
					if err != nil {
						t.Fatal(err)
					}
					held, err = net.FileListener(f)
					f.Close()
					if err != nil {
						t.Fatal(err)
					}
				}
				srvErr := make(chan error, 1)
				go func() { srvErr <- srv.Serve(l) }()
				addr := l.Addr().String()

				var stop atomic.Bool
				var wg sync.WaitGroup
				for range clients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for !stop.Load() {
							switch halfCloseExchange(addr) {
							case exchangeServed:
								served.Add(1)
							case exchangeReset:
								resets.Add(1)
							case exchangeRefused:
								refused.Add(1)
								return
							}
						}
					}()
				}
				time.Sleep(100 * time.Millisecond)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				if err := srv.Shutdown(ctx); err != nil {
					t.Errorf("Shutdown: %v", err)
				}
				cancel()
				var next *Server
				nextErr := make(chan error, 1)
				if held != nil {
					next = &Server{ListenersShared: true, Acceptors: 1, Logger: slog.New(slog.DiscardHandler)}
					next.SetRoutes(tbl)
					go func() { nextErr <- next.Serve(held) }()
					time.Sleep(100 * time.Millisecond)
				}
				stop.Store(true)
				wg.Wait()
				if next != nil {
					next.Shutdown(context.Background())
					<-nextErr
				}
				if err := <-srvErr; !errors.Is(err, ErrServerClosed) {
					t.Errorf("Serve: %v", err)
				}
			}
			t.Logf("%d rounds: %d served, %d refused at connect, %d reset after connecting", rounds, served.Load(), refused.Load(), resets.Load())
			if resets.Load() != 0 {
				t.Errorf("%d clients were reset after connecting and sending their request", resets.Load())
			}
		})
	}
}

// listenProxyProtocol listens on loopback behind the PROXY protocol,
// trusting proxies at 10.0.0.0/8 only, so that loopback clients are served
// as direct ones.
func listenProxyProtocol() (net.Listener, error) {
	l, err := listenTCP(socket.ListenOptions{})
	if err != nil {
		return nil, err
	}
	return proxyprotocol.NewListener(l, proxyprotocol.Config{
		Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		Logger:  slog.New(slog.DiscardHandler),
	}), nil
}

type exchangeOutcome int

const (
	exchangeServed exchangeOutcome = iota
	exchangeReset
	exchangeRefused
	exchangeOther
)

// halfCloseExchange makes one exchange and says how it ended.
func halfCloseExchange(addr string) exchangeOutcome {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return exchangeRefused
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "GET /hello HTTP/1.0\r\n\r\n"); err != nil {
		return exchangeReset
	}
	c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c)
	switch {
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return exchangeReset
	case err == nil && len(b) > 0:
		return exchangeServed
	case err == nil:
		return exchangeReset // closed unanswered
	}
	return exchangeOther
}

// TestMaxConnsBeforeProxyHeader checks that behind the PROXY protocol a
// connection counts against MaxConns from its accept, before its header
// (or, from a direct client, its first bytes) arrives: of many silent
// connections, MaxConns wait to be served and MaxConns more to be answered
// 503 (each reads its header first, to log the client's address); the
// others are closed at once.
func TestMaxConnsBeforeProxyHeader(t *testing.T) {
	const maxConns, conns = 4, 200
	srv := &Server{MaxConns: maxConns}
	old := testListen
	testListen = listenProxyProtocol
	defer func() { testListen = old }()
	addr := startServer(t, srv, testRoutes(t))
	cs := make([]net.Conn, conns)
	for i := range cs {
		cs[i] = dial(t, addr)
	}
	var waiting atomic.Int64
	var readers sync.WaitGroup
	deadline := time.Now().Add(time.Second)
	for _, c := range cs {
		c.SetReadDeadline(deadline)
		readers.Go(func() {
			if _, err := io.ReadAll(c); errors.Is(err, os.ErrDeadlineExceeded) {
				waiting.Add(1)
			}
		})
	}
	readers.Wait()
	if n := waiting.Load(); n > 2*maxConns {
		t.Errorf("%d of %d silent connections still waiting after a second, want at most twice MaxConns %d", n, conns, maxConns)
	}
}

// TestShutdownLeavesSharedListenerOpen checks that Shutdown leaves a
// shared listener's socket (Server.ListenersShared) taking connections for
// the next server, as systemd's socket does between two tinyhttpd, while
// an unshared one is paused before it closes.
func TestShutdownLeavesSharedListenerOpen(t *testing.T) {
	for _, shared := range []bool{true, false} {
		l, err := testListen()
		if err != nil {
			t.Fatal(err)
		}
		held, err := l.(*net.TCPListener).File() // the socket's other holder
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close()
		srv := &Server{ListenersShared: shared, Logger: slog.New(slog.DiscardHandler)}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(l) }()
		waitFor(t, "the server to listen", srv.Ready)
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		<-served
		c, err := net.DialTimeout("tcp", l.Addr().String(), 300*time.Millisecond)
		if err == nil {
			c.Close()
		}
		if connected := err == nil; connected != shared {
			t.Errorf("ListenersShared %v: a connect after Shutdown got %v", shared, err)
		}
	}
}

// TestDrainLooksAtTheQueue drains a listener whose accept first runs after
// its deadline, as one whose goroutine waited for a CPU: the connections
// queued meanwhile must still be accepted before the drain ends, since the
// listener's close would reset them.
func TestDrainLooksAtTheQueue(t *testing.T) {
	l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for range 3 {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	accepted, starved := 0, true
	accept := func() error {
		if starved {
			starved = false
			time.Sleep(drainQuiet + 50*time.Millisecond) // past the deadline
		}
		c, err := l.Accept()
		if err != nil {
			return err
		}
		accepted++
		return c.Close()
	}
	new(Server).drainQueue(l, accept, false)
	if accepted != 3 {
		t.Errorf("the drain accepted %d of the 3 queued connections", accepted)
	}
}
