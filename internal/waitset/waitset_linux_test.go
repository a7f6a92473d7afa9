package waitset

import (
	"net"
	"syscall"
	"testing"
	"time"
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

// newSet returns a Set watching a new loopback listener, both closed when
// t ends.
func newSet[T any](t *testing.T) (*Set[T], *net.TCPListener) {
	t.Helper()
	l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	rc, err := l.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New[T](rc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, l
}

// readyValues polls s and returns the values of the items it shows ready.
func readyValues[T comparable](s *Set[T]) map[T]bool {
	s.Poll()
	got := map[T]bool{}
	for it := s.Ready(); it != nil; it = s.Ready() {
		got[it.Value] = true
	}
	return got
}

func TestReadyOnInputAndHalfClose(t *testing.T) {
	s, _ := newSet[string](t)
	a, peerA := pair(t)
	b, peerB := pair(t)
	s.Add(a, time.Now().Add(time.Hour)).Value = "a"
	s.Add(b, time.Now().Add(time.Hour)).Value = "b"
	if got := readyValues(s); len(got) != 0 {
		t.Fatalf("ready before any input: %v", got)
	}
	syscall.Write(peerA, []byte("more"))
	syscall.Shutdown(peerB, syscall.SHUT_WR)
	if got := readyValues(s); !got["a"] || !got["b"] || s.Len() != 0 {
		t.Fatalf("ready %v, %d still held; want a and b, none held", got, s.Len())
	}
	if got := readyValues(s); len(got) != 0 {
		t.Fatalf("ready again after both were taken out of the epoll instance: %v", got)
	}
}

func TestStaleEventIsIgnored(t *testing.T) {
	s, _ := newSet[int](t)
	a, peerA := pair(t)
	it := s.Add(a, time.Now().Add(time.Hour))
	it.Value = 42
	syscall.Write(peerA, []byte("x"))
	s.Poll()
	// The item leaves before its event is looked at, and the slot's next
	// holder must not take that event for its own.
	if s.Expired(time.Now().Add(2*time.Hour)) != it {
		t.Fatal("the item did not expire")
	}
	b, _ := pair(t)
	next := s.Add(b, time.Now().Add(time.Hour))
	if next.slot != it.slot {
		t.Fatalf("slot %d not reused (got %d)", it.slot, next.slot)
	}
	if next.Value != 0 {
		t.Fatalf("the slot's next holder starts with the last one's value %d", next.Value)
	}
	if got := s.Ready(); got != nil {
		t.Fatal("an event of the slot's last holder was taken for its next")
	}
	if s.Len() != 1 {
		t.Fatalf("%d held, want 1", s.Len())
	}
}

func TestExpiredInDeadlineOrder(t *testing.T) {
	s, _ := newSet[int](t)
	now := time.Now()
	for i, d := range []time.Duration{3, 1, 2} {
		fd, _ := pair(t)
		s.Add(fd, now.Add(d*time.Second)).Value = i
	}
	if got, want := s.FirstDeadline(), now.Add(time.Second); !got.Equal(want) {
		t.Fatalf("first deadline %v, want %v", got, want)
	}
	if it := s.Expired(now); it != nil {
		t.Fatalf("item %d expired before its deadline", it.Value)
	}
	var order []int
	for it := s.Expired(now.Add(time.Hour)); it != nil; it = s.Expired(now.Add(time.Hour)) {
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
	s, _ := newSet[int](t)
	for range 3 {
		fd, _ := pair(t)
		s.Add(fd, time.Now().Add(time.Hour))
	}
	if n := len(s.All()); n != 3 || s.Len() != 0 {
		t.Fatalf("All returned %d, %d still held; want 3, 0", n, s.Len())
	}
	// A regular file cannot be added to an epoll instance.
	f, err := syscall.Open("/dev/null", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(f)
	if it := s.Add(f, time.Now()); it != nil || s.Len() != 0 {
		t.Fatal("a descriptor the epoll instance refused was held")
	}
	// Its slot is free for the next.
	fd, _ := pair(t)
	if it := s.Add(fd, time.Now()); it == nil || s.Len() != 1 {
		t.Fatal("the next descriptor was not held")
	}
}

func TestWaitReportsTheListenersQueue(t *testing.T) {
	s, l := newSet[int](t)
	if queued, emptied := s.Poll(); queued || !emptied {
		t.Fatalf("nothing queued: Poll reported queued %v, emptied %v; want false, true", queued, emptied)
	}
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The connection may reach the queue a moment after Dial returns.
	for end := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		if queued, _ := s.Poll(); queued {
			break
		}
		if time.Now().After(end) {
			t.Fatal("the connection was never shown queued")
		}
	}
	queued, emptied, err := s.Wait(time.Now().Add(10 * time.Second))
	if err != nil || !queued || emptied {
		t.Fatalf("a connection queued: Wait reported queued %v, emptied %v, %v; want true, false, nil", queued, emptied, err)
	}
	if got := s.Ready(); got != nil {
		t.Fatal("the listener's event was taken for a held item")
	}
}

func TestWaitReportsAQueueSeenEmptyBeforeParking(t *testing.T) {
	s, l := newSet[int](t)
	dialed := make(chan net.Conn, 1)
	go func() {
		time.Sleep(50 * time.Millisecond)
		c, _ := net.Dial("tcp", l.Addr().String())
		dialed <- c
	}()
	queued, emptied, err := s.Wait(time.Now().Add(10 * time.Second))
	if c := <-dialed; c != nil {
		c.Close()
	}
	if err != nil || !queued || !emptied {
		t.Fatalf("Wait reported queued %v, emptied %v, %v; want true, true: the look before parking saw the queue empty", queued, emptied, err)
	}
}

// waitFor runs Wait(deadline) and returns how long it took.
func waitFor[T any](t *testing.T, s *Set[T], deadline time.Time) time.Duration {
	t.Helper()
	start := time.Now()
	if _, _, err := s.Wait(deadline); err != nil {
		t.Fatal(err)
	}
	return time.Since(start)
}

func TestWaitEndsAtTheEarlierDeadline(t *testing.T) {
	s, _ := newSet[int](t)
	fd, _ := pair(t)
	held := time.Now().Add(50 * time.Millisecond)
	s.Add(fd, held)
	if waitFor(t, s, time.Now().Add(10*time.Second)); time.Now().Before(held) {
		t.Fatal("Wait returned before the held deadline")
	}
	if s.Expired(time.Now()) == nil {
		t.Fatal("the held item has not expired")
	}
	// The caller's deadline, when earlier than a held one.
	s.Add(fd, time.Now().Add(3*time.Second))
	if d := waitFor(t, s, time.Now().Add(50*time.Millisecond)); d > 2*time.Second {
		t.Fatalf("Wait took %v, past the caller's 50ms deadline", d)
	}
}

func TestWaitWithoutDeadlineEndsOnWake(t *testing.T) {
	s, _ := newSet[int](t)
	fd, _ := pair(t)
	// A held deadline that passed, then left with its item, must not end
	// the next Wait that has none.
	s.Add(fd, time.Now().Add(20*time.Millisecond))
	waitFor(t, s, time.Time{})
	if s.Expired(time.Now()) == nil {
		t.Fatal("the held item has not expired")
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		s.Wake()
	}()
	if d := waitFor(t, s, time.Time{}); d < 80*time.Millisecond {
		t.Fatalf("Wait with no deadline returned after %v, before the wake-up", d)
	}
	if got := s.Ready(); got != nil {
		t.Fatal("the wake-up was taken for a held item")
	}
	// Ready drained the wake-up: a Wait now lasts until its deadline.
	if d := waitFor(t, s, time.Now().Add(50*time.Millisecond)); d < 40*time.Millisecond {
		t.Fatalf("Wait returned after %v: the wake-up was not drained", d)
	}
}

func TestReadyAfterASmallerBatch(t *testing.T) {
	s, _ := newSet[string](t)
	for _, batch := range [][]string{{"a", "b"}, {"c"}} {
		for _, v := range batch {
			fd, peer := pair(t)
			s.Add(fd, time.Now().Add(time.Hour)).Value = v
			syscall.Write(peer, []byte("x"))
		}
		if got := readyValues(s); len(got) != len(batch) {
			t.Fatalf("ready %v, want %v", got, batch)
		}
	}
}
