package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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
	}{
		{"raw", testListen, pathAuto},
		{"raw deferred", listenDeferred, pathAuto},
		{"portable deferred", listenDeferred, pathPortable},
		{"SO_REUSEPORT sockets", listenReusePort, pathAuto},
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
				srv := &Server{path: tt.path, Logger: slog.New(slog.DiscardHandler)}
				srv.SetRoutes(tbl)
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
				stop.Store(true)
				wg.Wait()
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
