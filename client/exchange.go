package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"sync"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
	"github.com/tinyhttpd/tinyhttpd/internal/tlseof"
)

// closeWriter is the half-close that the exchange needs from its connection.
type closeWriter interface {
	CloseWrite() error
}

var _ closeWriter = (*net.TCPConn)(nil)

// readBufSize is the size of the pooled buffers that hold a reply's header
// section; larger header sections get a buffer of their own, up to the limit.
const readBufSize = 4 << 10

var readBufs = sync.Pool{New: func() any { b := make([]byte, readBufSize); return &b }}

// expired is a deadline in the past: setting it interrupts blocked I/O.
var expired = time.Unix(1, 0)

// exchange is one connection's exchange. It is the Response's Body: reads go
// to the embedded reply, and Close ends everything.
type exchange struct {
	reply
	resp      Response
	conn      net.Conn
	pooled    *[]byte
	stop      func() bool // stops the context watcher; nil if none
	writer    sync.WaitGroup
	halfClose bool
	cork      bool // TCP_CORK until the half-close
	closed    bool
	werr      error // the request writer's failure, once writer is done

	head    []byte        // request head, and the body too when it fits in headBuf
	body    []byte        // request body when not in head
	bodyRC  io.ReadCloser // request body from GetBody, sent after head and closed
	bufs    net.Buffers   // head and body for one writev
	vec     [2][]byte     // backing array for bufs
	headBuf [512]byte

	traceMu sync.Mutex
	traceFn func(Event)
}

// newExchange starts the exchange on conn: it ties the connection to ctx and
// starts writing req.
func newExchange(ctx context.Context, conn net.Conn, req *Request, body io.ReadCloser, maxHeader int, trace func(Event)) *exchange {
	x := &exchange{conn: conn, halfClose: !req.NoHalfClose, cork: !req.NoHalfClose && !req.NoCork, bodyRC: body}
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	if ctx.Done() != nil {
		x.stop = context.AfterFunc(ctx, func() { conn.SetDeadline(expired) })
	}
	x.pooled = readBufs.Get().(*[]byte)
	x.reply = reply{src: conn, ctx: ctx, max: maxHeader, buf: *x.pooled, httpExchange: req.NoHalfClose}
	x.head = req.appendHead(x.headBuf[:0])
	if trace != nil {
		x.traceFn = trace
		x.reply.trace = x.emit
		for line := range bytes.Lines(x.head) {
			x.emit(Event{Kind: EventRequestLine, Line: string(bytes.TrimSuffix(line, []byte("\r\n")))})
		}
	}
	switch {
	case body != nil:
	case len(x.head)+len(req.Body) <= len(x.headBuf):
		x.head = append(x.head, req.Body...)
	default:
		x.body = req.Body
	}
	x.writer.Go(x.write)
	return x
}

// write sends the request and half-closes. It runs while the reply is read,
// since the server may answer before reading the whole request; a failure
// here is then not the exchange's outcome, so it is only traced.
func (x *exchange) write() {
	var n int64
	var err error
	if tc, ok := x.conn.(*net.TCPConn); ok && x.cork {
		// The request's last segment then leaves with the FIN: the
		// server's first read finds the request whole, with the EOF.
		socket.SetCork(tc)
	}
	switch {
	case x.bodyRC != nil:
		n, err = x.writeFrom(x.bodyRC)
	case x.body == nil:
		var m int
		m, err = x.conn.Write(x.head)
		n = int64(m)
	default:
		x.bufs = append(x.vec[:0], x.head, x.body)
		n, err = x.bufs.WriteTo(x.conn)
	}
	x.werr = err
	halfClose := err == nil && x.halfClose
	if x.traceFn == nil {
		if halfClose {
			x.conn.(closeWriter).CloseWrite()
		}
		return
	}
	// Holding the lock from before the half-close until both events are
	// traced keeps the reply it prompts from being traced first; tracing
	// after the half-close keeps a slow trace from holding a corked
	// request's last segment.
	x.traceMu.Lock()
	defer x.traceMu.Unlock()
	var cerr error
	if halfClose {
		cerr = x.conn.(closeWriter).CloseWrite()
	}
	x.traceFn(Event{Kind: EventRequestSent, N: n, Err: err})
	if halfClose {
		x.traceFn(Event{Kind: EventWriteClosed, Err: cerr})
	}
}

// writeFrom sends the head, then the body read from body to its EOF,
// which it closes. When reading the body fails, the request cannot be
// whole: the connection is reset (abort), so that the server cannot take
// what came for a whole request, and the reply's read fails rather than
// wait for a server waiting for the rest.
func (x *exchange) writeFrom(body io.ReadCloser) (int64, error) {
	defer body.Close()
	m, err := x.conn.Write(x.head)
	if err != nil {
		return int64(m), err
	}
	var readErr error
	k, err := io.Copy(x.conn, readerFunc(func(p []byte) (int, error) {
		n, err := body.Read(p)
		if err != nil && err != io.EOF {
			readErr = err
		}
		return n, err
	}))
	if readErr != nil {
		x.abort()
		return int64(m) + k, &Error{Kind: Send, Op: "read request body", Err: readErr}
	}
	return int64(m) + k, err
}

// abort closes the connection with a reset: neither a FIN, which ends a
// request of the tiny protocol, nor a TLS close_notify, which ends a
// stream, so that the server sees the request fail. A Unix domain socket
// has no reset; its close is a FIN.
func (x *exchange) abort() {
	c := x.conn
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if u, ok := c.(*tlseof.Conn); ok {
		c = u.Conn
	}
	if tcp, ok := c.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	c.Close()
}

// readerFunc is a function that reads as an io.Reader does.
type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// sendGrace bounds the wait for the request writer once the reply has
// failed, to learn whether the failure came from sending. A writer that a
// reset connection stopped returns at once; one still sending to a live
// peer is cut short, and then the failure is not the sending's.
const sendGrace = 100 * time.Millisecond

// sendFailure turns a failure to read the reply's header section into Kind
// Send when writing the request failed first, the way curl tells a send
// failure (55) from a receive failure (56): a server that closes without
// reading the request resets the connection under the writer.
func (x *exchange) sendFailure(err error) error {
	if k := KindOf(err); k != Reset && k != Empty {
		return err
	}
	x.conn.SetWriteDeadline(time.Now().Add(sendGrace))
	x.writer.Wait()
	if x.werr == nil || isTimeout(x.werr) {
		return err
	}
	return &Error{Kind: Send, Op: "send request", Err: x.werr}
}

// emit calls the trace function, one event at a time.
func (x *exchange) emit(e Event) {
	x.traceMu.Lock()
	defer x.traceMu.Unlock()
	x.traceFn(e)
}

// Close closes the connection, waits for the request writer to stop, and
// releases the exchange's buffers. It must not be called while a Read is in
// progress; cancel the context to interrupt one. Reads after Close fail.
func (x *exchange) Close() error {
	if x.closed {
		return nil
	}
	x.closed = true
	err := x.conn.Close()
	x.writer.Wait()
	if x.stop != nil {
		x.stop()
	}
	x.err = errBodyClosed
	x.buf = nil
	readBufs.Put(x.pooled)
	return err
}
