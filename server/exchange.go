package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
	"github.com/tinyhttpd/tinyhttpd/internal/tlseof"
	"github.com/tinyhttpd/tinyhttpd/respond"
	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

// closeWriter is a connection that can half-close: send FIN and keep reading.
type closeWriter interface {
	CloseWrite() error
}

// writeConner is a connection that wraps another and changes only what is
// read from it, as one that first consumes a PROXY protocol header does.
// WriteConn returns the wrapped connection. The exchange reads through the
// wrapper but writes to, half-closes and sets options on the wrapped
// connection, so that a *net.TCPConn underneath keeps writev (net.Buffers),
// sendfile (io.Copy from an *os.File), CloseWrite and SetLinger: net.Buffers
// uses writev only on the net package's own connections.
type writeConner interface {
	WriteConn() net.Conn
}

// errTooLarge is a request over MaxRequestBytes; errNoMemory one whose
// buffer would take the requests being read or answered over
// MaxRequestMemory.
var (
	errTooLarge = errors.New("server: request too large")
	errNoMemory = errors.New("server: request memory exhausted")
)

// readBufSize is the read buffer an exchange starts with, from a pool.
// Buffers grow for larger requests, counted against MaxRequestMemory, and
// only those of this size go back to the pool: a larger one would let the
// next exchange hold more than this uncounted.
const readBufSize = 4 << 10

var readBufPool = sync.Pool{New: func() any { b := make([]byte, 0, readBufSize); return &b }}

// exchange is one connection's request and reply. It starts on its
// acceptor with a transport (t), or in a goroutine with a net.Conn; once it
// leaves the acceptor, conn is set and every call may wait, under the
// exchange's deadlines. Exchanges are pooled, with the slices they grow, so
// that a static exchange allocates only the copy of its target.
type exchange struct {
	srv *Server
	tbl *respond.Table
	adm admission
	t   transport // calls that return at once; nil on the plain path
	// conn is read from and closed once the exchange has left its
	// acceptor; wconn is written to and half-closed: conn itself, or the
	// connection conn wraps (see writeConner).
	conn, wconn net.Conn
	tracked     bool // conn, or base, is in the server's connections
	// base is the connection accepted under a TLS connection (conn), the
	// one the server tracks; under is base as the TLS connection reads it,
	// and tcp the TCP connection, for SetLinger. All nil without TLS.
	base, tcp net.Conn
	under     *tlseof.Conn
	state     connState
	buf       *[]byte
	reserved  int64  // bytes buf grew by, counted against MaxRequestMemory
	pending   []byte // request bytes read by a waiter, while no buffer is held
	eof       bool   // the whole request is in buf
	readErr   error  // a read without waiting failed
	parsed    bool   // req, or perr, holds the parsed request
	perr      *wire.RequestError
	req       wire.Request
	matched   bool // match holds the route req names (lookup)
	match     respond.Match
	rec       Exchange
	parts     [4][]byte // the reply parts not yet written
	out       net.Buffers
}

var exchangePool = sync.Pool{New: func() any { return new(exchange) }}

// newExchange starts an exchange in the reading state.
func (s *Server) newExchange(start time.Time, remote netip.AddrPort, adm admission, tbl *respond.Table) *exchange {
	ex := exchangePool.Get().(*exchange)
	ex.srv, ex.tbl, ex.adm, ex.state = s, tbl, adm, stateReading
	ex.rec = Exchange{Start: start, Remote: remote}
	s.stats.states[stateReading].Add(1)
	return ex
}

