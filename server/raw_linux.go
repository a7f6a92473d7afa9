package server

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
	"github.com/tinyhttpd/tinyhttpd/internal/waitset"
)

// Raw accepts. On Linux each acceptor of a TCP listener runs an event loop
// of its own: an epoll instance holding the listener, the connections whose
// request is still coming, and an eventfd that wakes it; the instance is
// waited on through Go's poller, so the acceptor parks like any goroutine.
// It accepts with accept4 and starts each exchange on the bare descriptor,
// with no net.Conn: an exchange answered on the acceptor costs accept4, two
// reads, sendmsg and close, and none of what Go's netFD adds (registering
// with the poller and leaving it, getsockname, TCP_NODELAY, a finalizer). A
// connection whose request is incomplete stays in the acceptor's epoll
// instance until the rest arrives, holding no goroutine and no buffer. An
// exchange that must wait otherwise becomes a *net.TCPConn (net.FileConn)
// in a goroutine of its own.

// Tokens of the epoll events that are not held connections'.
const (
	listenerToken = -1
	wakeToken     = -2
)

// rawListener is a TCP listener whose acceptors accept raw. SetDeadline
// and Close reach every acceptor through its eventfd.
type rawListener struct {
	*net.TCPListener
	rc syscall.RawConn
	// deadline (Unix nanoseconds, 0 for none) and isClosed are read by
	// every acceptor on every turn of its loop, so they are atomic rather
	// than under mu, which guards sources.
	deadline atomic.Int64
	isClosed atomic.Bool
	mu       sync.Mutex
	sources  []*rawSource
}

// rawSources returns, for a TCP listener, the listener that stands for l
// and the sources of k acceptors that accept from it raw; for other
// listeners, or if the system refuses an epoll instance, nils.
func rawSources(l net.Listener, k int) (net.Listener, []source) {
	tl, ok := l.(*net.TCPListener)
	if !ok {
		return nil, nil
	}
	rc, err := tl.SyscallConn()
	if err != nil {
		return nil, nil
	}
	rl := &rawListener{TCPListener: tl, rc: rc}
	srcs := make([]source, 0, k)
	for range k {
		s, err := newRawSource(rl)
		if err != nil {
			for _, s := range slices.Clone(rl.sources) {
				s.close(nil)
			}
			return nil, nil
		}
		rl.mu.Lock()
		rl.sources = append(rl.sources, s)
		rl.mu.Unlock()
		srcs = append(srcs, s)
	}
	return rl, srcs
}

// SetDeadline ends the acceptors' waits for new connections at t.
func (l *rawListener) SetDeadline(t time.Time) error {
	var ns int64
	if !t.IsZero() {
		ns = t.UnixNano()
	}
	l.deadline.Store(ns)
	l.wakeAll()
	return nil
}

// Unwrap returns the TCP listener.
func (l *rawListener) Unwrap() net.Listener { return l.TCPListener }

// Close stops listening.
func (l *rawListener) Close() error {
	l.isClosed.Store(true)
	err := l.TCPListener.Close()
	l.wakeAll()
	return err
}

// wakeAll wakes every acceptor still running. Under l.mu, so that an
// eventfd is never written once its source has closed it and the number
// may name another descriptor.
func (l *rawListener) wakeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.sources {
		socket.Wake(s.evfd)
	}
}

// state returns the deadline and whether the listener is closed.
func (l *rawListener) state() (time.Time, bool) {
	var deadline time.Time
	if ns := l.deadline.Load(); ns != 0 {
		deadline = time.Unix(0, ns)
	}
	return deadline, l.isClosed.Load()
}

