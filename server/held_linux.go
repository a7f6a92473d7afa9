package server

import (
	"container/heap"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// rawHeld is an exchange an acceptor's epoll instance holds.
type rawHeld struct {
	heldExchange
	fd       int
	slot     int32 // the index in heldSet.slots, the epoll token
	gen      int32 // told apart from an earlier holder of the slot
	deadline time.Time
	index    int // in heldSet.byDeadline
}

// heldSet is the exchanges an acceptor holds, by epoll token and by
// deadline.
type heldSet struct {
	slots      []*rawHeld
	free       []int32
	byDeadline deadlineHeap
}

// add holds ex, on descriptor fd, until its request has more to read or
// deadline passes, and releases ex. It reports false, holding nothing, if
// the epoll instance refuses fd.
func (hs *heldSet) add(epfd, fd int, ex *exchange, deadline time.Time) bool {
	var h *rawHeld
	if n := len(hs.free); n > 0 {
		h = hs.slots[hs.free[n-1]]
		hs.free = hs.free[:n-1]
		h.gen++
	} else {
		h = &rawHeld{slot: int32(len(hs.slots)), index: -1}
		hs.slots = append(hs.slots, h)
	}
	ev := socket.EpollEvent{Events: socket.EventIn | socket.EventRDHup, Fd: h.slot, Pad: h.gen}
	if socket.EpollAdd(epfd, fd, ev, false) != nil {
		hs.free = append(hs.free, h.slot)
		return false
	}
	h.fd, h.deadline = fd, deadline
	h.pending = nil // the last holder's went with its exchange
	ex.park(&h.heldExchange)
	heap.Push(&hs.byDeadline, h)
	return true
}

// take removes and returns the exchange an event of token slot and
// generation gen is for, or nil if it is no longer held.
func (hs *heldSet) take(epfd int, slot, gen int32) *rawHeld {
	if slot < 0 || int(slot) >= len(hs.slots) {
		return nil
	}
	h := hs.slots[slot]
	if h.index < 0 || h.gen != gen {
		return nil
	}
	hs.remove(epfd, h)
	return h
}

// expired removes and returns an exchange whose deadline has passed, or
// nil.
func (hs *heldSet) expired(epfd int, now time.Time) *rawHeld {
	if len(hs.byDeadline) == 0 || hs.byDeadline[0].deadline.After(now) {
		return nil
	}
	h := hs.byDeadline[0]
	hs.remove(epfd, h)
	return h
}

// len is the number of exchanges held.
func (hs *heldSet) len() int { return len(hs.byDeadline) }

// firstDeadline is the earliest deadline held, or zero.
func (hs *heldSet) firstDeadline() time.Time {
	if len(hs.byDeadline) == 0 {
		return time.Time{}
	}
	return hs.byDeadline[0].deadline
}

// all removes and returns every exchange held.
func (hs *heldSet) all(epfd int) []*rawHeld {
	held := append([]*rawHeld(nil), hs.byDeadline...)
	for _, h := range held {
		hs.remove(epfd, h)
	}
	return held
}

func (hs *heldSet) remove(epfd int, h *rawHeld) {
	socket.EpollDel(epfd, h.fd)
	heap.Remove(&hs.byDeadline, h.index)
	hs.free = append(hs.free, h.slot)
}

// deadlineHeap orders held exchanges by deadline, earliest first.
type deadlineHeap []*rawHeld

func (d deadlineHeap) Len() int           { return len(d) }
func (d deadlineHeap) Less(i, j int) bool { return d[i].deadline.Before(d[j].deadline) }
func (d deadlineHeap) Swap(i, j int) {
	d[i], d[j] = d[j], d[i]
	d[i].index, d[j].index = i, j
}
func (d *deadlineHeap) Push(x any) {
	h := x.(*rawHeld)
	h.index = len(*d)
	*d = append(*d, h)
}
func (d *deadlineHeap) Pop() any {
	old := *d
	h := old[len(old)-1]
	old[len(old)-1] = nil
	h.index = -1
	*d = old[:len(old)-1]
	return h
}