// remoteAddr returns c's remote address as recorded: an IPv4 client of a
// dual-stack listener, or one named in a PROXY header, may come as an
// IPv4-mapped IPv6 address, and is recorded as 192.0.2.1, not
// ::ffff:192.0.2.1.
func remoteAddr(c net.Conn) netip.AddrPort {
	a, ok := c.RemoteAddr().(*net.TCPAddr)
	if !ok {
		return netip.AddrPort{}
	}
	ap := a.AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

// begin runs the part of an admitted exchange that its acceptor can: it
// reads what has arrived, decides how the exchange goes on and, when the
// request is complete and its reply quick, answers it, without a call that
// waits. It returns nextInline when the exchange is over.
//
// On Linux, a connection just accepted (first) from a loopback address
// whose request is not complete is read again after the acceptor yields
// its CPU once: a local client half-closes with a call of its own, which
// the acceptor's wake-up often preempts (docs/PERFORMANCE.md). A remote
// client's FIN is on the network, where no yield brings it sooner.
func (ex *exchange) begin(first bool) (n next) {
	defer func() {
		if p := recover(); p != nil {
			ex.panicked(p)
			n = ex.endInline()
		}
	}()
	ex.readAvailable()
	n = ex.decide()
	if n == nextWait && first && ex.rec.Remote.Addr().IsLoopback() && socket.Yield() {
		ex.readAvailable()
		n = ex.decide()
	}
	if h := ex.srv.testOnNext; h != nil {
		h(n)
	}
	if n != nextInline {
		return n
	}
	ex.reply()
	return ex.endInline()
}

// endInline ends an exchange answered on its acceptor, unless the kernel
// took less than the whole reply: the rest must then be written by a
// goroutine, which may wait.
func (ex *exchange) endInline() next {
	if !allWritten(ex.parts[:]) {
		return nextGoroutine
	}
	ex.finish()
	return nextInline
}

// readAvailable reads the request bytes that have arrived, after those
// pending, up to MaxRequestBytes+1 and the pooled buffer's size, without
// waiting, and notes whether the request is complete.
func (ex *exchange) readAvailable() {
	ex.takeBuf()
	b := *ex.buf
	limit := int(min(ex.srv.maxRequestBytes()+1, int64(cap(b))))
	for len(b) < limit {
		n, err := ex.t.readNow(b[len(b):limit])
		b = b[:len(b)+n]
		ex.rec.BytesIn += int64(n)
		if err == io.EOF {
			ex.eof = true
			break
		}
		if err != nil {
			if err != socket.ErrWouldBlock {
				ex.readErr = err
			}
			break
		}
	}
	*ex.buf = b
}

// takeBuf gives the exchange a read buffer from the pool, unless it has
// one, holding the bytes pending.
func (ex *exchange) takeBuf() {
	if ex.buf == nil {
		ex.buf = readBufPool.Get().(*[]byte)
		*ex.buf = append((*ex.buf)[:0], ex.pending...)
		ex.pending = nil
	}
}

// decide says how the exchange goes on once what had arrived is read:
// inline when the request is complete and its reply quick, as a waiter
// when more is to come, else in a goroutine of its own.
func (ex *exchange) decide() next {
	switch {
	case ex.readErr == nil && ex.eof && ex.quick():
		return nextInline
	case ex.mayWait():
		return nextWait
	}
	return nextGoroutine
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

// maxInlineReply bounds the replies written on an acceptor: a new
// connection's send buffer (never under 4 KiB) takes one this small whole,
// so its write almost never leaves a rest for a goroutine.
const maxInlineReply = 4 << 10

// maxInlinePath bounds the paths of requests answered with a 404 or 405 on
// an acceptor, since those replies name the path.
const maxInlinePath = 1 << 10

// quick parses the complete request and reports whether its reply is small
// and ready: a static route's, or one the server makes itself (400, 404,
// 405).
func (ex *exchange) quick() bool {
	if int64(len(*ex.buf)) > ex.srv.maxRequestBytes() {
		return false // a 413, which drains the input first
	}
	ex.parse(*ex.buf)
	if ex.perr != nil {
		return true
	}
	m := ex.lookup()
	if !m.Found() {
		return len(ex.req.Path) <= maxInlinePath
	}
	n := m.RenderedLen()
	return m.Delay() == 0 && n >= 0 && n+wire.DateLen <= maxInlineReply
}

// parse parses the request in b.
func (ex *exchange) parse(b []byte) {
	ex.setState(stateWriting)
	ex.parsed = true
	ex.perr = ex.req.Parse(b)
}

// lookup returns the route of the exchange's table that the parsed request
// names, looked up once for quick and respond both.
func (ex *exchange) lookup() respond.Match {
	if !ex.matched {
		ex.match, ex.matched = ex.tbl.Lookup(&ex.req), true
	}
	return ex.match
}

// reply answers the parsed request.
func (ex *exchange) reply() {
	ex.setState(stateWriting)
	if ex.perr != nil {
		ex.writePlain(ex.perr.Status, ex.perr.Reason)
		return
	}
	ex.respond()
}

// leave moves the exchange off its acceptor, onto a net.Conn whose calls
// may wait, tracked so that Close reaches it. It fails when no file
// descriptor is to be had.
func (ex *exchange) leave() error {
	c, err := ex.t.conn()
	if err != nil {
		return err
	}
	ex.conn, ex.wconn = c, c
	ex.tracked = true
	if !ex.srv.trackConn(c) {
		c.Close() // Close came first; the exchange reads EOF or an error
	}
	return nil
}

// run runs the rest of the exchange in its own goroutine, where calls may
// wait. It always closes the connection.
func (ex *exchange) run() {
	clearLabels()
	defer ex.finish()
	defer ex.recoverPanic()
	switch {
	case !allWritten(ex.parts[:]):
		ex.flush() // the rest of a reply begun on the acceptor
	case ex.adm.verdict == refused:
		ex.readRequestLine()
		ex.earlyReply(503, ex.adm.reason)
	case ex.parsed:
		ex.reply()
	default:
		ex.readAndReply()
	}
}

// clearLabels drops the profiler labels a goroutine inherits from the
// acceptor that started it, so that the acceptor's label counts only the
// acceptor's own work.
func clearLabels() { pprof.SetGoroutineLabels(context.Background()) }

// readAndReply reads the request to its EOF, or answers 408 or 413 before
// it, and replies.
func (ex *exchange) readAndReply() {
	s := ex.srv
	body, err := ex.readRequest()
	if err != nil && ex.unreserve() {
		ex.buf = nil // not needed for the early reply, which may linger
	}
	switch {
	case err == nil:
	case errors.Is(err, errTooLarge):
		ex.earlyReply(413, fmt.Sprintf("request larger than %d bytes", s.maxRequestBytes()))
		return
	case errors.Is(err, errNoMemory):
		ex.earlyReply(503, "server busy: too many large requests at once")
		return
	case errors.Is(err, os.ErrDeadlineExceeded):
		ex.earlyReply(408, fmt.Sprintf("request not completed by %s within %s", ex.endOfRequest(), s.readTimeout()))
		return
	case ex.truncated():
		// A FIN inside a TLS record: the same cut, at another place.
	default:
		ex.rec.End = EndReset
		return
	}
	if ex.truncated() {
		ex.writePlain(400, "request ended by a FIN without a TLS close_notify: it may have been truncated")
		return
	}
	ex.parse(body)
	ex.reply()
}

// readRequest reads until EOF, under the ReadTimeout deadline, through a
// limit of MaxRequestBytes+1 so that a request of exactly the limit and one
// byte more differ. When it fails, what was read gives the method, so that
// an early reply to HEAD has no body, and the request line if whole (fail).
func (ex *exchange) readRequest() ([]byte, error) {
	limit := ex.srv.maxRequestBytes()
	ex.takeBuf()
	b := *ex.buf
	fail := func(err error) ([]byte, error) {
		ex.req.ParseLeading(b)
		return nil, err
	}
	switch {
	case ex.readErr != nil:
		return fail(ex.readErr)
	case int64(len(b)) > limit:
		return fail(errTooLarge)
	case ex.eof:
		return b, nil
	}
	ex.conn.SetReadDeadline(ex.rec.Start.Add(ex.srv.readTimeout()))
	defer func() { *ex.buf = b[:0] }()
	for {
		if len(b) == cap(b) {
			grow := min(int64(max(len(b), readBufSize)), limit+1-int64(len(b)))
			if !ex.srv.reserveRequestMemory(grow) {
				return fail(errNoMemory)
			}
			ex.reserved += grow
			b = append(make([]byte, 0, len(b)+int(grow)), b...) // cap as counted, unlike slices.Grow's
		}
		n, err := ex.conn.Read(b[len(b):min(int64(cap(b)), limit+1)])
		b = b[:len(b)+n]
		ex.rec.BytesIn += int64(n)
		if int64(len(b)) > limit {
			return fail(errTooLarge)
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return fail(err)
		}
	}
}

// readRequestLine reads as much of the request line as arrives within 10
// ms, up to maxInlinePath bytes (with TCP_DEFER_ACCEPT it came before the
// accept), so that a 503 to HEAD has no body and its record names the
// target.
func (ex *exchange) readRequestLine() {
	var b [maxInlinePath]byte
	n := 0
	ex.conn.SetReadDeadline(time.Now().Add(min(10*time.Millisecond, ex.srv.readTimeout())))
	for n < len(b) && bytes.IndexByte(b[:n], '\n') < 0 {
		k, err := ex.conn.Read(b[n:])
		if n += k; err != nil {
			break
		}
	}
	ex.rec.BytesIn += int64(n)
	ex.req.ParseLeading(b[:n])
}

// unreserve gives back the memory counted for the exchange's grown
// buffer, and reports whether there was any.
func (ex *exchange) unreserve() bool {
	if ex.reserved == 0 {
		return false
	}
	ex.srv.requestMemory.Add(-ex.reserved)
	ex.reserved = 0
	return true
}

// earlyReply answers before the request's end with the RST-safe close
// (doc.go): write the reply, half-close, discard input until the client's
// EOF, bounded by LingerTimeout and lingerMaxBytes; finish then closes.
func (ex *exchange) earlyReply(status int, reason string) {
	if !ex.writePlain(status, reason) {
		return
	}
	cw, ok := ex.wconn.(closeWriter)
	if !ok || cw.CloseWrite() != nil {
		return
	}
	ex.setState(stateLingering)
	ex.conn.SetReadDeadline(time.Now().Add(ex.srv.lingerTimeout()))
	n, _ := io.CopyN(io.Discard, ex.conn, lingerMaxBytes)
	ex.rec.BytesIn += n
}

// writePlain writes a reply whose body is one line of text, and reports
// whether it was written whole.
func (ex *exchange) writePlain(status int, reason string, extra ...route.Header) bool {
	ex.rec.Status = status
	return ex.write(wire.PlainReply(status, reason, ex.req.HeadOnly(), ex.srv.dates.Get(time.Now()), extra...), nil, nil, nil)
}

// write writes the reply parts a, b, c and d, any of them empty, and
// reports whether they were written whole (see flush).
func (ex *exchange) write(a, b, c, d []byte) bool {
	ex.setState(stateWriting)
	ex.parts = [4][]byte{a, b, c, d}
	return ex.flush()
}

// flush writes the reply parts not yet written and records how it ended.
// On the acceptor it writes what the kernel takes at once and leaves the
// rest in ex.parts, for a goroutine to write; elsewhere it writes them all,
// with one writev, under the WriteTimeout deadline.
func (ex *exchange) flush() bool {
	var n int64
	var err error
	if ex.conn == nil {
		var k int
		k, err = ex.t.writeNow(ex.parts[:])
		n = int64(k)
		if err == socket.ErrWouldBlock {
			ex.rec.BytesOut += n
			return true
		}
	} else {
		ex.wconn.SetWriteDeadline(time.Now().Add(ex.srv.writeTimeout()))
		ex.out = ex.parts[:]
		n, err = ex.out.WriteTo(ex.wconn)
	}
	ex.parts = [4][]byte{}
	ex.rec.BytesOut += n
	if err != nil {
		ex.rec.End = writeEnd(err)
		return false
	}
	ex.rec.End = EndDelivered
	return true
}

// allWritten reports whether every part is empty.
func allWritten(parts [][]byte) bool {
	for _, p := range parts {
		if len(p) > 0 {
			return false
		}
	}
	return true
}

// writeEnd classifies a failed write.
func writeEnd(err error) End {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return EndWriteTimeout
	}
	return EndClientGone
}

func (ex *exchange) setState(st connState) {
	if ex.state == st {
		return
	}
	ex.srv.stats.states[ex.state].Add(-1)
	ex.srv.stats.states[st].Add(1)
	ex.state = st
}

// recoverPanic turns a panic in the exchange into a logged stack and, if no
// reply has started, a 500.
func (ex *exchange) recoverPanic() {
	if p := recover(); p != nil {
		ex.panicked(p)
	}
}

func (ex *exchange) panicked(p any) {
	ex.srv.logPanic(ex.rec.RemoteString(), p)
	if ex.rec.BytesOut == 0 && allWritten(ex.parts[:]) {
		ex.writePlain(500, "internal server error")
	}
}

// logPanic counts and logs, with its stack, a panic serving the client at
// remote.
func (s *Server) logPanic(remote string, p any) {
	s.stats.panics.Add(1)
	s.logger().Error("panic serving exchange", "remote", remote, "panic", p, "stack", string(debug.Stack()))
}

// finish releases the connection's admission and closes it, records the
// exchange, logs it, hands it to OnExchange, untracks the connection and
// returns the exchange to its pool. The admission goes first, so that a client that sees the close can
// connect again at once within its limits.
func (ex *exchange) finish() {
	s := ex.srv
	s.release(ex.adm)
	if ex.conn != nil {
		ex.conn.Close()
	} else {
		ex.t.close()
	}
	rec := &ex.rec
	rec.Duration = time.Since(rec.Start)
	rec.Method, rec.Target = ex.req.Method, ex.req.Target
	s.stats.states[ex.state].Add(-1)
	s.stats.replies[rec.Status].Add(1)
	if rec.Route == "" && rec.Status != 0 {
		s.stats.ownReplies[rec.Status].Add(1)
	}
	s.stats.ends[rec.End].Add(1)
	s.stats.bytesIn.Add(uint64(rec.BytesIn))
	s.stats.bytesOut.Add(uint64(rec.BytesOut))
	logger := s.logger()
	if logger.Enabled(context.Background(), slog.LevelInfo) {
		attrs := []slog.Attr{
			slog.String("remote", rec.RemoteString()),
			slog.String("method", rec.Method),
			slog.String("path", rec.Target),
			slog.String("route", rec.Route),
			slog.Int("status", rec.Status),
			slog.Int64("bytes_in", rec.BytesIn),
			slog.Int64("bytes_out", rec.BytesOut),
			slog.Duration("duration", rec.Duration),
			slog.String("end", rec.End.String()),
		}
		if rec.ClientSubject != "" {
			attrs = append(attrs, slog.String("client_subject", rec.ClientSubject))
		}
		logger.LogAttrs(context.Background(), slog.LevelInfo, "exchange", attrs...)
	}
	if s.OnExchange != nil {
		s.OnExchange(rec)
	}
	if ex.tracked { // last: Shutdown and Close return once every exchange is recorded
		tracked := ex.conn
		if ex.base != nil {
			tracked = ex.base
		}
		s.untrackConn(tracked)
	}
	ex.release()
}

// release returns ex, and its read buffer, to their pools, keeping the
// slices ex grew.
func (ex *exchange) release() {
	ex.unreserve()
	if ex.buf != nil && cap(*ex.buf) == readBufSize {
		*ex.buf = (*ex.buf)[:0]
		readBufPool.Put(ex.buf)
	}
	hdr := ex.req.Header[:0]
	*ex = exchange{}
	ex.req.Header = hdr
	exchangePool.Put(ex)
}

// heldExchange is an exchange waiting for more of its request, kept as just
// what is needed to take it up again, so that the exchange and its read
// buffer go back to their pools meanwhile. The connection stays counted as
// reading.
type heldExchange struct {
	tbl     *respond.Table
	adm     admission
	start   time.Time
	remote  netip.AddrPort
	bytesIn int64
	pending []byte
}

// park keeps in h what ex has read, and releases ex.
func (ex *exchange) park(h *heldExchange) {
	h.tbl, h.adm, h.start, h.remote, h.bytesIn = ex.tbl, ex.adm, ex.rec.Start, ex.rec.Remote, ex.rec.BytesIn
	read := ex.pending
	if ex.buf != nil {
		read = *ex.buf
	}
	h.pending = append(h.pending[:0], read...)
	ex.release()
}

// unpark takes the exchange up again, with the bytes read so far pending,
// in the reading state it never left.
func (h *heldExchange) unpark(s *Server) *exchange {
	ex := exchangePool.Get().(*exchange)
	ex.srv, ex.tbl, ex.adm, ex.state = s, h.tbl, h.adm, stateReading
	ex.rec = Exchange{Start: h.start, Remote: h.remote, BytesIn: h.bytesIn}
	ex.pending = h.pending
	return ex
}
