package server

import (
	"net"
	"syscall"
	"time"

	"github.com/tinyhttpd/tinyhttpd/route"
)

// Eager exchanges. Serve reads each connection of a TCP listener at once,
// without waiting, on the accept goroutine: a complete request whose reply
// cannot block (a static route, or a 4xx the server makes itself) is
// answered right there, with no goroutine, no stack growth, no deadline
// and no scheduling, as an event loop would. A listener that defers accepts
// until a connection's first bytes arrive (TCP_DEFER_ACCEPT, the
// TINYHTTPD_DEFER_ACCEPT setting) makes that the common case: a quick
// client's request and half-close have usually arrived by then. Any other
// exchange goes on in a goroutine of its own; one whose request is still
// coming holds no read buffer and no exchange while it waits, and parks on
// a shallow stack, so that an idle connection costs little memory. On
// systems other than Unix, every exchange starts in a goroutine of its own.

// maxInlineReply bounds the replies written on the accept goroutine. A new
// connection's send buffer (16 KiB by default on Linux, never under 4 KiB)
// takes a reply this small whole, so writing it never waits.
const maxInlineReply = 4 << 10

// How serveEager went on with an exchange, for tests.
const (
	eagerInline    = "inline"    // answered on the accept goroutine
	eagerWait      = "wait"      // waiting for the rest of its request
	eagerGoroutine = "goroutine" // going on in a goroutine of its own
)

// testHookEager, when set by a test, learns how serveEager went on.
var testHookEager func(how string)

// serveEager serves c, starting on the accept goroutine.
func (s *Server) serveEager(c *net.TCPConn, t *Table) {
	ex := s.newExchange(c)
	ex.readAvailable()
	s.goOn(ex, t, ex.eagerHow(t))
}

// eagerHow decides how an exchange goes on once the bytes that had arrived
// are read: inline when the request is complete and its reply quick, as a
// waiter when more is to come, else in a goroutine of its own.
func (ex *exchange) eagerHow(t *Table) string {
	switch {
	case ex.readErr == nil && ex.eof && ex.quickOrRetry(t):
		return eagerInline
	case ex.mayWait():
		return eagerWait
	}
	return eagerGoroutine
}

// goOn goes on with ex as eagerHow decided.
func (s *Server) goOn(ex *exchange, t *Table, how string) {
	if testHookEager != nil {
		testHookEager(how)
	}
	switch how {
	case eagerInline:
		ex.inline = true
		s.runExchange(ex, t, "")
	case eagerWait:
		go ex.park(nil).resume(t)
	default:
		go s.runExchange(ex, t, "")
	}
}

// readAvailable reads the request bytes that have arrived, after those
// pending, up to MaxRequestBytes+1 and a pooled buffer's size, without
// waiting, and notes whether the request is complete.
func (ex *exchange) readAvailable() {
	rc, err := ex.conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		ex.readErr = err
		return
	}
	ex.buf = readBufPool.Get().(*[]byte)
	*ex.buf = append((*ex.buf)[:0], ex.pending...)
	ex.pending = nil
	if ex.readFn == nil {
		ex.readFn = ex.readNow
	}
	if err := rc.Read(ex.readFn); err != nil && ex.readErr == nil {
		ex.readErr = err
	}
}

// mayWait reports whether the request is incomplete and all that had
// arrived was read, so that the next read would wait.
func (ex *exchange) mayWait() bool {
	if ex.eof || ex.readErr != nil || ex.buf == nil {
		return false
	}
	b := *ex.buf
	return len(b) < cap(b) && int64(len(b)) <= ex.srv.maxRequestBytes()
}

// maxInlinePath bounds the paths of requests answered with a 404 or 405 on
// the accept goroutine, since those replies name the path.
const maxInlinePath = 1 << 10

