//go:build unix

package server

import (
	"net"
	"os"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// waiter is an exchange waiting, in a goroutine of its own, for more of
// its request.
type waiter struct {
	held    heldExchange
	srv     *Server
	conn    net.Conn
	t       *connTransport
	err     error // a socket error the readiness check reported, and so consumed
	readyFn func(uintptr) bool
}

// waitAndRun runs an exchange whose request is incomplete: it parks until
// more has arrived, reads it, as often as it takes for the request to be
// complete, then runs the exchange. Between reads it holds neither buffer
// nor exchange, and parks on a goroutine's first, smallest stack: a client
// that sends its request slowly, or not at all, costs little. When the read
// deadline passes, the exchange's next read reports it and the client gets
// its 408.
func (ex *exchange) waitAndRun() {
	clearLabels()
	t, ok := newConnTransport(ex.conn).(*connTransport)
	if !ok {
		ex.run()
		return
	}
	w := &waiter{srv: ex.srv, conn: ex.conn, t: t}
	w.readyFn = w.readable
	ex.conn.SetReadDeadline(ex.rec.Start.Add(ex.srv.readTimeout()))
	for {
		ex.park(&w.held)
		err := w.t.rc.Read(w.readyFn)
		ex = w.held.unpark(w.srv)
		ex.t, ex.conn, ex.wconn, ex.tracked, ex.readErr = w.t, w.conn, w.conn, true, w.err
		if err == nil && w.err == nil {
			ex.readAvailable()
			if ex.mayWait() {
				continue
			}
		}
		ex.run()
		return
	}
}

// readable reports whether a read would return at once. The poller's
// readiness alone is not enough: the last read may already have consumed
// what it reported. A socket error, such as a reset, is reported only
// once, so it is kept for the exchange.
func (w *waiter) readable(fd uintptr) bool {
	ready, err := socket.Readable(int(fd))
	if err != nil {
		w.err = &net.OpError{Op: "read", Net: "tcp", Addr: w.conn.RemoteAddr(), Err: os.NewSyscallError("recvfrom", err)}
	}
	return ready
}
