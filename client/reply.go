package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tinyhttpd/tinyhttpd/internal/tlseof"
)

// maxDrain bounds the bytes read and dropped after a complete body while
// waiting for the server to close, so a server that streams forever cannot
// keep a finished exchange going.
const maxDrain = 64 << 10

var (
	errEmpty      = errors.New("server closed the connection without replying")
	errBodyClosed = errors.New("client: read on closed response body")
)

// reply reads one reply from src: first the header section, buffered in buf,
// then the body, starting with what buf holds beyond the header section.
type reply struct {
	src      io.Reader
	ctx      context.Context // nil when nothing can cancel the read
	trace    func(Event)     // nil when not tracing
	tls      *tlseof.Conn    // under src over TLS, else nil
	max      int             // limit on the header sections, in bytes
	buf      []byte
	off      int   // start of the bytes in buf not yet consumed
	end      int   // end of the bytes read into buf
	want     int64 // body bytes still expected, of the current chunk if chunked; -1 means up to EOF
	n        int64 // body bytes delivered
	received int64 // bytes read from src
	skipped  int   // bytes of interim (1xx) header sections dropped
	err      error // sticky: io.EOF after a complete body
	// httpExchange: the request was not half-closed, as an HTTP server
	// needs (Request.NoHalfClose).
	httpExchange bool
	// endAtBody ends the reply with its complete body, without reading on
	// to the server's close: in an HTTP exchange whose server means to keep
	// the connection open (keepsOpen).
	endAtBody bool

	chunked    bool       // the body is chunked; see readChunked
	chunk      chunkState // where the chunked body is
	trailer    int        // bytes of the chunked body's trailer section so far
	trailerRaw []byte     // the trailer fields so far
	resp       *Response  // the reply's Response, for its RawTrailer
}

// readHead reads the header section into buf and parses it into resp. noBody
// is set for a HEAD request, whose reply has no body whatever it says.
// Interim replies (1xx other than 101) are read, traced and kept in
// resp.RawInterim; their bytes count against the same limit as the final
// header section's.
func (r *reply) readHead(resp *Response, noBody bool) error {
	r.resp = resp
	scanned, lineStart := 0, 0
	var err error
	for {
		for scanned < r.end {
			i := bytes.IndexByte(r.buf[scanned:r.end], '\n')
			if i < 0 {
				scanned = r.end
				break
			}
			lf := scanned + i
			if lf != lineStart && (lf != lineStart+1 || r.buf[lineStart] != '\r') {
				lineStart, scanned = lf+1, lf+1
				continue
			}
			interim, perr := r.parseHead(lf+1, resp, noBody)
			if perr != nil || !interim {
				return perr
			}
			r.skipped += lf + 1
			resp.RawInterim += string(r.buf[:lf+1])
			r.end = copy(r.buf, r.buf[lf+1:r.end])
			r.off, scanned, lineStart = 0, 0, 0
		}
		if got := r.buf[:min(r.end, len("HTTP/"))]; !bytes.HasPrefix([]byte("HTTP/"), got) {
			return &Error{Kind: Malformed, Op: "read header", Err: fmt.Errorf("not an HTTP reply: %s", quote(string(r.buf[:r.end])))}
		}
		limit := r.max - r.skipped
		switch {
		case err == io.EOF && r.received == 0:
			r.peerClosed()
			return &Error{Kind: Empty, Op: "read header", Err: errEmpty}
		case err == io.EOF:
			r.peerClosed()
			return &Error{Kind: Truncated, Op: "read header", Err: fmt.Errorf("%w: reply ended inside the header section after %d bytes", io.ErrUnexpectedEOF, r.received)}
		case err != nil:
			return ioError(r.ctx, "read header", err)
		case r.end >= limit:
			return &Error{Kind: HeaderTooLarge, Op: "read header", Err: fmt.Errorf("header section larger than %d bytes", r.max)}
		case r.end == len(r.buf):
			grown := make([]byte, min(2*len(r.buf), limit))
			copy(grown, r.buf[:r.end])
			r.buf = grown
		}
		var n int
		n, err = r.src.Read(r.buf[r.end:min(len(r.buf), limit)])
		r.end += n
		r.received += int64(n)
	}
}

