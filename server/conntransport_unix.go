//go:build unix

package server

import (
	"net"
	"os"
	"syscall"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// connTransport is a *net.TCPConn read and written through its RawConn,
// with calls that return at once: the portable way to start an exchange on
// its acceptor, and the way a parked exchange reads what has arrived.
type connTransport struct {
	c       *net.TCPConn
	rc      syscall.RawConn
	readFn  func(uintptr) bool
	writeFn func(uintptr) bool
	readyFn func(uintptr) bool // made by the first waitReadable
	// The arguments and results of the last call, for the callbacks.
	p     []byte
	parts [][]byte
	n     int
	err   error
}

// newConnTransport returns c's transport, or nil if c has none.
func newConnTransport(c net.Conn) transport {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	t := &connTransport{c: tc, rc: rc}
	t.readFn, t.writeFn = t.read, t.write
	return t
}

func (t *connTransport) readNow(p []byte) (int, error) {
	t.p = p
	if err := t.rc.Read(t.readFn); err != nil {
		return 0, err
	}
	t.p = nil
	return t.n, t.err
}

func (t *connTransport) read(fd uintptr) bool {
	t.n, t.err = socket.ReadNow(int(fd), t.p)
	return true
}

func (t *connTransport) writeNow(parts [][]byte) (int, error) {
	t.parts, t.n = parts, 0
	if err := t.rc.Write(t.writeFn); err != nil {
		return t.n, err
	}
	t.parts = nil
	return t.n, t.err
}

func (t *connTransport) write(fd uintptr) bool {
	t.n, t.err = socket.WriteNow(int(fd), t.parts)
	return true
}

// waitReadable parks until a read would return at once; err is the
// poller's, as when the read deadline passes. A socket error, such as a
// reset, is reported only once, and the check consumes it: it is sockErr,
// for the exchange to keep.
func (t *connTransport) waitReadable() (sockErr, err error) {
	if t.readyFn == nil {
		t.readyFn = t.readable
	}
	t.err = nil
	err = t.rc.Read(t.readyFn)
	return t.err, err
}

// readable is waitReadable's callback. The poller's readiness alone is
// not enough: the last read may already have consumed what it reported.
func (t *connTransport) readable(fd uintptr) bool {
	ready, err := socket.Readable(int(fd))
	if err != nil {
		t.err = os.NewSyscallError("recvfrom", err)
	}
	return ready
}

func (t *connTransport) conn() (net.Conn, error) { return t.c, nil }

func (t *connTransport) close() error { return t.c.Close() }
