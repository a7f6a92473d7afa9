package socket

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// EpollEvent is one readiness event of an epoll instance; Fd holds the
// token the descriptor was added with.
type EpollEvent = unix.EpollEvent

// Readiness events to wait for; epoll reports a hang-up or an error
// without being asked.
const (
	EventIn    = unix.EPOLLIN
	EventRDHup = unix.EPOLLRDHUP
)

// EpollCreate creates an epoll instance, close-on-exec and non-blocking,
// so that os.NewFile hands it to the runtime's poller, which then waits
// for its events.
func EpollCreate() (int, error) {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return -1, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// EpollAdd adds fd to the epoll instance epfd, for the events in
// ev.Events, which are reported with ev's Fd and Pad as given (a token).
func EpollAdd(epfd, fd int, ev EpollEvent) error {
	return unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev)
}

// EpollDel removes fd from the epoll instance epfd.
func EpollDel(epfd, fd int) error {
	return unix.EpollCtl(epfd, unix.EPOLL_CTL_DEL, fd, nil)
}

// EpollWaitNow returns the events ready in epfd now, without waiting.
func EpollWaitNow(epfd int, events []EpollEvent) (int, syscall.Errno) {
	r, _, errno := syscall.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd),
		uintptr(unsafe.Pointer(unsafe.SliceData(events))), uintptr(len(events)), 0, 0, 0)
	return int(r), errno
}

// Eventfd returns a non-blocking, close-on-exec eventfd: a descriptor that
// Wake makes readable and Drain makes unreadable again.
func Eventfd() (int, error) { return unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC) }

// Wake makes the eventfd fd readable.
func Wake(fd int) error {
	one := [8]byte{1}
	_, err := unix.Write(fd, one[:])
	return err
}

// Drain makes the eventfd fd unreadable until the next Wake.
func Drain(fd int) {
	var b [8]byte
	unix.Read(fd, b[:])
}