// parseHead parses the first n bytes of buf, a header section, and sets up
// the body that follows them. It reports whether the section was an interim
// reply, which the caller drops.
func (r *reply) parseHead(n int, resp *Response, noBody bool) (interim bool, err error) {
	raw := string(r.buf[:n])
	r.off = n
	if r.trace != nil {
		r.traceHead(raw)
	}
	if err := parseHead(raw, resp); err != nil {
		return false, &Error{Kind: Malformed, Op: "read header", Err: err}
	}
	if resp.StatusCode < 200 && resp.StatusCode != 101 {
		return true, nil
	}
	r.want = resp.ContentLength
	bodiless := noBody || !hasBody(resp.StatusCode)
	r.endAtBody = r.httpExchange && keepsOpen(resp, bodiless)
	if bodiless {
		r.want = 0
	} else if resp.Chunked {
		r.chunked, r.chunk, r.want = true, chunkSize, 0
	}
	return false, nil
}

// keepsOpen reports whether the server of resp means to keep the
// connection open after it (RFC 9112 section 9.3): an HTTP/1.1 reply
// without "Connection: close", or an HTTP/1.0 one with "Connection:
// keep-alive", whose body ends by its length or last chunk, or that has
// none (bodiless: a 204, a 304, the reply to HEAD). The request asked for
// the close, but such a server may not close for a long while, and the
// reply is whole without it.
func keepsOpen(resp *Response, bodiless bool) bool {
	if !bodiless && resp.ContentLength < 0 && !resp.Chunked {
		return false
	}
	keep := resp.Proto == "HTTP/1.1"
	for _, h := range resp.Header {
		if strings.EqualFold(h.Name, "Connection") {
			for _, opt := range strings.Split(h.Value, ",") {
				switch opt = strings.TrimSpace(opt); {
				case strings.EqualFold(opt, "close"):
					return false
				case strings.EqualFold(opt, "keep-alive"):
					keep = true
				}
			}
		}
	}
	return keep
}

// traceHead reports the lines of the header section.
func (r *reply) traceHead(raw string) {
	line, rest := nextLine(raw)
	r.trace(Event{Kind: EventStatusLine, Line: line})
	for rest != "" {
		line, rest = nextLine(rest)
		r.trace(Event{Kind: EventHeaderLine, Line: line})
	}
}

// Read reads the body. It returns io.EOF once the body is complete and the
// server has closed, or after maxDrain bytes beyond the body; when the
// server means to keep the connection open (keepsOpen), once the body is
// complete.
func (r *reply) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.chunked {
		return r.readChunked(p)
	}
	if r.want == 0 {
		r.drain()
		return 0, r.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if r.want > 0 && int64(len(p)) > r.want {
		p = p[:r.want]
	}
	n, err := r.readBody(p)
	if r.want > 0 {
		r.want -= int64(n)
	}
	if err != nil {
		r.fail(err)
	}
	if n > 0 {
		return n, nil
	}
	return 0, r.err
}

// readBody reads body bytes into p: first those already in buf, then
// straight from src.
func (r *reply) readBody(p []byte) (int, error) {
	var n int
	var err error
	if r.off < r.end {
		n = copy(p, r.buf[r.off:r.end])
		r.off += n
	} else {
		n, err = r.src.Read(p)
		r.received += int64(n)
	}
	r.n += int64(n)
	return n, err
}

// drain reads and drops what follows a complete body until the server closes
// the connection, which ends the exchange. A failure there is not the
// exchange's: the body is already whole.
func (r *reply) drain() {
	if r.endAtBody {
		r.off = r.end
		r.finish(io.EOF, false)
		return
	}
	dropped := r.end - r.off
	r.off = r.end
	closed := false
	for dropped <= maxDrain {
		n, err := r.src.Read(r.buf)
		dropped += n
		r.received += int64(n)
		if err != nil {
			closed = err == io.EOF
			break
		}
	}
	r.finish(io.EOF, closed)
}

// fail ends a body whose read returned err.
func (r *reply) fail(err error) {
	switch {
	case err == io.EOF && r.want <= 0:
		// Up to the close, or the last bytes came with the EOF, as
		// crypto/tls returns them when a close_notify follows at once.
		r.finish(io.EOF, true)
	case err == io.EOF:
		r.finish(&Error{Kind: Truncated, Op: "read body", Err: fmt.Errorf("%w: got %d of %d body bytes", io.ErrUnexpectedEOF, r.n, r.n+r.want)}, true)
	default:
		r.finish(ioError(r.ctx, "read body", err), false)
	}
}

// finish records how the body ended and reports it.
func (r *reply) finish(err error, peerClosed bool) {
	r.err = err
	if r.trace == nil {
		return
	}
	r.trace(Event{Kind: EventBodyRead, N: r.n})
	if peerClosed {
		r.peerClosed()
	}
}

// peerClosed reports the server's close with the bytes it sent.
func (r *reply) peerClosed() {
	if r.trace != nil {
		r.trace(Event{Kind: EventPeerClosed, N: r.received, CloseNotify: r.tls != nil && !r.tls.FIN()})
	}
}
