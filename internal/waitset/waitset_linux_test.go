package waitset

import (
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// pair returns two connected stream sockets, closed when t ends.
func pair(t *testing.T) (a, b int) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fds[0]); syscall.Close(fds[1]) })
	return fds[0], fds[1]
}

func epoll(t *testing.T) int {
	t.Helper()
	epfd, err := socket.EpollCreate()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(epfd) })
	return epfd
}

// ready returns the events epfd has now.
func ready(t *testing.T, epfd int) []socket.EpollEvent {
	t.Helper()
	evs := make([]socket.EpollEvent, 8)
	n, errno := socket.EpollWaitNow(epfd, evs)
	if errno != 0 {
		t.Fatal(errno)
	}
	return evs[:n]
}

func TestTakeOnInputAndHalfClose(t *testing.T) {
	epfd := epoll(t)
	var s Set[string]
	a, peerA := pair(t)
	b, peerB := pair(t)
	itA := s.Add(epfd, a, time.Now().Add(time.Hour))
	itA.Value = "a"
	itB := s.Add(epfd, b, time.Now().Add(time.Hour))
	itB.Value = "b"
	if evs := ready(t, epfd); len(evs) != 0 {
		t.Fatalf("events before any input: %v", evs)
	}
	syscall.Write(peerA, []byte("more"))
	syscall.Shutdown(peerB, syscall.SHUT_WR)
	got := map[string]bool{}
	for _, ev := range ready(t, epfd) {
		it := s.Take(epfd, ev)
		if it == nil {
			t.Fatalf("event %+v names no item", ev)
		}
		got[it.Value] = true
	}
	if !got["a"] || !got["b"] || s.Len() != 0 {
		t.Fatalf("taken %v, %d still held; want a and b, none held", got, s.Len())
	}
	if evs := ready(t, epfd); len(evs) != 0 {
		t.Fatalf("events after both were taken out of the epoll instance: %v", evs)
	}
}

func TestStaleEventIsIgnored(t *testing.T) {
	epfd := epoll(t)
	var s Set[int]
	a, peerA := pair(t)
	it := s.Add(epfd, a, time.Now().Add(time.Hour))
	it.Value = 42
	syscall.Write(peerA, []byte("x"))
	evs := ready(t, epfd)
	if len(evs) != 1 {
		t.Fatalf("got %d events, want 1", len(evs))
	}
	if s.Take(epfd, evs[0]) != it {
		t.Fatal("the event did not name its item")
	}
	// The slot's next holder must not take an event meant for the last.
	b, _ := pair(t)
	next := s.Add(epfd, b, time.Now().Add(time.Hour))
	if next.slot != it.slot {
		t.Fatalf("slot %d not reused (got %d)", it.slot, next.slot)
	}
	if next.Value != 0 {
		t.Fatalf("the slot's next holder starts with the last one's value %d", next.Value)
	}
	if got := s.Take(epfd, evs[0]); got != nil {
		t.Fatal("an event of the slot's last holder was taken for its next")
	}
	if got := s.Take(epfd, socket.EpollEvent{Fd: -1}); got != nil {
		t.Fatal("a negative token, the caller's own, named an item")
	}
	if s.Len() != 1 {
		t.Fatalf("%d held, want 1", s.Len())
	}
}

func TestExpiredInDeadlineOrder(t *testing.T) {
	epfd := epoll(t)
	var s Set[int]
	now := time.Now()
	for i, d := range []time.Duration{3, 1, 2} {
		fd, _ := pair(t)
		s.Add(epfd, fd, now.Add(d*time.Second)).Value = i
	}
	if got, want := s.FirstDeadline(), now.Add(time.Second); !got.Equal(want) {
		t.Fatalf("first deadline %v, want %v", got, want)
	}
	if it := s.Expired(epfd, now); it != nil {
		t.Fatalf("item %d expired before its deadline", it.Value)
	}
	var order []int
	for it := s.Expired(epfd, now.Add(time.Hour)); it != nil; it = s.Expired(epfd, now.Add(time.Hour)) {
		order = append(order, it.Value)
	}
	if len(order) != 3 || order[0] != 1 || order[1] != 2 || order[2] != 0 {
		t.Fatalf("expired in order %v, want [1 2 0]", order)
	}
	if !s.FirstDeadline().IsZero() {
		t.Fatal("a deadline is left with nothing held")
	}
}

func TestAllAndRefusedDescriptor(t *testing.T) {
	epfd := epoll(t)
	var s Set[int]
	for range 3 {
		fd, _ := pair(t)
		s.Add(epfd, fd, time.Now().Add(time.Hour))
	}
	if n := len(s.All(epfd)); n != 3 || s.Len() != 0 {
		t.Fatalf("All returned %d, %d still held; want 3, 0", n, s.Len())
	}
	// A regular file cannot be added to an epoll instance.
	f, err := syscall.Open("/dev/null", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(f)
	if it := s.Add(epfd, f, time.Now()); it != nil || s.Len() != 0 {
		t.Fatal("a descriptor the epoll instance refused was held")
	}
	// Its slot is free for the next.
	fd, _ := pair(t)
	if it := s.Add(epfd, fd, time.Now()); it == nil || s.Len() != 1 {
		t.Fatal("the next descriptor was not held")
	}
}
