package server

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Raw accepts. On Linux, Serve accepts from a TCP listener with accept4 on
// the listener's descriptor, and serves each new connection on its bare
// descriptor for as long as it can without waiting: it reads what has
// arrived and, when that is a complete request whose reply is small and
// ready (see quick), writes the reply and closes, all with non-blocking
// system calls made on the accept goroutine. Such an exchange costs five
// system calls (accept4, two reads, sendmsg, close) and no net.Conn: Go's
// netFD would add registering the socket with the poller and removing it,
// getsockname, TCP_NODELAY and an allocation with a finalizer, a third of
// an exchange's cost. Every other exchange becomes a *net.TCPConn
// (net.FileConn) and goes on as the eager exchanges of eager.go do.
//
// The calls never block, so they are made with RawSyscall: they do not hand
// the goroutine's P back to the scheduler, which would otherwise keep the
// runtime's sysmon thread waking every 20 µs to retake it.

// rawAccepts says whether Serve accepts TCP connections raw; tests turn it
// off to test the portable path.
var rawAccepts = true

// rawAcceptor returns, for a TCP listener, its raw acceptor and the
// listener to close in place of l; for other listeners, nils. A listener's
// RawConn cannot wait for connections, so raw accepts wait on a duplicate
// of its descriptor, which the returned listener closes with it.
func (s *Server) rawAcceptor(l net.Listener) (*rawAcceptor, net.Listener) {
	tl, ok := l.(*net.TCPListener)
	if !ok || !rawAccepts {
		return nil, nil
	}
	f, err := tl.File()
	if err != nil {
		return nil, nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, nil
	}
	a := &rawAcceptor{srv: s, rc: rc}
	a.acceptFn = a.accept4
	return a, &rawListener{tl, f}
}

// rawListener is a TCP listener and the duplicate of its descriptor that
// raw accepts wait on; Close closes both.
type rawListener struct {
	*net.TCPListener
	dup *os.File
}

// Close stops listening.
func (l *rawListener) Close() error {
	return errors.Join(l.TCPListener.Close(), l.dup.Close())
}

// rawAcceptor accepts raw connections from one listener.
type rawAcceptor struct {
	srv      *Server
	rc       syscall.RawConn // of the listener's duplicate
	acceptFn func(uintptr) bool
	// The result of the last accept4.
	fd    int
	addr  syscall.RawSockaddrAny
	errno syscall.Errno
	// stalled is an exchange that must go on in a goroutine but could not
	// become a net.Conn, for want of a file descriptor: accept tries it
	// again before accepting more, while Serve backs off.
	stalled    *exchange
	stalledHow string
}

// accept accepts one connection and serves it, or starts its exchange.
func (a *rawAcceptor) accept() error {
	s := a.srv
	if ex := a.stalled; ex != nil {
		if err := ex.becomeConn(); err != nil {
			return err
		}
		a.stalled = nil
		s.goOn(ex, s.table.Load(), a.stalledHow)
		return nil
	}
	if err := a.rc.Read(a.acceptFn); err != nil {
		return err
	}
	switch a.errno {
	case 0:
	case syscall.EINTR, syscall.ECONNABORTED:
		return nil // the next call accepts the next connection
	default:
		return os.NewSyscallError("accept4", a.errno)
	}
	s.stats.accepted.Add(1)
	if !s.mayServeInline() {
		// Shutting down or busy: startConn decides.
		f := os.NewFile(uintptr(a.fd), "")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			s.stats.dropped.Add(1)
			return err
		}
		s.startConn(c, true)
		return nil
	}

	ex := exchangePool.Get().(*exchange)
	ex.srv, ex.fd, ex.raw, ex.state = s, a.fd, true, stateReading
	ex.rec = Exchange{Start: time.Now(), Remote: sockaddrAddrPort(&a.addr)}
	s.stats.states[stateReading].Add(1)
	ex.buf = readBufPool.Get().(*[]byte)
	*ex.buf = (*ex.buf)[:0]
	ex.readFD(a.fd)
	t := s.table.Load()
	how := ex.eagerHow(t)
	if how != eagerInline {
		if err := ex.becomeConn(); err != nil {
			a.stalled, a.stalledHow = ex, how
			return err
		}
	}
	s.goOn(ex, t, how)
	return nil
}

// accept4 is the callback of the listener's RawConn.Read: it accepts one
// connection, or asks to wait until one comes.
func (a *rawAcceptor) accept4(lfd uintptr) bool {
	addrLen := uint32(syscall.SizeofSockaddrAny)
	fd, _, errno := syscall.RawSyscall6(syscall.SYS_ACCEPT4, lfd,
		uintptr(unsafe.Pointer(&a.addr)), uintptr(unsafe.Pointer(&addrLen)),
		syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0, 0)
	if errno == syscall.EAGAIN {
		return false
	}
	a.fd, a.errno = int(fd), errno
	return true
}

