package server

import (
	"context"
	"net"
	"net/netip"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// A source is where one acceptor's connections come from.
type source interface {
	// next waits for what comes next, until the listener's deadline: a new
	// connection, or an exchange the source held that can go on.
	next() (arrival, error)
	// hold keeps ex, whose request is incomplete and whose bytes so far are
	// read, until more arrives or its ReadTimeout passes, and releases ex;
	// it reports false, keeping nothing, if the source cannot.
	hold(ex *exchange) bool
	// close ends the source: each exchange it still holds is handed to
	// each, with its transport, and what the source owns is freed.
	close(each func(*heldExchange, transport))
}

// arrival is what a source hands its acceptor: one of
//   - t and peer: a new connection, which the acceptor starts;
//   - c: a new connection served in a goroutine from the start;
//   - held and t: an exchange the source held, whose request has more to
//     read, or whose ReadTimeout passed (expired).
type arrival struct {
	t       transport
	peer    netip.AddrPort
	c       net.Conn
	held    *heldExchange
	expired bool
}

// netSource accepts with a net.Listener's Accept; with eager set, each TCP
// connection starts on its acceptor through a connTransport. It holds no
// exchange: one that waits does so in a goroutine (waitAndRun).
type netSource struct {
	l     net.Listener
	eager bool
}

func (s netSource) next() (arrival, error) {
	c, err := s.l.Accept()
	if err != nil {
		return arrival{}, err
	}
	if s.eager {
		if t := newConnTransport(c); t != nil {
			return arrival{t: t, peer: remoteAddr(c)}, nil
		}
	}
	return arrival{c: c}, nil
}

func (netSource) hold(*exchange) bool                  { return false }
func (netSource) close(func(*heldExchange, transport)) {}

// acceptPath says how Serve accepts connections; tests choose one.
type acceptPath uint8

const (
	pathAuto     acceptPath = iota // raw on Linux TCP listeners, else portable or plain
	pathPortable                   // Accept, and connTransport on Unix TCP connections
	pathPlain                      // Accept, and a goroutine for every connection
)

// sources returns the listener that stands for l, and the sources of k
// acceptors.
func (s *Server) sources(l net.Listener, k int) (net.Listener, []source) {
	path := s.path
	if s.TLSConfig != nil {
		path = pathPlain // a TLS exchange needs a net.Conn from the start
	}
	if path == pathAuto {
		if rl, srcs := rawSources(l, k); rl != nil {
			return rl, srcs
		}
	}
	_, tcp := l.(*net.TCPListener)
	src := netSource{l: l, eager: tcp && path != pathPlain}
	srcs := make([]source, k)
	for i := range srcs {
		srcs[i] = src
	}
	return l, srcs
}

// acceptor accepts connections from one source and starts their exchanges.
type acceptor struct {
	srv *Server
	l   net.Listener // what the acceptor's source accepts from
	// shared: l stays open in another process (Server.ListenersShared).
	shared bool
	src    source
	stats  *acceptorCounters
	// stalled is an exchange that must leave the acceptor but could not,
	// for want of a file descriptor: the acceptor tries again before
	// accepting more, while its loop backs off.
	stalled     *exchange
	stalledNext next
}

// acceptorCounters are one acceptor's counters.
type acceptorCounters struct {
	id               int
	accepted, inline atomic.Uint64
}

// run accepts until the server shuts down, when it first accepts and
// serves what the listener has queued, or until Close or a lasting error.
// It runs with the profiler label acceptor=<id>.
func (a *acceptor) run() (err error) {
	labels := pprof.Labels("acceptor", strconv.Itoa(a.stats.id))
	pprof.Do(context.Background(), labels, func(context.Context) { err = a.loop() })
	return err
}

func (a *acceptor) loop() error {
	s := a.srv
	var delay time.Duration
	for {
		err := a.acceptOne()
		if err == nil {
			delay = 0
			continue
		}
		if s.shuttingDown() {
			s.drainQueue(a.l, a.acceptOne, a.shared)
			a.stop()
			return ErrServerClosed
		}
		if !socket.IsTemporary(err) {
			a.stop()
			return err
		}
		delay = min(max(2*delay, 5*time.Millisecond), time.Second)
		s.logger().Error("accept failed; retrying", "err", err, "delay", delay)
		if !s.sleep(delay) {
			a.stop()
			return ErrServerClosed
		}
	}
}

// acceptOne takes what comes next from the source and goes on with it.
func (a *acceptor) acceptOne() error {
	if ex := a.stalled; ex != nil {
		a.stalled = nil
		return a.handOff(ex, a.stalledNext)
	}
	arr, err := a.src.next()
	if err != nil {
		return err
	}
	s := a.srv
	var ex *exchange
	first := false
	switch {
	case arr.held != nil:
		ex = arr.held.unpark(s)
		ex.t = arr.t
		if arr.expired {
			return a.handOff(ex, nextGoroutine) // its reads see the deadline passed: 408
		}
	case arr.c != nil:
		s.stats.accepted.Add(1)
		a.stats.accepted.Add(1)
		// Tracked here, before the acceptor can stop, so that Close and
		// Shutdown, which wait for the acceptors first, always see it.
		adm := s.admitConn()
		if adm.verdict == dropped {
			arr.c.Close()
			return nil
		}
		if !s.trackConn(arr.c) { // Close came first
			s.release(adm)
			arr.c.Close()
			s.untrackConn(arr.c)
			return nil
		}
		go s.servePlain(arr.c, time.Now(), adm)
		return nil
	default:
		s.stats.accepted.Add(1)
		a.stats.accepted.Add(1)
		adm := s.admit(arr.peer.Addr())
		if adm.verdict == dropped {
			arr.t.close()
			return nil
		}
		ex = s.newExchange(time.Now(), arr.peer, adm, s.table.Load())
		ex.t = arr.t
		if adm.verdict != admitted {
			return a.handOff(ex, nextGoroutine)
		}
		first = true
	}
	n := ex.begin(first)
	if n == nextInline {
		a.stats.inline.Add(1)
		return nil
	}
	return a.handOff(ex, n)
}

// handOff goes on with an exchange that cannot end on the acceptor: the
// source holds one that waits for more of its request, if it can; else the
// exchange leaves for a goroutine.
func (a *acceptor) handOff(ex *exchange, n next) error {
	if n == nextWait && a.src.hold(ex) {
		return nil
	}
	if err := ex.leave(); err != nil {
		a.stalled, a.stalledNext = ex, n
		return err
	}
	if n == nextWait {
		go ex.waitAndRun()
	} else {
		go ex.run()
	}
	return nil
}

// stop ends what the acceptor still has when it stops: an exchange left
// stalled ends aborted; those its source holds go on in goroutines of
// their own, unless Close has begun, when they end aborted too.
func (a *acceptor) stop() {
	if ex := a.stalled; ex != nil {
		a.stalled = nil
		a.abort(ex)
	}
	a.src.close(func(h *heldExchange, t transport) {
		ex := h.unpark(a.srv)
		ex.t = t
		if a.srv.isClosed.Load() || ex.leave() != nil {
			a.abort(ex)
			return
		}
		go ex.waitAndRun()
	})
}

// abort ends an exchange unanswered as the acceptor stops; unless Close
// asked for that, Shutdown reports it.
func (a *acceptor) abort(ex *exchange) {
	if !a.srv.isClosed.Load() {
		a.srv.unanswered.Add(1)
	}
	ex.rec.End = EndAborted
	ex.finish()
}

// servePlain serves a connection that has no transport, admitted and
// tracked by its acceptor, in a goroutine of its own from the start: a
// connection behind the PROXY protocol, whose client address the header
// read first names, or any connection where there is no transport.
func (s *Server) servePlain(c net.Conn, start time.Time, adm admission) {
	clearLabels()
	c.SetReadDeadline(start.Add(s.readTimeout()))
	remote := remoteAddr(c)
	s.admitFrom(&adm, remote.Addr())
	if adm.verdict == dropped {
		c.Close()
		s.untrackConn(c)
		return
	}
	ex := s.newExchange(start, remote, adm, s.table.Load())
	ex.tracked = true
	if s.TLSConfig != nil {
		ex.base = c
		c.SetWriteDeadline(start.Add(s.readTimeout()))
		if !ex.startTLS(c, s.TLSConfig) {
			ex.finish()
			return
		}
		ex.run()
		return
	}
	ex.conn, ex.wconn = c, c
	if wc, ok := c.(writeConner); ok {
		ex.wconn = wc.WriteConn()
	}
	ex.run()
}

// drainQuiet is how long a listener must stay without a new connection, as
// it is drained at shutdown, before it closes; drainMax bounds the drain.
const (
	drainQuiet = 100 * time.Millisecond
	drainMax   = time.Second
)

// drainQueue accepts and serves, before l closes at shutdown, the connections
// it has queued: closing a listener resets the connections in its queue,
// whose clients were told they had connected. New connection requests are
// refused first where the system can (socket.PauseAccepting), unless l is
// shared (Server.ListenersShared); the drain ends once none has come for
// drainQuiet and those a deferred accept held back have settled, or after
// drainMax or that; a failed accept is retried. Where the system tells the
// queue's length (socket.Queued), the drain of a listener that is not
// shared goes on while the queue is not empty, for up to drainMax more: an
// accept whose deadline passed while its goroutine waited for a CPU says
// nothing of the connections queued meanwhile.
func (s *Server) drainQueue(l net.Listener, accept func() error, shared bool) {
	tl := socket.TCPListenerOf(l)
	if shared {
		tl = nil // a shared socket keeps its queue open past us
	}
	var settle time.Duration
	if tl != nil {
		settle, _ = socket.PauseAccepting(tl)
	}
	d, ok := l.(deadliner)
	if !ok {
		return
	}
	queued := func() bool {
		if tl == nil {
			return false
		}
		n, ok := socket.Queued(tl)
		return ok && n > 0
	}
	start := time.Now()
	end := start.Add(max(drainMax, settle+drainQuiet))
	for {
		now, limit := time.Now(), end
		if !now.Before(end) {
			// Past its time, the drain goes on only for what is queued.
			if limit = end.Add(drainMax); !now.Before(limit) || !queued() {
				return
			}
		}
		quiet := now.Add(min(drainQuiet, limit.Sub(now)))
		d.SetDeadline(quiet)
		switch err := accept(); {
		case err != nil && time.Now().Before(quiet):
			if !socket.IsTemporary(err) || !s.sleep(5*time.Millisecond) {
				return // closed, or a lasting error
			}
		case err != nil && time.Since(start) >= settle && !queued():
			return // quiet for drainQuiet, no handshake left to settle, none queued
		}
	}
}

// deadliner is a listener whose Accept can be given a deadline.
type deadliner interface {
	SetDeadline(time.Time) error
}

// corkListener sets TCP_CORK on the TCP listener l is or wraps; the
// connections it accepts inherit it. A corked connection sends only full
// segments until it is closed or half-closed, and then sends what is left
// with the FIN. Every exchange ends so, right after its last write, so a
// small reply and the FIN leave in one segment instead of two: the client
// wakes once, with the reply and the EOF together, and both ends process a
// packet less. A reply is never held: the close follows the write.
//
// A wrapper's connections must write only what Serve writes, as the PROXY
// protocol's do: one that wrote on its own and then waited, as a TLS
// handshake does, would have its writes held by the cork.
func corkListener(l net.Listener) {
	if tl := socket.TCPListenerOf(l); tl != nil {
		socket.SetCork(tl)
	}
}
