package server

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/defaults"
	"github.com/tinyhttpd/tinyhttpd/internal/keycount"
	"github.com/tinyhttpd/tinyhttpd/internal/socket"
	"github.com/tinyhttpd/tinyhttpd/respond"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

// Defaults for the Server fields left zero.
const (
	DefaultAddr             = defaults.Addr
	DefaultReadTimeout      = defaults.ReadTimeout
	DefaultWriteTimeout     = defaults.WriteTimeout
	DefaultLingerTimeout    = defaults.LingerTimeout
	DefaultMaxRequestBytes  = defaults.MaxRequestBytes
	DefaultMaxConns         = defaults.MaxConns
	DefaultMaxRequestMemory = defaults.MaxRequestMemory
)

// lingerMaxBytes bounds the input discarded after an early reply. A client
// still sending past it gets its connection closed with data unread, and so a
// reset; below it the client reads the reply and a clean close.
const lingerMaxBytes = 16 << 20

// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown or
// Close.
var ErrServerClosed = errors.New("server: Server closed")

// Server serves the half-close exchange. The zero value is ready to use: it
// listens on DefaultAddr and answers 404 until SetRoutes gives it a table.
// Fields must not be changed once the server is serving. A negative limit,
// timeout or count is an error, which Serve returns.
type Server struct {
	// Addr is the TCP address ListenAndServe listens on. If empty,
	// DefaultAddr, a loopback address.
	Addr string
	// ReadTimeout bounds the whole request, from accept to the client's
	// half-close; a client that has not half-closed by then gets 408. If
	// zero, DefaultReadTimeout.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing the whole reply. If zero,
	// DefaultWriteTimeout.
	WriteTimeout time.Duration
	// LingerTimeout bounds discarding input after a reply sent before the
	// request's end (408, 413, 503). If zero, DefaultLingerTimeout.
	LingerTimeout time.Duration
	// MaxRequestBytes limits a request; one byte more gets 413 at once. If
	// zero, DefaultMaxRequestBytes.
	MaxRequestBytes int64
	// MaxRequestMemory limits the memory that the requests being read and
	// answered hold together, beyond the small buffer each starts with; a
	// request whose buffer would take them over it gets 503. Set it to at
	// least MaxRequestBytes, or the largest requests always get 503. If
	// zero, DefaultMaxRequestMemory, or MaxRequestBytes if larger.
	MaxRequestMemory int64
	// MaxConns limits the connections being served at once; connections
	// over it get 503. If zero, DefaultMaxConns.
	MaxConns int
	// MaxConnsPerIP limits the connections being served at once for one
	// client address (the one a PROXY protocol header names, behind a
	// proxy); connections over it get 503. If zero, there is no limit.
	MaxConnsPerIP int
	// ListenersShared says that the listeners Serve is given stay open in
	// another process after this server closes them, as a socket systemd
	// passes does. Their queues then outlive the server, so Shutdown does
	// not stop the kernel from queueing new connections on them: those wait
	// for the next server rather than being dropped. The SO_REUSEPORT
	// sockets Serve opens beside such a listener are this server's alone.
	ListenersShared bool
	// Acceptors is the number of goroutines that accept from each listener
	// Serve is given. If zero, runtime.GOMAXPROCS(0).
	Acceptors int
	// Logger receives one line per exchange at Info level, and errors. If
	// nil, slog.Default().
	Logger *slog.Logger
	// OnExchange, if not nil, is called at the end of every exchange, on
	// the exchange's goroutine, after its connection is closed. The
	// Exchange is valid only during the call; OnExchange must be fast and
	// safe for concurrent use.
	OnExchange func(*Exchange)
	// TLSConfig, if not nil, makes every exchange a TLS one: the handshake
	// runs under ReadTimeout, the client's close_notify alert ends the
	// request as its half-close does over TCP, and the server sends its own
	// before closing. A request ended by a bare FIN instead, which may have
	// been truncated, gets 400. It needs a certificate or GetCertificate;
	// MinVersion, if zero, is crypto/tls's default.
	TLSConfig *tls.Config

	table atomic.Pointer[respond.Table]
	dates wire.DateCache
	stats counters
	path  acceptPath // how Serve accepts; tests choose

	// Test hooks: testOnNext learns how each exchange an acceptor starts
	// goes on; testOnRespond runs before each route reply.
	testOnNext    func(next)
	testOnRespond func(*wire.Request)

	served, refused atomic.Int64 // connections admitted, and refused with 503
	requestMemory   atomic.Int64 // bytes reserved against MaxRequestMemory
	perIP           keycount.Counts[netip.Addr]

	mu         sync.Mutex
	listeners  map[net.Listener]struct{}
	conns      map[net.Conn]struct{}
	acceptors  []*acceptorCounters
	inShutdown atomic.Bool
	unanswered atomic.Int64 // exchanges acceptors ended as they stopped (acceptor.abort)
	drain      atomic.Int32 // notDraining, draining or drainingUntilShutdown
	listening  atomic.Int32 // listeners in Serve
	isClosed   atomic.Bool  // Close has been called
	doneOnce   sync.Once
	done       chan struct{}  // closed by Close; ends delays
	serving    sync.WaitGroup // tracked connections
	accepting  sync.WaitGroup // running acceptors
}

