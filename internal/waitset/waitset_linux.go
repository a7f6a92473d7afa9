package waitset

import (
	"container/heap"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
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

// Set is the descriptors an event loop holds in its epoll instance, by
// token and by deadline. The zero Set is empty and ready to use.
type Set[T any] struct {
	slots      []*Item[T]
	free       []int32
	byDeadline deadlines[T]
}

// Add holds fd in the epoll instance epfd until it has input or the peer
// half-closes, or deadline passes, and returns its Item, whose Value is the
// zero value for the caller to fill. It returns nil, holding nothing, if
// the epoll instance refuses fd.
func (s *Set[T]) Add(epfd, fd int, deadline time.Time) *Item[T] {
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
	if socket.EpollAdd(epfd, fd, ev) != nil {
		s.free = append(s.free, it.slot)
		return nil
	}
	var zero T
	it.Value, it.FD, it.deadline = zero, fd, deadline
	heap.Push(&s.byDeadline, it)
	return it
}

// Take removes from epfd and returns the item an event is for, given the
// event's Fd and Pad, or nil if the event is not for an item still held:
// tokens below zero are the caller's own.
//
// An item that Take, Expired or All returns is reused, Value and all, by
// a later Add: the caller takes what it needs from it first.
func (s *Set[T]) Take(epfd int, ev socket.EpollEvent) *Item[T] {
	if ev.Fd < 0 || int(ev.Fd) >= len(s.slots) {
		return nil
	}
	it := s.slots[ev.Fd]
	if it.index < 0 || it.gen != ev.Pad {
		return nil
	}
	s.remove(epfd, it)
	return it
}

// Expired removes from epfd and returns an item whose deadline is not
// after now, or nil.
func (s *Set[T]) Expired(epfd int, now time.Time) *Item[T] {
	if len(s.byDeadline) == 0 || s.byDeadline[0].deadline.After(now) {
		return nil
	}
	it := s.byDeadline[0]
	s.remove(epfd, it)
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

// All removes from epfd and returns every item held.
func (s *Set[T]) All(epfd int) []*Item[T] {
	held := append([]*Item[T](nil), s.byDeadline...)
	for _, it := range held {
		s.remove(epfd, it)
	}
	return held
}

func (s *Set[T]) remove(epfd int, it *Item[T]) {
	socket.EpollDel(epfd, it.FD)
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
