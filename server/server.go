package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Defaults for the Server fields left zero.
const (
	DefaultAddr            = "127.0.0.1:7070"
	DefaultReadTimeout     = 10 * time.Second
	DefaultWriteTimeout    = 10 * time.Second
	DefaultLingerTimeout   = 2 * time.Second
	DefaultMaxRequestBytes = 1 << 20
	DefaultMaxConns        = 10000
)

// lingerMaxBytes bounds the input discarded after an early reply. A client
// still sending past it gets its connection closed with data unread, and so a
// reset; below it the client reads the reply and a clean close.
const lingerMaxBytes = 16 << 20

var (
	// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown
	// or Close.
	ErrServerClosed = errors.New("server: Server closed")
)

// Server serves the half-close exchange. The zero value is ready to use: it
// listens on DefaultAddr and answers 404 until SetRoutes gives it a table.
// Fields must not be changed once the server is serving.
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
	// MaxConns limits the connections being served at once; connections
	// over it get 503. If zero, DefaultMaxConns.
	MaxConns int
	// Logger receives one line per exchange at Info level, and errors. If
	// nil, slog.Default().
	Logger *slog.Logger
	// OnExchange, if not nil, is called at the end of every exchange, on
	// the exchange's goroutine, after its connection is closed. The
	// Exchange is valid only during the call; OnExchange must be fast and
	// safe for concurrent use.
	OnExchange func(*Exchange)

	table atomic.Pointer[Table]
	dates dateCache
	stats counters

	mu         sync.Mutex
	listeners  map[*net.Listener]struct{}
	conns      map[net.Conn]struct{}
	rejecting  int          // connections being answered 503
	active     atomic.Int32 // connections being served: len(conns) - rejecting
	inShutdown atomic.Bool
	draining   atomic.Bool
	listening  atomic.Int32 // listeners in Serve
	closeOnce  sync.Once
	done       chan struct{} // closed by Close; ends delays
	serving    sync.WaitGroup
}

// SetRoutes makes t the table for exchanges that start from now on.
// Exchanges in flight finish on the table they started with.
func (s *Server) SetRoutes(t *Table) { s.table.Store(t) }

// Routes returns the current table, or nil before SetRoutes.
func (s *Server) Routes() *Table { return s.table.Load() }

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
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Serve accepts connections on l and serves one exchange on each, until
// Shutdown or Close, when it returns ErrServerClosed. On a TCP listener it
// reads each new connection at once, without waiting, and answers a
// complete request whose reply is small and ready right there, on the
// accepting goroutine; every other exchange runs in a goroutine of its own
// (see eager.go; on Linux, accept_linux.go). On Linux it sets TCP_CORK on
// a TCP listener, or on the one l wraps if l has an Unwrap() net.Listener
// method, so that a reply's last segment carries the FIN (see
// corkListener); a wrapper's connections must then write nothing of their
// own. Serve closes l when it returns. Temporary accept errors,
// such as running out of file descriptors, are retried with a growing
// delay.
func (s *Server) Serve(l net.Listener) error {
	corkListener(l)
	acc, l := s.newAcceptor(l)
	defer l.Close()
	if !s.trackListener(&l, true) {
		return ErrServerClosed
	}
	defer s.trackListener(&l, false)
	s.listening.Add(1)
	defer s.listening.Add(-1)
	defer acc.stop()

	var delay time.Duration
	for {
		if err := acc.accept(); err != nil {
			if s.shuttingDown() {
				return ErrServerClosed
			}
			if !isTemporary(err) {
				return err
			}
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.logger().Error("accept failed; retrying", "err", err, "delay", delay)
			if !s.sleep(delay) {
				return ErrServerClosed
			}
			continue
		}
		delay = 0
	}
}

// An acceptor accepts connections for Serve and starts their exchanges.
type acceptor interface {
	// accept accepts one connection and starts its exchange.
	accept() error
	// stop ends what the acceptor still holds when Serve returns.
	stop()
}

// newAcceptor returns the acceptor for l, and the listener to close in
// place of l: raw accepts on Linux TCP listeners (rawAcceptor), else
// l.Accept, with eager reads on other TCP listeners.
func (s *Server) newAcceptor(l net.Listener) (acceptor, net.Listener) {
	if a, lc := s.rawAcceptor(l); a != nil {
		return a, lc
	}
	_, eager := l.(*net.TCPListener)
	return &connAcceptor{s, l, eager && eagerReads}, l
}

// connAcceptor accepts net.Conn connections from a listener.
type connAcceptor struct {
	srv   *Server
	l     net.Listener
	eager bool
}

func (a *connAcceptor) accept() error {
	c, err := a.l.Accept()
	if err != nil {
		return err
	}
	a.srv.stats.accepted.Add(1)
	a.srv.startConn(c, a.eager)
	return nil
}

func (a *connAcceptor) stop() {}

