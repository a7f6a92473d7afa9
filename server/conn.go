package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/tinyhttpd/tinyhttpd/config"
)

// closeWriter is a connection that can half-close: send FIN and keep reading.
type closeWriter interface {
	CloseWrite() error
}

var _ closeWriter = (*net.TCPConn)(nil)

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

// errTooLarge is a request over MaxRequestBytes.
var errTooLarge = errors.New("server: request too large")

// readBufSize is the read buffer an exchange starts with; buffers grow for
// larger requests and only small ones go back to the pool.
const (
	readBufSize    = 4 << 10
	maxPooledBytes = 64 << 10
)

var readBufPool = sync.Pool{New: func() any { b := make([]byte, 0, readBufSize); return &b }}

// exchange is one connection's request and reply. Exchanges are pooled,
// with the slices they grow, so a static exchange allocates only the copy
// of its target.
type exchange struct {
	srv  *Server
	conn net.Conn // read from and closed
	// wconn is written to and half-closed: conn itself, or the connection
	// conn wraps (see writeConner).
	wconn net.Conn
	state connState
	buf   *[]byte
	req   Request
	rec   Exchange
	out   net.Buffers // the reply's parts, written with one writev
	parts [4][]byte   // backing array of out

	// Set by the reads that do not wait (eager.go).
	pending []byte        // request bytes read, while no pooled buffer is held
	eof     bool          // the whole request is in buf
	parsed  bool          // req, or perr, holds the parsed request
	perr    *RequestError // the request's parse error
	readErr error         // such a read failed
	inline  bool          // on the accept goroutine: the reply is small and cannot block
	readFn  func(uintptr) bool

	// A raw exchange is served on a bare socket, without conn, on the
	// accept goroutine (accept_linux.go).
	raw  bool
	fd   int
	file *os.File // owns fd once net.FileConn has been tried
}

var exchangePool = sync.Pool{New: func() any { return new(exchange) }}

// serveConn runs one exchange on c with table t, or answers 503 with the
// reason reject when it is not empty. It always closes c.
func (s *Server) serveConn(c net.Conn, t *Table, reject string) {
	s.runExchange(s.newExchange(c), t, reject)
}