// rawSource is one acceptor's event loop on a rawListener, with the
// transport it lends each exchange it starts or takes up again: an
// acceptor goes on with one at a time, and hands the connection over before
// the next.
type rawSource struct {
	l        *rawListener
	ep       *os.File // the epoll instance, waited on through Go's poller
	erc      syscall.RawConn
	epfd     int
	evfd     int
	waitFn   func(uintptr) bool
	acceptFn func(uintptr)
	events   [64]socket.EpollEvent
	nev, iev int
	// listenerReady: the listener had a connection queued when last
	// looked at, so accept4 is tried before waiting again; the first
	// accept of a burst clears it.
	listenerReady bool
	// acceptsInARow counts the accepts since the events were last taken.
	acceptsInARow int
	// burst: a connection has been accepted since the epoll instance last
	// showed the listener's queue empty. The first accept of a burst does
	// not keep listenerReady: the loop asks the epoll instance again, which
	// it must before it parks anyway, instead of an accept4 that, at low
	// load, finds the queue empty. The later ones accept until the queue is.
	burst        bool
	held         waitset.Set[heldExchange]
	waitDeadline time.Time // ep's read deadline, as last set

	t     rawTransport
	peer  netip.AddrPort
	errno syscall.Errno
}

func newRawSource(l *rawListener) (*rawSource, error) {
	epfd, err := socket.EpollCreate()
	if err != nil {
		return nil, err
	}
	s := &rawSource{l: l, epfd: epfd, evfd: -1}
	fail := func(err error) (*rawSource, error) {
		s.close(nil)
		return nil, err
	}
	if s.evfd, err = socket.Eventfd(); err != nil {
		return fail(err)
	}
	if err := socket.EpollAdd(epfd, s.evfd, socket.EpollEvent{Events: socket.EventIn, Fd: wakeToken}); err != nil {
		return fail(err)
	}
	var serr error
	err = l.rc.Control(func(fd uintptr) {
		serr = socket.EpollAdd(epfd, int(fd), socket.EpollEvent{Events: socket.EventIn, Fd: listenerToken})
	})
	if err = errors.Join(err, serr); err != nil {
		return fail(err)
	}
	s.ep = os.NewFile(uintptr(epfd), "epoll")
	if s.erc, err = s.ep.SyscallConn(); err != nil {
		return fail(err)
	}
	s.waitFn, s.acceptFn = s.epollWait, s.accept4
	return s, nil
}

// maxAcceptsInARow bounds the connections next accepts before it looks
// for events of the exchanges it holds again, so that a flood of new
// connections cannot starve them.
const maxAcceptsInARow = 16

// next waits for a new connection, or for a held exchange that can go on.
// The exchanges held come first: finishing them frees what new connections
// need, descriptors among them.
func (s *rawSource) next() (arrival, error) {
	for {
		for s.iev < s.nev {
			ev := s.events[s.iev]
			s.iev++
			switch ev.Fd {
			case listenerToken:
				s.listenerReady = true
			case wakeToken:
				socket.Drain(s.evfd)
			default:
				if h := s.held.Take(s.epfd, ev); h != nil {
					s.t = rawTransport{fd: h.FD}
					return arrival{held: &h.Value, t: &s.t}, nil
				}
			}
		}
		now := time.Now()
		if h := s.held.Expired(s.epfd, now); h != nil {
			s.t = rawTransport{fd: h.FD}
			return arrival{held: &h.Value, t: &s.t, expired: true}, nil
		}
		deadline, closed := s.l.state()
		switch {
		case closed:
			return arrival{}, net.ErrClosed
		case !deadline.IsZero() && !now.Before(deadline):
			return arrival{}, os.ErrDeadlineExceeded
		}
		if s.listenerReady {
			if s.acceptsInARow++; s.acceptsInARow > maxAcceptsInARow && s.held.Len() > 0 {
				s.epollWait(uintptr(s.epfd))
				continue
			}
			if err := s.l.rc.Control(s.acceptFn); err != nil {
				return arrival{}, err
			}
			switch s.errno {
			case 0:
				if !s.burst {
					s.burst, s.listenerReady = true, false
				}
				return arrival{t: &s.t, peer: s.peer}, nil
			case syscall.EINTR, syscall.ECONNABORTED:
				continue
			}
			s.listenerReady, s.burst = false, false
			if s.errno == syscall.EAGAIN {
				continue
			}
			return arrival{}, os.NewSyscallError("accept4", s.errno)
		}
		if err := s.wait(deadline); err != nil {
			return arrival{}, err
		}
	}
}

