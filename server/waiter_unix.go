//go:build unix

package server

import (
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// waiter is an exchange waiting for more of its request: just what is
// needed to take it up again, so that the exchange and its read buffer go
// back to their pools meanwhile.
type waiter struct {
	srv     *Server
	tbl     *Table
	conn    net.Conn
	t       transport
	adm     admission
	start   time.Time
	remote  netip.AddrPort
	bytesIn int64
	pending []byte
	err     error // a socket error the readiness check reported, and so consumed
	rc      syscall.RawConn
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
	tc, ok := ex.conn.(*net.TCPConn)
	rc, err := tc.SyscallConn()
	if !ok || err != nil {
		ex.run()
		return
	}
	w := &waiter{srv: ex.srv, conn: ex.conn, t: newConnTransport(ex.conn), rc: rc}
	w.readyFn = w.readable
	ex.conn.SetReadDeadline(ex.rec.Start.Add(ex.srv.readTimeout()))
	for {
		ex.park(w)
		err := w.rc.Read(w.readyFn)
		ex = w.unpark()
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

// park keeps in w what ex has read, and releases ex. The connection stays
// counted as reading.
func (ex *exchange) park(w *waiter) {
	w.tbl, w.adm, w.start, w.remote, w.bytesIn = ex.tbl, ex.adm, ex.rec.Start, ex.rec.Remote, ex.rec.BytesIn
	w.pending = append(w.pending[:0], *ex.buf...)
	ex.release()
}

// unpark takes the exchange up again, with the bytes read so far pending.
func (w *waiter) unpark() *exchange {
	ex := exchangePool.Get().(*exchange)
	ex.srv, ex.tbl, ex.adm, ex.state = w.srv, w.tbl, w.adm, stateReading
	ex.t, ex.conn, ex.wconn, ex.tracked = w.t, w.conn, w.conn, true
	ex.rec = Exchange{Start: w.start, Remote: w.remote, BytesIn: w.bytesIn}
	ex.pending, ex.readErr = w.pending, w.err
	return ex
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
