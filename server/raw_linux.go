package server

import (
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

// Raw accepts (the raw path of doc.go). An acceptor accepts with accept4
// and starts each exchange on the bare descriptor, with no net.Conn, so
// that an exchange answered on the acceptor costs accept4, two reads,
// sendmsg and close, and none of what Go's netFD adds (registering with the
// poller and leaving it, getsockname, TCP_NODELAY, a finalizer).

// rawListener is a TCP listener whose acceptors accept raw. SetDeadline
// and Close reach every acceptor through its eventfd.
type rawListener struct {
	*net.TCPListener
	rc syscall.RawConn
	// deadline (the zero Time for none) and isClosed are read by every
	// acceptor on every turn of its loop, so they are atomic rather than
	// under mu, which guards sources.
	deadline atomic.Pointer[time.Time]
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
	rl.deadline.Store(new(time.Time))
	srcs := make([]source, 0, k)
	for range k {
		held, err := waitset.New[heldExchange](rc)
		if err != nil {
			for _, s := range slices.Clone(rl.sources) {
				s.close(nil)
			}
			return nil, nil
		}
		s := &rawSource{l: rl, held: held}
		s.acceptFn = s.accept4
		rl.mu.Lock()
		rl.sources = append(rl.sources, s)
		rl.mu.Unlock()
		srcs = append(srcs, s)
	}
	return rl, srcs
}

// SetDeadline ends the acceptors' waits for new connections at t.
func (l *rawListener) SetDeadline(t time.Time) error {
	l.deadline.Store(&t)
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
		s.held.Wake()
	}
}

// rawSource is one acceptor's event loop on a rawListener, with the
// transport it lends each exchange it starts or takes up again: an
// acceptor goes on with one at a time, and hands the connection over before
// the next.
type rawSource struct {
	l        *rawListener
	held     *waitset.Set[heldExchange] // the epoll instance and what it holds
	acceptFn func(uintptr)
	// listenerReady: the listener had a connection queued when last
	// looked at, so accept4 is tried before waiting again; the first
	// accept of a burst clears it.
	listenerReady bool
	// acceptsInARow counts the accepts since the last Wait or Poll.
	acceptsInARow int
	// burst: a connection has been accepted since the epoll instance last
	// showed the listener's queue empty. The first accept of a burst does
	// not keep listenerReady: the loop asks the epoll instance again, which
	// it must before it parks anyway, instead of an accept4 that, at low
	// load, finds the queue empty. The later ones accept until the queue is.
	burst bool

	t     rawTransport
	peer  netip.AddrPort
	errno syscall.Errno
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
		if h := s.held.Ready(); h != nil {
			s.t = rawTransport{fd: h.FD}
			return arrival{held: &h.Value, t: &s.t}, nil
		}
		now := time.Now()
		if h := s.held.Expired(now); h != nil {
			s.t = rawTransport{fd: h.FD}
			return arrival{held: &h.Value, t: &s.t, expired: true}, nil
		}
		deadline := *s.l.deadline.Load()
		switch {
		case s.l.isClosed.Load():
			return arrival{}, net.ErrClosed
		case !deadline.IsZero() && !now.Before(deadline):
			return arrival{}, os.ErrDeadlineExceeded
		}
		if s.listenerReady {
			if s.acceptsInARow++; s.acceptsInARow > maxAcceptsInARow && s.held.Len() > 0 {
				s.looked(s.held.Poll())
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
		queued, emptied, err := s.held.Wait(deadline)
		if err != nil {
			return arrival{}, err
		}
		s.looked(queued, emptied)
	}
}

// looked notes what the epoll instance showed of the listener's queue
// when the events were taken: a queue seen empty ends a burst.
func (s *rawSource) looked(queued, emptied bool) {
	s.acceptsInARow = 0
	s.listenerReady = s.listenerReady || queued
	s.burst = s.burst && !emptied
}

// accept4 accepts one connection from the listener's descriptor, under
// the listener's RawConn.Control, so that the descriptor cannot be closed
// meanwhile.
func (s *rawSource) accept4(lfd uintptr) {
	fd, peer, errno := socket.Accept4(int(lfd))
	s.t, s.peer, s.errno = rawTransport{fd: fd}, peer, errno
}

// hold keeps ex in the epoll instance until more of its request arrives.
// The held exchange lives in the item; the next Add that reuses the item
// starts from a zero value, so the bytes an exchange taken up again still
// points to (its pending) are never written over.
func (s *rawSource) hold(ex *exchange) bool {
	h := s.held.Add(ex.t.(*rawTransport).fd, ex.rec.Start.Add(ex.srv.readTimeout()))
	if h == nil {
		return false
	}
	ex.park(&h.Value)
	return true
}

// close hands every held exchange to each (if not nil) and frees the
// epoll instance and the eventfd.
func (s *rawSource) close(each func(*heldExchange, transport)) {
	for _, h := range s.held.All() {
		if each != nil {
			each(&h.Value, &rawTransport{fd: h.FD})
		} else {
			socket.Close(h.FD)
		}
	}
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	s.l.sources = slices.DeleteFunc(s.l.sources, func(o *rawSource) bool { return o == s })
	s.held.Close()
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