// accept4 accepts one connection from the listener's descriptor, under
// the listener's RawConn.Control, so that the descriptor cannot be closed
// meanwhile.
func (s *rawSource) accept4(lfd uintptr) {
	fd, peer, errno := socket.Accept4(int(lfd))
	s.t, s.peer, s.errno = rawTransport{fd: fd}, peer, errno
}

// wait waits until the epoll instance has events, or the earlier of the
// listener's deadline and the first held exchange's passes.
func (s *rawSource) wait(listenerDeadline time.Time) error {
	d := s.held.FirstDeadline()
	if d.IsZero() || !listenerDeadline.IsZero() && listenerDeadline.Before(d) {
		d = listenerDeadline
	}
	if !d.Equal(s.waitDeadline) {
		s.ep.SetReadDeadline(d)
		s.waitDeadline = d
	}
	err := s.erc.Read(s.waitFn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil // next looks at what the deadline was for
	}
	return err
}

// epollWait is the callback of the epoll instance's RawConn.Read: it takes
// the events ready, or asks to wait until there are some. Events without
// the listener's end a burst: its queue was empty.
func (s *rawSource) epollWait(fd uintptr) bool {
	n, errno := socket.EpollWaitNow(int(fd), s.events[:])
	for errno == syscall.EINTR {
		n, errno = socket.EpollWaitNow(int(fd), s.events[:])
	}
	if errno != 0 {
		return false
	}
	s.nev, s.iev, s.acceptsInARow = n, 0, 0
	if s.burst && !slices.ContainsFunc(s.events[:n], isListenerEvent) {
		s.burst = false
	}
	return n > 0
}

func isListenerEvent(ev socket.EpollEvent) bool { return ev.Fd == listenerToken }

// hold keeps ex in the epoll instance until more of its request arrives.
// The held exchange lives in the item; the next Add that reuses the item
// starts from a zero value, so the bytes an exchange taken up again still
// points to (its pending) are never written over.
func (s *rawSource) hold(ex *exchange) bool {
	h := s.held.Add(s.epfd, ex.t.(*rawTransport).fd, ex.rec.Start.Add(ex.srv.readTimeout()))
	if h == nil {
		return false
	}
	ex.park(&h.Value)
	return true
}

// close hands every held exchange to each (if not nil) and frees the
// epoll instance and the eventfd.
func (s *rawSource) close(each func(*heldExchange, transport)) {
	for _, h := range s.held.All(s.epfd) {
		if each != nil {
			each(&h.Value, &rawTransport{fd: h.FD})
		} else {
			socket.Close(h.FD)
		}
	}
	if s.ep != nil {
		s.ep.Close()
	} else {
		socket.Close(s.epfd)
	}
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	s.l.sources = slices.DeleteFunc(s.l.sources, func(o *rawSource) bool { return o == s })
	if s.evfd >= 0 {
		socket.Close(s.evfd)
		s.evfd = -1
	}
}

// rawTransport is a connection's bare, non-blocking descriptor.
type rawTransport struct {
	fd   int
	file *os.File // owns fd once conn has been tried
}

func (t *rawTransport) readNow(p []byte) (int, error) { return socket.ReadNow(t.fd, p) }

func (t *rawTransport) writeNow(parts [][]byte) (int, error) { return socket.WriteNow(t.fd, parts) }

// conn makes the descriptor a *net.TCPConn, which has a descriptor of its
// own, and closes the bare one.
func (t *rawTransport) conn() (net.Conn, error) {
	if t.file == nil {
		t.file = os.NewFile(uintptr(t.fd), "")
	}
	c, err := net.FileConn(t.file)
	if err != nil {
		return nil, err
	}
	t.close()
	return c, nil
}

func (t *rawTransport) close() error {
	var err error
	if t.file != nil {
		err = t.file.Close()
	} else if errno := socket.Close(t.fd); errno != 0 {
		err = os.NewSyscallError("close", errno)
	}
	t.fd, t.file = -1, nil
	return err
}