// SetRoutes makes t the table for exchanges that start from now on.
// Exchanges in flight finish on the table they started with.
func (s *Server) SetRoutes(t *respond.Table) { s.table.Store(t) }

// Routes returns the current table, or nil before SetRoutes.
func (s *Server) Routes() *respond.Table { return s.table.Load() }

// ListenAndServe listens on s.Addr and serves until Shutdown or Close, when it
// returns ErrServerClosed.
func (s *Server) ListenAndServe() error {
	if s.shuttingDown() {
		return ErrServerClosed
	}
	addr := s.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	lc := socket.ListenOptions{}.ListenConfig()
	l, err := lc.Listen(context.Background(), "tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Serve accepts connections on l and serves one exchange on each, until
// Shutdown or Close, when it returns ErrServerClosed. Acceptors goroutines
// accept from l; each reads a new connection at once, without waiting, and
// answers a complete request whose reply is small and ready right there;
// every other exchange goes on in a goroutine of its own (see doc.go). When
// l is a TCP listener with SO_REUSEPORT, each acceptor but the first gets a
// socket of its own, bound to l's address with l's options, so that the
// kernel spreads new connections over their queues. On Linux Serve sets
// TCP_CORK on a TCP listener, or on the one l wraps if l has an Unwrap()
// net.Listener method, so that a reply's last segment carries the FIN; a
// wrapper's connections must then write nothing of their own. At Shutdown,
// the connections l has queued are accepted and served before it closes;
// on Linux new ones are kept out meanwhile by a socket filter, which a
// Multipath TCP socket refuses, and net.Listen makes one where the kernel
// has it: pass a plain TCP listener (net.ListenConfig with
// SetMultipathTCP(false)), or a client may still be reset at the close.
// Serve closes l when it returns. Temporary accept errors, such as running
// out of file descriptors, are retried with a growing delay.
//
// With TLSConfig set, Serve sets no cork, whose wait would hold the
// handshake's writes, and serves each connection in a goroutine.
func (s *Server) Serve(l net.Listener) error {
	if err := s.checkFields(); err != nil {
		l.Close()
		return err
	}
	k := s.Acceptors
	if k == 0 {
		k = runtime.GOMAXPROCS(0)
	}
	ls, perListener := []net.Listener{l}, k
	if siblings := reusePortSiblings(l, k-1, s.logger()); len(siblings) > 0 {
		ls, perListener = append(ls, siblings...), 1
	}
	errs := make(chan error, len(ls))
	for i, l := range ls {
		shared := i == 0 && s.ListenersShared // the siblings are this server's own
		go func() { errs <- s.serveListener(l, perListener, shared) }()
	}
	s.listening.Add(1)
	defer s.listening.Add(-1)
	return firstError(errs, len(ls))
}

// firstError receives n errors from errs and returns the first that is not
// ErrServerClosed, or ErrServerClosed.
func firstError(errs <-chan error, n int) error {
	var first error
	for range n {
		if err := <-errs; first == nil || errors.Is(first, ErrServerClosed) {
			first = err
		}
	}
	return first
}

// serveListener runs k acceptors on l until they stop, then closes l. If
// one stops for an error, the others stop too.
func (s *Server) serveListener(l net.Listener, k int, shared bool) error {
	if s.TLSConfig == nil {
		corkListener(l)
	}
	l, srcs := s.sources(l, k)
	defer l.Close()
	if !s.startAcceptors(l, len(srcs)) {
		for _, src := range srcs {
			src.close(nil) // an epoll instance and eventfd each, on the raw path
		}
		return ErrServerClosed
	}
	defer func() { s.mu.Lock(); delete(s.listeners, l); s.mu.Unlock() }()
	errs := make(chan error, k)
	for _, src := range srcs {
		a := &acceptor{srv: s, l: l, shared: shared, src: src, stats: s.newAcceptorCounters()}
		go func() {
			defer s.accepting.Done()
			err := a.run()
			if !errors.Is(err, ErrServerClosed) {
				l.Close()
			}
			errs <- err
		}()
	}
	return firstError(errs, k)
}

// reusePortSiblings returns n more listeners bound to l's address when l
// is a TCP listener with SO_REUSEPORT (socket.ReusePortSiblings), and
// logs if the system refuses one.
func reusePortSiblings(l net.Listener, n int, logger *slog.Logger) []net.Listener {
	tl, ok := l.(*net.TCPListener)
	if !ok || n < 1 {
		return nil
	}
	siblings, err := socket.ReusePortSiblings(tl, n)
	if err != nil {
		logger.Warn("cannot open another SO_REUSEPORT socket; its acceptor shares the first", "addr", tl.Addr().String(), "err", err)
	}
	return siblings
}

// newAcceptorCounters adds an acceptor's counters to the server's.
func (s *Server) newAcceptorCounters() *acceptorCounters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &acceptorCounters{id: len(s.acceptors)}
	s.acceptors = append(s.acceptors, c)
	return c
}

// trackConn tracks c, an exchange's connection that may wait, so that
// Close reaches it, and reports whether the server is still open: after
// Close, c must be closed. Every trackConn is undone by untrackConn.
func (s *Server) trackConn(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns == nil {
		s.conns = make(map[net.Conn]struct{})
	}
	s.conns[c] = struct{}{}
	s.serving.Add(1)
	// Close marks itself before it takes s.mu to close the connections:
	// either it finds c there, or c is told here that Close came.
	return !s.isClosed.Load()
}

func (s *Server) untrackConn(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.serving.Done()
}

// startAcceptors tracks l and counts its k acceptors as running, unless
// Shutdown or Close has begun. Under s.mu, so that Close, which waits for
// the acceptors, never waits while one is being counted.
func (s *Server) startAcceptors(l net.Listener, k int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shuttingDown() {
		return false
	}
	if s.listeners == nil {
		s.listeners = make(map[net.Listener]struct{})
	}
	s.listeners[l] = struct{}{}
	s.accepting.Add(k)
	return true
}

// Shutdown stops the server gracefully: it stops accepting, accepts and
// serves what each listener has queued, closes the listeners, and waits
// for every Serve to return and every accepted exchange to finish.
// Exchanges still reading keep their ReadTimeout. If ctx ends first,
// Shutdown closes the remaining connections and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.inShutdown.Store(true)
	s.stopAccepting()

	poll := time.Millisecond
	timer := time.NewTimer(poll)
	defer timer.Stop()
	for {
		// A Serve that has not yet returned may hold a connection that
		// Accept returned just before the listener closed.
		if s.listening.Load() == 0 && s.openConns() == 0 {
			if n := s.unanswered.Load(); n > 0 {
				return fmt.Errorf("server: %d accepted exchanges ended unanswered: no file descriptor was free to serve them", n)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			s.Close()
			return ctx.Err()
		case <-timer.C:
			poll = min(2*poll, 100*time.Millisecond)
			timer.Reset(poll)
		}
	}
}

// Close closes the listeners and every connection at once, and ends delays.
// It returns once every exchange has ended. Use Shutdown to let exchanges
// finish.
func (s *Server) Close() error {
	s.inShutdown.Store(true)
	if !s.isClosed.Swap(true) {
		close(s.doneChan())
	}
	s.mu.Lock()
	for l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	// An acceptor may be handing an exchange over to a goroutine: that
	// exchange is tracked, and closed, once the acceptors have stopped.
	s.accepting.Wait()
	s.serving.Wait()
	return nil
}

// The states of Server.drain.
const (
	notDraining           int32 = iota
	draining                    // after Drain, until EndDrain
	drainingUntilShutdown       // after DrainUntilShutdown, which EndDrain cannot end
)

// Drain starts a drain: Ready reports false, so load balancers see the
// server leave, while every connection, new ones included, is served as
// before until Shutdown or Close. It logs a drain's start once.
func (s *Server) Drain() {
	if s.drain.CompareAndSwap(notDraining, draining) {
		s.logger().Info("drain started: not ready; connections are still served")
	}
}

// DrainUntilShutdown starts a drain as Drain does, which only Shutdown or
// Close ends, without a log line: the delay before a Shutdown, say.
func (s *Server) DrainUntilShutdown() { s.drain.Store(drainingUntilShutdown) }

// EndDrain ends a drain that Drain began: Ready reports true again. It
// reports false, and changes nothing, after DrainUntilShutdown and once
// Shutdown or Close has begun, which no drain's end undoes.
func (s *Server) EndDrain() bool {
	switch {
	case s.shuttingDown():
		return false
	case s.drain.CompareAndSwap(draining, notDraining):
		s.logger().Info("drain ended: ready again")
		return true
	}
	return s.drain.Load() != drainingUntilShutdown
}

// Draining reports whether a drain, Shutdown or Close has begun.
func (s *Server) Draining() bool { return s.drain.Load() != notDraining || s.shuttingDown() }

// Ready reports whether the server wants new exchanges: it is Listening
// and no drain has begun.
func (s *Server) Ready() bool { return s.Listening() && !s.Draining() }

// Listening reports whether at least one listener is being served.
func (s *Server) Listening() bool { return s.listening.Load() > 0 }

func (s *Server) shuttingDown() bool { return s.inShutdown.Load() }

// stopAccepting ends the acceptors' waits, so that they drain their
// listeners and return; a listener whose wait cannot be ended is closed.
func (s *Server) stopAccepting() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for l := range s.listeners {
		if d, ok := l.(deadliner); !ok || d.SetDeadline(time.Now()) != nil {
			l.Close()
		}
	}
}

