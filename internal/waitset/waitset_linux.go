package waitset

import (
	"container/heap"
	"errors"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// Tokens of the events that are not held descriptors'.
const (
	listenerToken = -1
	wakeToken     = -2
)

// Item is a descriptor a Set holds, with its value.
type Item[T any] struct {
	Value    T
	FD       int
	slot     int32 // the index in Set.slots, the epoll token
	gen      int32 // told apart from an earlier holder of the slot
	deadline time.Time
	index    int // in Set.byDeadline; -1 when not held
}

// Set is an event loop's epoll instance with the descriptors it holds, by
// token and by deadline.
type Set[T any] struct {
	epfd, evfd int
	ep         *os.File // epfd, waited on through Go's poller
	erc        syscall.RawConn
	waitFn     func(uintptr) bool
	events     [64]socket.EpollEvent
	nev, iev   int
	// queued: the last look's events named the listener; emptied: a
	// look since Wait or Poll began did not.
	queued, emptied bool
	waitDeadline    time.Time // ep's read deadline, as last set

	slots      []*Item[T]
	free       []int32
	byDeadline deadlines[T]
}

// New returns an empty Set whose instance watches the listening socket
// behind listener for connections queued.
func New[T any](listener syscall.RawConn) (*Set[T], error) {
	epfd, err := socket.EpollCreate()
	if err != nil {
		return nil, err
	}
	s := &Set[T]{epfd: epfd, evfd: -1}
	fail := func(err error) (*Set[T], error) {
		s.Close()
		return nil, err
	}
	if s.evfd, err = socket.Eventfd(); err != nil {
		return fail(err)
	}
	if err := socket.EpollAdd(epfd, s.evfd, socket.EpollEvent{Events: socket.EventIn, Fd: wakeToken}); err != nil {
		return fail(err)
	}
	var aerr error
	err = listener.Control(func(fd uintptr) {
		aerr = socket.EpollAdd(epfd, int(fd), socket.EpollEvent{Events: socket.EventIn, Fd: listenerToken})
	})
	if err = errors.Join(err, aerr); err != nil {
		return fail(err)
	}
	s.ep = os.NewFile(uintptr(epfd), "epoll")
	if s.erc, err = s.ep.SyscallConn(); err != nil {
		return fail(err)
	}
	s.waitFn = s.take
	return s, nil
}

// Wait waits until the instance has events, or until the earlier of
// deadline (if not zero) and the first held deadline passes, and takes
// the events. It reports whether the last look at the instance showed
// connections queued on the listener, and whether any look showed its
// queue empty, as the look before parking does. A deadline that passes
// is not an error. The events taken before, which Ready had not yet
// returned, are dropped: call Ready until it returns nil first.
func (s *Set[T]) Wait(deadline time.Time) (queued, emptied bool, err error) {
	if d := s.FirstDeadline(); deadline.IsZero() || !d.IsZero() && d.Before(deadline) {
		deadline = d
	}
	if !deadline.Equal(s.waitDeadline) {
		s.ep.SetReadDeadline(deadline)
		s.waitDeadline = deadline
	}
	s.queued, s.emptied = false, false
	err = s.erc.Read(s.waitFn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		err = nil
	}
	return s.queued, s.emptied, err
}

// Poll takes the events ready now, without waiting, and reports as Wait
// does; like Wait, it drops the events Ready had not yet returned.
func (s *Set[T]) Poll() (queued, emptied bool) {
	s.queued, s.emptied = false, false
	s.take(uintptr(s.epfd))
	return s.queued, s.emptied
}

// take looks at the instance: it takes the events ready, and reports
// whether there were any.
func (s *Set[T]) take(fd uintptr) bool {
	n, errno := socket.EpollWaitNow(int(fd), s.events[:])
	for errno == syscall.EINTR {
		n, errno = socket.EpollWaitNow(int(fd), s.events[:])
	}
	if errno != 0 {
		return false
	}
	s.nev, s.iev = n, 0
	s.queued = slices.ContainsFunc(s.events[:n], func(ev socket.EpollEvent) bool { return ev.Fd == listenerToken })
	s.emptied = s.emptied || !s.queued
	return n > 0
}

// Ready removes and returns the next held item the events taken show
// input or a half-close for, or nil when there is none left.
func (s *Set[T]) Ready() *Item[T] {
	for s.iev < s.nev {
		ev := s.events[s.iev]
		s.iev++
		switch ev.Fd {
		case listenerToken:
		case wakeToken:
			socket.Drain(s.evfd)
		default:
			if it := s.take1(ev); it != nil {
				return it
			}
		}
	}
	return nil
}

// Wake makes a Wait in another goroutine return, or the next Wait if none
// is waiting. It may be called at any time before Close. The wake-up stays
// pending, and every Wait returns at once, until Ready has passed its
// event.
func (s *Set[T]) Wake() { socket.Wake(s.evfd) }

// Close frees the epoll instance and the eventfd. The descriptors still
// held (see All) stay open.
func (s *Set[T]) Close() {
	if s.ep != nil {
		s.ep.Close()
	} else if s.epfd >= 0 {
		socket.Close(s.epfd)
	}
	if s.evfd >= 0 {
		socket.Close(s.evfd)
	}
	s.ep, s.epfd, s.evfd = nil, -1, -1
}

// Add holds fd until it has input or the peer half-closes, or deadline
// passes, and returns its Item, whose Value is the zero value for the
// caller to fill. It returns nil, holding nothing, if the epoll instance
// refuses fd.
//
// An item that Ready, Expired or All returns is reused, Value and all, by
// a later Add: the caller takes what it needs from it first.
func (s *Set[T]) Add(fd int, deadline time.Time) *Item[T] {
	var it *Item[T]
	if n := len(s.free); n > 0 {
		it = s.slots[s.free[n-1]]
		s.free = s.free[:n-1]
		it.gen++
	} else {
		it = &Item[T]{slot: int32(len(s.slots)), index: -1}
		s.slots = append(s.slots, it)
	}
	ev := socket.EpollEvent{Events: socket.EventIn | socket.EventRDHup, Fd: it.slot, Pad: it.gen}
	if socket.EpollAdd(s.epfd, fd, ev) != nil {
		s.free = append(s.free, it.slot)
		return nil
	}
	var zero T
	it.Value, it.FD, it.deadline = zero, fd, deadline
	heap.Push(&s.byDeadline, it)
	return it
}

// take1 removes and returns the item an event of a held descriptor is
// for, or nil if it is no longer held.
func (s *Set[T]) take1(ev socket.EpollEvent) *Item[T] {
	if int(ev.Fd) >= len(s.slots) {
		return nil
	}
	it := s.slots[ev.Fd]
	if it.index < 0 || it.gen != ev.Pad {
		return nil
	}
	s.remove(it)
	return it
}

// Expired removes and returns an item whose deadline is not after now, or
// nil.
func (s *Set[T]) Expired(now time.Time) *Item[T] {
	if len(s.byDeadline) == 0 || s.byDeadline[0].deadline.After(now) {
		return nil
	}
	it := s.byDeadline[0]
	s.remove(it)
	return it
}

// Len returns the number of items held.
func (s *Set[T]) Len() int { return len(s.byDeadline) }

// FirstDeadline returns the earliest deadline held, or the zero Time.
func (s *Set[T]) FirstDeadline() time.Time {
	if len(s.byDeadline) == 0 {
		return time.Time{}
	}
	return s.byDeadline[0].deadline
}

// All removes and returns every item held.
func (s *Set[T]) All() []*Item[T] {
	held := append([]*Item[T](nil), s.byDeadline...)
	for _, it := range held {
		s.remove(it)
	}
	return held
}

func (s *Set[T]) remove(it *Item[T]) {
	socket.EpollDel(s.epfd, it.FD)
	heap.Remove(&s.byDeadline, it.index)
	s.free = append(s.free, it.slot)
}

// deadlines orders held items by deadline, earliest first.
type deadlines[T any] []*Item[T]

func (d deadlines[T]) Len() int           { return len(d) }
func (d deadlines[T]) Less(i, j int) bool { return d[i].deadline.Before(d[j].deadline) }
func (d deadlines[T]) Swap(i, j int) {
	d[i], d[j] = d[j], d[i]
	d[i].index, d[j].index = i, j
}
func (d *deadlines[T]) Push(x any) {
	it := x.(*Item[T])
	it.index = len(*d)
	*d = append(*d, it)
}
func (d *deadlines[T]) Pop() any {
	old := *d
	it := old[len(old)-1]
	old[len(old)-1] = nil
	it.index = -1
	*d = old[:len(old)-1]
	return it
}