// quick parses the complete request and reports whether its reply is small
// and ready: a static route's, or one the server makes itself (400, 404,
// 405). Such a reply fits in a new connection's send buffer, so it is
// written with no deadline: the write cannot wait.
func (ex *exchange) quick(t *Table) bool {
	if int64(len(*ex.buf)) > ex.srv.maxRequestBytes() {
		return false // a 413, which drains the input first
	}
	ex.setState(stateWriting)
	ex.parsed = true
	if ex.perr = parseRequest(*ex.buf, &ex.req); ex.perr != nil {
		return true
	}
	r := t.lookup(ex.req.Path)
	if r == nil || !r.allows(ex.req.Method) {
		return len(ex.req.Path) <= maxInlinePath
	}
	return r.Delay == 0 && (r.Kind == route.KindBody || r.Kind == route.KindIndex) &&
		len(r.static.pre)+dateLen+len(r.static.full) <= maxInlineReply
}

// quickOrRetry is quick, run where a panic must not reach: on the accept
// goroutine, a panic would stop the server. If quick panics, the exchange
// is left unparsed for its own goroutine, where parsing again is guarded
// like any exchange (a logged stack and a 500).
func (ex *exchange) quickOrRetry(t *Table) (ok bool) {
	defer func() {
		if recover() != nil {
			ok, ex.parsed, ex.perr = false, false, nil
		}
	}()
	return ex.quick(t)
}

// replyParsed replies to a request that quick parsed.
func (ex *exchange) replyParsed(t *Table) {
	ex.setState(stateWriting)
	if ex.perr != nil {
		ex.writePlain(ex.perr.Status, ex.perr.Reason)
		return
	}
	ex.respond(t)
}

// waiter is an exchange waiting for more of its request: just what is
// needed to take it up again, so that the exchange and its read buffer go
// back to their pools meanwhile.
type waiter struct {
	srv     *Server
	conn    *net.TCPConn
	start   time.Time
	bytesIn int64
	pending []byte
	peek    [1]byte
	err     error // a socket error the peek reported, and so consumed
	rc      syscall.RawConn
	readyFn func(uintptr) bool
}

// park turns ex, whose request is incomplete, into a waiter, w or a new one
// if w is nil, and releases ex. The connection stays counted as reading.
func (ex *exchange) park(w *waiter) *waiter {
	if w == nil {
		w = &waiter{srv: ex.srv, conn: ex.conn.(*net.TCPConn), start: ex.rec.Start}
	}
	w.bytesIn = ex.rec.BytesIn
	w.pending = append(w.pending[:0], *ex.buf...)
	*ex.buf = (*ex.buf)[:0]
	readBufPool.Put(ex.buf)
	ex.release()
	return w
}

// unpark takes the exchange up again, with the bytes read so far pending.
func (w *waiter) unpark() *exchange {
	ex := exchangePool.Get().(*exchange)
	ex.srv, ex.conn, ex.wconn, ex.state = w.srv, w.conn, w.conn, stateReading
	ex.rec = Exchange{Start: w.start, Remote: remoteAddr(w.conn), BytesIn: w.bytesIn}
	ex.pending, ex.readErr = w.pending, w.err
	return ex
}

// resume waits until more of the request has arrived and reads it, as
// often as it takes for the request to be complete, then runs the
// exchange. Between reads it holds neither buffer nor exchange, and parks
// on a goroutine's first, smallest stack: a client that sends its request
// slowly, or not at all, costs little. When the read deadline passes, the
// exchange's next read reports it and the client gets its 408.
func (w *waiter) resume(t *Table) {
	w.conn.SetReadDeadline(w.start.Add(w.srv.readTimeout()))
	for {
		err := w.wait()
		ex := w.unpark()
		if err == nil && w.err == nil {
			ex.readAvailable()
			if ex.mayWait() {
				ex.park(w)
				continue
			}
		}
		w.srv.runExchange(ex, t, "")
		return
	}
}

// wait parks until the connection is readable, or its read deadline has
// passed.
func (w *waiter) wait() error {
	if w.rc == nil {
		rc, err := w.conn.SyscallConn()
		if err != nil {
			return err
		}
		w.rc, w.readyFn = rc, w.readable
	}
	return w.rc.Read(w.readyFn)
}