func (s *Server) openConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// doneChan returns the channel Close closes.
func (s *Server) doneChan() chan struct{} {
	s.doneOnce.Do(func() { s.done = make(chan struct{}) })
	return s.done
}

// sleep waits for d, or until Close; it reports whether d passed.
func (s *Server) sleep(d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-s.doneChan():
		return false
	}
}

func (s *Server) logger() *slog.Logger { return cmp.Or(s.Logger, slog.Default()) }

func (s *Server) readTimeout() time.Duration   { return cmp.Or(s.ReadTimeout, DefaultReadTimeout) }
func (s *Server) writeTimeout() time.Duration  { return cmp.Or(s.WriteTimeout, DefaultWriteTimeout) }
func (s *Server) lingerTimeout() time.Duration { return cmp.Or(s.LingerTimeout, DefaultLingerTimeout) }
func (s *Server) maxRequestBytes() int64       { return cmp.Or(s.MaxRequestBytes, DefaultMaxRequestBytes) }
func (s *Server) maxConns() int                { return cmp.Or(s.MaxConns, DefaultMaxConns) }
func (s *Server) maxRequestMemory() int64 {
	return cmp.Or(s.MaxRequestMemory, defaults.RequestMemory(s.maxRequestBytes()))
}

// checkFields reports a negative limit, timeout or count, which would
// refuse, drop or time out every connection.
func (s *Server) checkFields() error {
	for _, f := range []struct {
		name     string
		v        any
		negative bool
	}{
		{"ReadTimeout", s.ReadTimeout, s.ReadTimeout < 0},
		{"WriteTimeout", s.WriteTimeout, s.WriteTimeout < 0},
		{"LingerTimeout", s.LingerTimeout, s.LingerTimeout < 0},
		{"MaxRequestBytes", s.MaxRequestBytes, s.MaxRequestBytes < 0},
		{"MaxRequestMemory", s.MaxRequestMemory, s.MaxRequestMemory < 0},
		{"MaxConns", s.MaxConns, s.MaxConns < 0},
		{"MaxConnsPerIP", s.MaxConnsPerIP, s.MaxConnsPerIP < 0},
		{"Acceptors", s.Acceptors, s.Acceptors < 0},
	} {
		if f.negative {
			return fmt.Errorf("server: %s is negative: %v", f.name, f.v)
		}
	}
	return nil
}
