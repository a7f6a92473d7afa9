package server

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// Raw accepts. On Linux an acceptor of a TCP listener accepts with accept4
// on the listener's descriptor and starts each exchange on the bare
// descriptor, with no net.Conn: an exchange answered on the acceptor costs
// accept4, two reads, sendmsg and close, and none of what Go's netFD adds
// (registering with the poller and leaving it, getsockname, TCP_NODELAY, a
// finalizer). An exchange that leaves the acceptor becomes a *net.TCPConn
// (net.FileConn).

// rawListener is a TCP listener whose acceptors accept raw. A listener's
// RawConn cannot wait for connections, so they wait on a duplicate of its
// descriptor; its acceptors share the duplicate, whose read lock lets one
// of them at a time wait in the poller, so that a new connection wakes one
// acceptor, not all.
type rawListener struct {
	*net.TCPListener
	dup *os.File
	rc  syscall.RawConn
}

// rawSources returns, for a TCP listener, the listener that stands for l
// (its SetDeadline ends the acceptors' waits; Close closes both
// descriptors) and the sources of k acceptors that accept from it raw; for
// other listeners, nils.
func rawSources(l net.Listener, k int) (net.Listener, []source) {
	tl, ok := l.(*net.TCPListener)
	if !ok {
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
	rl := &rawListener{tl, f, rc}
	srcs := make([]source, k)
	for i := range srcs {
		s := &rawSource{l: rl}
		s.acceptFn = s.accept4
		srcs[i] = s
	}
	return rl, srcs
}

// SetDeadline ends the acceptors' waits at t.
func (l *rawListener) SetDeadline(t time.Time) error { return l.dup.SetReadDeadline(t) }

// Unwrap returns the TCP listener.
func (l *rawListener) Unwrap() net.Listener { return l.TCPListener }

// Close stops listening.
func (l *rawListener) Close() error {
	return errors.Join(l.TCPListener.Close(), l.dup.Close())
}

// rawSource is one acceptor's side of a rawListener, with the transport it
// lends each exchange it starts: an acceptor starts one at a time, and
// conn hands the connection over to a net.Conn before the next.
type rawSource struct {
	l        *rawListener
	acceptFn func(uintptr) bool
	t        rawTransport
	peer     netip.AddrPort
	errno    syscall.Errno
}

// next waits for a connection.
func (s *rawSource) next() (transport, net.Conn, netip.AddrPort, error) {
	if err := s.l.rc.Read(s.acceptFn); err != nil {
		return nil, nil, netip.AddrPort{}, err
	}
	if s.errno != 0 {
		return nil, nil, netip.AddrPort{}, os.NewSyscallError("accept4", s.errno)
	}
	return &s.t, nil, s.peer, nil
}

// accept4 is the callback of the listener's RawConn.Read: it accepts one
// connection, or asks to wait until one comes.
func (s *rawSource) accept4(lfd uintptr) bool {
	fd, peer, errno := socket.Accept4(int(lfd))
	switch errno {
	case syscall.EAGAIN:
		return false
	case syscall.EINTR, syscall.ECONNABORTED:
		return false // try again: the next connection may be there
	}
	s.t, s.peer, s.errno = rawTransport{fd: fd}, peer, errno
	return true
}

// rawTransport is a connection's bare, non-blocking descriptor.
type rawTransport struct {
	fd   int
	file *os.File // owns fd once conn has been tried
}

func (t *rawTransport) readNow(p []byte) (int, error) { return readFD(t.fd, p) }

func (t *rawTransport) writeNow(parts [][]byte) (int, error) { return writeFD(t.fd, parts) }

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