// isTemporary reports whether an accept error may go away by itself.
func isTemporary(err error) bool {
	for _, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED, syscall.EINTR} {
		if errors.Is(err, errno) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// startConn tracks c and starts its goroutine: an exchange, or a 503 when
// MaxConns connections are being served. A drain changes nothing here. While
// MaxConns connections are being answered 503, further ones are closed at
// once, so a flood cannot grow the server without bound. A connection
// accepted as Shutdown began is served: its client connected before the
// listener closed, and Shutdown waits for it. After Close it is closed.
// With eager set, the exchange starts on the calling goroutine (see
// serveEager).
func (s *Server) startConn(c net.Conn, eager bool) {
	s.mu.Lock()
	if s.closedLocked() {
		s.mu.Unlock()
		c.Close()
		return
	}
	limit := s.maxConns()
	serving := len(s.conns) - s.rejecting
	reject := ""
	if serving >= limit {
		reject = "server busy: too many connections"
	}
	busy := reject != ""
	if busy && s.rejecting >= limit {
		s.mu.Unlock()
		s.stats.dropped.Add(1)
		c.Close()
		return
	}
	s.trackLocked(c, busy)
	s.serving.Add(1)
	s.mu.Unlock()

	t := s.table.Load()
	if tc, ok := c.(*net.TCPConn); ok && eager && !busy {
		s.serveEager(tc, t)
		return
	}
	go s.serveConn(c, t, reject)
}

// trackConn tracks c as being served, and reports whether the server is
// still open: after Close, c must be closed.
func (s *Server) trackConn(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trackLocked(c, false)
	s.serving.Add(1)
	return !s.closedLocked()
}

// trackLocked adds c to the connections, as one being answered 503 if busy
// is set; s.mu must be held.
func (s *Server) trackLocked(c net.Conn, busy bool) {
	if s.conns == nil {
		s.conns = make(map[net.Conn]struct{})
	}
	s.conns[c] = struct{}{}
	if busy {
		s.rejecting++
	} else {
		s.active.Add(1)
	}
}

func (s *Server) untrackConn(c net.Conn, busy bool) {
	s.mu.Lock()
	delete(s.conns, c)
	if busy {
		s.rejecting--
	} else {
		s.active.Add(-1)
	}
	s.mu.Unlock()
	s.serving.Done()
}

func (s *Server) trackListener(l *net.Listener, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.shuttingDown() {
			return false
		}
		if s.listeners == nil {
			s.listeners = make(map[*net.Listener]struct{})
		}
		s.listeners[l] = struct{}{}
		return true
	}
	delete(s.listeners, l)
	return true
}

// Shutdown stops the server gracefully: it closes the listeners, so no new
// connection is accepted, then waits for every Serve to return and every
// accepted exchange to finish. Exchanges still reading keep their
// ReadTimeout. If ctx ends first, Shutdown closes the remaining connections
// and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.inShutdown.Store(true)
	s.closeListeners()

	poll := time.Millisecond
	timer := time.NewTimer(poll)
	defer timer.Stop()
	for {
		// A Serve that has not yet returned may hold a connection that
		// Accept returned just before the listener closed.
		if s.listening.Load() == 0 && s.openConns() == 0 {
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
// Use Shutdown to let exchanges finish.
func (s *Server) Close() error {
	s.inShutdown.Store(true)
	s.closeOnce.Do(func() {
		s.mu.Lock()
		if s.done == nil {
			s.done = make(chan struct{})
		}
		close(s.done)
		s.mu.Unlock()
	})
	s.closeListeners()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.serving.Wait()
	return nil
}

// Drain starts a drain: Ready reports false, so health checks and load
// balancers see the server leave, while every connection, new ones
// included, is served as before until Shutdown or Close. It logs the start
// of a drain once.
func (s *Server) Drain() {
	if !s.draining.Swap(true) {
		s.logger().Info("drain started: not ready; connections are still served")
	}
}

// EndDrain ends a drain that Drain began: Ready reports true again. It
// reports false, and changes nothing, once Shutdown or Close has
// begun, which no drain's end undoes.
func (s *Server) EndDrain() bool {
	if s.shuttingDown() {
		return false
	}
	if s.draining.Swap(false) {
		s.logger().Info("drain ended: ready again")
	}
	return true
}

// Draining reports whether Drain, Shutdown or Close has begun.
func (s *Server) Draining() bool { return s.draining.Load() || s.shuttingDown() }

// Ready reports whether the server wants new exchanges: at least one
// listener is being served and no drain has begun.
func (s *Server) Ready() bool { return s.listening.Load() > 0 && !s.Draining() }

func (s *Server) shuttingDown() bool { return s.inShutdown.Load() }

// closedLocked reports whether Close has been called; s.mu must be held.
func (s *Server) closedLocked() bool {
	if s.done == nil {
		return false
	}
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for l := range s.listeners {
		(*l).Close()
	}
}

func (s *Server) openConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// doneChan returns the channel Close closes.
func (s *Server) doneChan() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		s.done = make(chan struct{})
	}
	return s.done
}

// sleep waits for d, or until Close; it reports whether d passed.
func (s *Server) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.doneChan():
		return false
	}
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Server) readTimeout() time.Duration  { return orDefault(s.ReadTimeout, DefaultReadTimeout) }
func (s *Server) writeTimeout() time.Duration { return orDefault(s.WriteTimeout, DefaultWriteTimeout) }
func (s *Server) lingerTimeout() time.Duration {
	return orDefault(s.LingerTimeout, DefaultLingerTimeout)
}
func (s *Server) maxRequestBytes() int64 { return orDefault(s.MaxRequestBytes, DefaultMaxRequestBytes) }
func (s *Server) maxConns() int          { return orDefault(s.MaxConns, DefaultMaxConns) }

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