// stop ends an exchange left stalled when Serve returns.
func (a *rawAcceptor) stop() {
	if ex := a.stalled; ex != nil {
		a.stalled = nil
		ex.rec.End = EndAborted
		ex.finish()
	}
}

// mayServeInline reports whether a new connection can be served without
// startConn's checks: no shutdown has begun and fewer than MaxConns
// connections are being served.
func (s *Server) mayServeInline() bool {
	return !s.shuttingDown() && int(s.active.Load()) < s.maxConns()
}

// becomeConn turns a raw exchange into one on a *net.TCPConn, tracked as
// startConn tracks connections, for an exchange that may have to wait. A
// raw exchange is not tracked: it runs on the accept goroutine and never
// waits.
// net.FileConn needs a descriptor of its own: when there is none to be had
// (EMFILE), becomeConn can be called again later.
func (ex *exchange) becomeConn() error {
	if ex.file == nil {
		ex.file = os.NewFile(uintptr(ex.fd), "")
	}
	c, err := net.FileConn(ex.file)
	if err != nil {
		return err
	}
	ex.closeRaw()
	ex.conn, ex.wconn, ex.raw = c, c, false
	if !ex.srv.trackConn(c) {
		c.Close() // Close came first; the exchange reads EOF or an error
	}
	return nil
}

// closeRaw closes the raw connection.
func (ex *exchange) closeRaw() {
	if ex.file != nil {
		ex.file.Close()
		ex.file = nil
	} else {
		closeFD(ex.fd)
	}
	ex.fd = -1
}

// closeFD closes a raw connection.
func closeFD(fd int) {
	syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(fd), 0, 0)
}

// rawRead reads from a non-blocking socket.
func rawRead(fd int, p []byte) (int, syscall.Errno) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	return int(n), errno
}

// writeRaw writes the reply parts in ex.parts to the raw connection with
// sendmsg. A reply written on the accept goroutine fits in a new
// connection's send buffer, so one call writes it; should the kernel take
// less, the rest waits for room in poll(2), under the WriteTimeout.
func (ex *exchange) writeRaw() (int64, error) {
	var iov [len(ex.parts)]unix.Iovec
	var msg unix.Msghdr
	var written int64
	var deadline time.Time
	for {
		n := 0
		for _, p := range ex.parts {
			if len(p) > 0 {
				iov[n].Base = unsafe.SliceData(p)
				iov[n].SetLen(len(p))
				n++
			}
		}
		if n == 0 {
			return written, nil
		}
		msg.Iov = &iov[0]
		msg.SetIovlen(n)
		r, _, errno := syscall.RawSyscall(syscall.SYS_SENDMSG, uintptr(ex.fd), uintptr(unsafe.Pointer(&msg)), unix.MSG_NOSIGNAL|unix.MSG_DONTWAIT)
		switch errno {
		case 0:
			written += int64(r)
			ex.advanceParts(int(r))
			continue
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
		default:
			return written, ex.rawError("write", errno)
		}
		if deadline.IsZero() {
			deadline = time.Now().Add(ex.srv.writeTimeout())
		}
		if err := waitWritable(ex.fd, deadline); err != nil {
			return written, err
		}
	}
}

// advanceParts drops the first n bytes of ex.parts.
func (ex *exchange) advanceParts(n int) {
	for i := range ex.parts {
		k := min(n, len(ex.parts[i]))
		ex.parts[i] = ex.parts[i][k:]
		n -= k
	}
}

// waitWritable waits until fd can be written, or deadline passes.
func waitWritable(fd int, deadline time.Time) error {
	for {
		wait := time.Until(deadline)
		if wait <= 0 {
			return os.ErrDeadlineExceeded
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		ts := unix.NsecToTimespec(int64(wait))
		n, err := unix.Ppoll(pfd, &ts, nil)
		if err != nil && err != unix.EINTR {
			return os.NewSyscallError("ppoll", err)
		}
		if n > 0 {
			return nil // writable, or an error that the next sendmsg reports
		}
	}
}

// rawError describes a failed system call on the exchange's connection as
// net.Conn would.
func (ex *exchange) rawError(op string, errno syscall.Errno) error {
	return &net.OpError{Op: op, Net: "tcp", Addr: net.TCPAddrFromAddrPort(ex.rec.Remote), Err: os.NewSyscallError(op, errno)}
}

// sockaddrAddrPort converts an accepted peer's address.
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