// newExchange starts an exchange on c, in the reading state.
func (s *Server) newExchange(c net.Conn) *exchange {
	ex := exchangePool.Get().(*exchange)
	ex.srv, ex.conn, ex.wconn, ex.state = s, c, c, stateReading
	if wc, ok := c.(writeConner); ok {
		ex.wconn = wc.WriteConn()
	}
	ex.rec = Exchange{Start: time.Now(), Remote: remoteAddr(c)}
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

// runExchange runs ex with table t, or answers 503 with the reason reject
// when it is not empty. It always closes the connection.
func (s *Server) runExchange(ex *exchange, t *Table, reject string) {
	if !ex.raw {
		defer s.untrackConn(ex.conn, reject != "")
	}
	defer ex.finish()
	defer ex.recoverPanic()

	if reject != "" {
		ex.earlyReply(503, reject)
		return
	}
	if ex.parsed {
		ex.replyParsed(t)
		return
	}
	body, err := ex.readRequest()
	switch {
	case err == nil:
	case errors.Is(err, errTooLarge):
		ex.earlyReply(413, fmt.Sprintf("request larger than %d bytes", s.maxRequestBytes()))
		return
	case errors.Is(err, os.ErrDeadlineExceeded):
		ex.earlyReply(408, fmt.Sprintf("request not completed by a half-close within %s", s.readTimeout()))
		return
	default:
		ex.rec.End = EndReset
		return
	}
	ex.setState(stateWriting)
	if perr := parseRequest(body, &ex.req); perr != nil {
		ex.writePlain(perr.Status, perr.Reason)
		return
	}
	ex.respond(t)
}

// readRequest reads until EOF, under the ReadTimeout deadline, through a
// limit of MaxRequestBytes+1 so that a request of exactly the limit and one
// byte more differ.
func (ex *exchange) readRequest() ([]byte, error) {
	limit := ex.srv.maxRequestBytes()
	if ex.readErr != nil {
		return nil, ex.readErr
	}
	if ex.buf == nil {
		ex.buf = readBufPool.Get().(*[]byte)
		*ex.buf = append((*ex.buf)[:0], ex.pending...)
		ex.pending = nil
	}
	b := *ex.buf
	switch {
	case int64(len(b)) > limit:
		ex.req.Method = leadingMethod(b)
		return nil, errTooLarge
	case ex.eof:
		return b, nil
	}
	ex.conn.SetReadDeadline(ex.rec.Start.Add(ex.srv.readTimeout()))
	defer func() { *ex.buf = b[:0] }()
	for {
		if len(b) == cap(b) {
			b = slices.Grow(b, int(min(int64(max(len(b), readBufSize)), limit+1-int64(len(b)))))
		}
		n, err := ex.conn.Read(b[len(b):min(int64(cap(b)), limit+1)])
		b = b[:len(b)+n]
		ex.rec.BytesIn += int64(n)
		if int64(len(b)) > limit {
			ex.req.Method = leadingMethod(b)
			return nil, errTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			ex.req.Method = leadingMethod(b)
			return nil, err
		}
	}
}

// earlyReply answers before the request's end with the RST-safe close:
// write the reply, half-close, discard input until the client's EOF (bounded
// by LingerTimeout and lingerMaxBytes); finish then closes. Closing with
// unread input would make the kernel send RST, which can destroy the reply
// before the client reads it.
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
func (ex *exchange) writePlain(status int, reason string, extra ...config.Header) bool {
	ex.rec.Status = status
	return ex.write(plainReply(status, reason, ex.req.headOnly(), ex.srv.dates.get(time.Now()), extra...), nil, nil, nil)
}

// write writes the reply parts a, b, c and d, any of them empty, with one
// writev under the WriteTimeout deadline, and records how it ended.
func (ex *exchange) write(a, b, c, d []byte) bool {
	ex.setState(stateWriting)
	ex.parts = [4][]byte{a, b, c, d}
	var n int64
	var err error
	if ex.raw {
		n, err = ex.writeRaw()
	} else {
		if !ex.inline {
			ex.wconn.SetWriteDeadline(time.Now().Add(ex.srv.writeTimeout()))
		}
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
	p := recover()
	if p == nil {
		return
	}
	ex.srv.stats.panics.Add(1)
	ex.srv.logger().Error("panic serving exchange", "remote", ex.rec.Remote.String(), "panic", p, "stack", string(debug.Stack()))
	if ex.rec.BytesOut == 0 {
		ex.writePlain(500, "internal server error")
	}
}

// finish closes the connection, records the exchange, logs it, hands it to
// OnExchange and returns the exchange to its pool.
func (ex *exchange) finish() {
	if ex.raw {
		ex.closeRaw()
	} else {
		ex.conn.Close()
	}
	s := ex.srv
	rec := &ex.rec
	rec.Duration = time.Since(rec.Start)
	rec.Method, rec.Target = ex.req.Method, ex.req.Target
	s.stats.states[ex.state].Add(-1)
	s.stats.replies[rec.Status].Add(1)
	s.stats.ends[rec.End].Add(1)
	s.stats.bytesIn.Add(uint64(rec.BytesIn))
	s.stats.bytesOut.Add(uint64(rec.BytesOut))
	if ex.buf != nil {
		if cap(*ex.buf) <= maxPooledBytes {
			readBufPool.Put(ex.buf)
		}
		ex.buf = nil
	}
	logger := s.logger()
	if logger.Enabled(context.Background(), slog.LevelInfo) {
		logger.LogAttrs(context.Background(), slog.LevelInfo, "exchange",
			slog.String("remote", rec.Remote.String()),
			slog.String("method", rec.Method),
			slog.String("path", rec.Target),
			slog.String("route", rec.Route),
			slog.Int("status", rec.Status),
			slog.Int64("bytes_in", rec.BytesIn),
			slog.Int64("bytes_out", rec.BytesOut),
			slog.Duration("duration", rec.Duration),
			slog.String("end", rec.End.String()),
		)
	}
	if s.OnExchange != nil {
		s.OnExchange(rec)
	}
	ex.release()
}

// release returns ex to its pool, keeping the slices and closures it grew.
func (ex *exchange) release() {
	hdr, readFn := ex.req.Header[:0], ex.readFn
	*ex = exchange{}
	ex.req.Header, ex.readFn = hdr, readFn
	exchangePool.Put(ex)
}
