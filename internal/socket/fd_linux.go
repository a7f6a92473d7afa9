package socket

import (
	"net/netip"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The calls on bare descriptors below never block: the descriptors are
// non-blocking. So they are made with RawSyscall, which does not hand the
// goroutine's P back to the scheduler; a blocking call there would keep the
// runtime's sysmon thread waking to retake it.

// Accept4 accepts a connection from the non-blocking listening socket lfd,
// as a non-blocking, close-on-exec descriptor, and returns it with the
// peer's address (an IPv4-mapped IPv6 address unmapped). errno is EAGAIN
// when no connection is queued.
func Accept4(lfd int) (fd int, peer netip.AddrPort, errno syscall.Errno) {
	var rsa syscall.RawSockaddrAny
	addrLen := uint32(syscall.SizeofSockaddrAny)
	r, _, errno := syscall.RawSyscall6(syscall.SYS_ACCEPT4, uintptr(lfd),
		uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&addrLen)),
		syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0, 0)
	if errno != 0 {
		return -1, netip.AddrPort{}, errno
	}
	return int(r), sockaddrAddrPort(&rsa), 0
}

// read reads from the non-blocking socket fd what has arrived, up to
// len(p) bytes: n > 0; or 0 with errno 0 at the end of the stream; or
// errno EAGAIN when nothing has arrived.
func read(fd int, p []byte) (n int, errno syscall.Errno) {
	r, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	return int(r), errno
}

// maxParts is the most buffers writev writes in one call.
const maxParts = 4

// writev writes the non-empty buffers of parts, at most four, in order,
// with one sendmsg that does not wait and raises no SIGPIPE, and returns
// how many bytes the kernel took: errno EAGAIN when it took none.
func writev(fd int, parts [][]byte) (n int, errno syscall.Errno) {
	var iov [maxParts]unix.Iovec
	k := 0
	for _, p := range parts {
		if len(p) > 0 && k < maxParts {
			iov[k].Base = unsafe.SliceData(p)
			iov[k].SetLen(len(p))
			k++
		}
	}
	if k == 0 {
		return 0, 0
	}
	var msg unix.Msghdr
	msg.Iov = &iov[0]
	msg.SetIovlen(k)
	r, _, errno := syscall.RawSyscall(syscall.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), unix.MSG_NOSIGNAL|unix.MSG_DONTWAIT)
	return int(r), errno
}

// Close closes fd.
func Close(fd int) syscall.Errno {
	_, _, errno := syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(fd), 0, 0)
	return errno
}

// sockaddrAddrPort converts a socket address.
func sockaddrAddrPort(rsa *syscall.RawSockaddrAny) netip.AddrPort {
	switch rsa.Addr.Family {
	case syscall.AF_INET:
		sa := (*syscall.RawSockaddrInet4)(unsafe.Pointer(rsa))
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), ntohs(sa.Port))
	case syscall.AF_INET6:
		sa := (*syscall.RawSockaddrInet6)(unsafe.Pointer(rsa))
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr).Unmap(), ntohs(sa.Port))
	}
	return netip.AddrPort{}
}

// ntohs converts a port from network byte order.
func ntohs(port uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(&port))
	return uint16(b[0])<<8 | uint16(b[1])
}
