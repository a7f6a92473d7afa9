package client

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
)

// maxChunkLine bounds a chunk-size line or a trailer line, CRLF included,
// so a server cannot make the client buffer a line without end. Chunk
// extensions, which the client ignores, must fit in it too.
const maxChunkLine = 4096

// chunkState is where the reader is in a chunked body:
//
//	chunked-body = *chunk last-chunk trailer-section CRLF
//	chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//	last-chunk   = 1*("0") [ chunk-ext ] CRLF
type chunkState uint8

const (
	chunkSize    chunkState = iota // before a chunk-size line
	chunkData                      // inside a chunk's data; want bytes are left
	chunkEnd                       // before the CRLF that ends a chunk's data
	chunkTrailer                   // after the last chunk: trailer lines up to an empty one
)

// readChunked reads a chunked body (RFC 9112 section 7.1). Chunk data is
// read straight into p when buf is empty; the framing goes through buf. The
// trailer section is kept in the Response's RawTrailer, and its size counts
// against the header limit. A body that ends early fails with Kind Truncated, broken
// framing with Kind BadChunk.
func (r *reply) readChunked(p []byte) (int, error) {
	for r.err == nil {
		switch r.chunk {
		case chunkSize:
			line, err := r.chunkLine()
			if err != nil {
				r.chunkFail(err)
				break
			}
			size, err := parseChunkSize(line)
			if err != nil {
				r.finish(&Error{Kind: BadChunk, Op: "read body", Err: err}, false)
				break
			}
			r.want = size
			r.chunk = chunkData
			if size == 0 {
				r.chunk = chunkTrailer
			}
		case chunkData:
			if len(p) == 0 {
				return 0, nil
			}
			n, err := r.readBody(p[:min(int64(len(p)), r.want)])
			r.want -= int64(n)
			if r.want == 0 {
				r.chunk = chunkEnd
			}
			if err != nil {
				r.chunkFail(err)
			}
			if n > 0 {
				return n, nil
			}
		case chunkEnd:
			if err := r.need(2); err != nil {
				r.chunkFail(err)
				break
			}
			if r.buf[r.off] != '\r' || r.buf[r.off+1] != '\n' {
				r.finish(&Error{Kind: BadChunk, Op: "read body", Err: fmt.Errorf("chunk data followed by %s instead of CRLF", quote(string(r.buf[r.off:r.off+2])))}, false)
				break
			}
			r.off += 2
			r.chunk = chunkSize
		case chunkTrailer:
			line, err := r.chunkLine()
			if err != nil {
				r.chunkFail(err)
				break
			}
			if r.trailer += len(line); r.trailer > r.max {
				r.finish(&Error{Kind: BadChunk, Op: "read body", Err: fmt.Errorf("trailer section larger than %d bytes", r.max)}, false)
				break
			}
			if string(line) == "\r\n" || string(line) == "\n" {
				if r.resp != nil && len(r.trailerRaw) > 0 {
					r.resp.RawTrailer = string(append(r.trailerRaw, line...))
				}
				r.drain()
				break
			}
			r.trailerRaw = append(r.trailerRaw, line...)
		}
	}
	return 0, r.err
}

// errChunkLine reports a chunk-size or trailer line longer than maxChunkLine.
var errChunkLine = fmt.Errorf("chunked body line longer than %d bytes", maxChunkLine)

// chunkLine returns the next line of the chunked body, LF included. It is
// valid until the next read into buf.
func (r *reply) chunkLine() ([]byte, error) {
	for {
		if i := bytes.IndexByte(r.buf[r.off:r.end], '\n'); i >= 0 {
			if i+1 > maxChunkLine {
				return nil, errChunkLine
			}
			line := r.buf[r.off : r.off+i+1]
			r.off += i + 1
			return line, nil
		}
		if r.end-r.off >= maxChunkLine {
			return nil, errChunkLine
		}
		if err := r.fill(); err != nil {
			return nil, err
		}
	}
}

// need reads until buf holds at least n unconsumed bytes; n must be small.
func (r *reply) need(n int) error {
	for r.end-r.off < n {
		if err := r.fill(); err != nil {
			return err
		}
	}
	return nil
}

// fill moves the unconsumed bytes of buf to its start and reads more after
// them. buf is never full when it is called: it holds at least maxChunkLine
// bytes, and no caller asks for more.
func (r *reply) fill() error {
	if r.off > 0 {
		r.end = copy(r.buf, r.buf[r.off:r.end])
		r.off = 0
	}
	n, err := r.src.Read(r.buf[r.end:])
	r.end += n
	r.received += int64(n)
	if n > 0 {
		return nil
	}
	return err
}

// chunkFail ends a chunked body on err: a read error, or errChunkLine.
func (r *reply) chunkFail(err error) {
	switch {
	case err == errChunkLine:
		r.finish(&Error{Kind: BadChunk, Op: "read body", Err: err}, false)
	case err == io.EOF:
		r.finish(&Error{Kind: Truncated, Op: "read body", Err: fmt.Errorf("%w: chunked body cut off after %d bytes", io.ErrUnexpectedEOF, r.n)}, true)
	default:
		r.finish(ioError(r.ctx, "read body", err), false)
	}
}

// parseChunkSize parses a chunk-size line, CRLF included: hexadecimal
// digits, then optional spaces or tabs and an extension after ";", or
// trailing spaces and tabs. The line must end
// in CRLF with no other CR: RFC 9112 does not allow a bare LF here (erratum
// 7633), and a lenient reader could frame the body differently from a proxy
// in front of it.
func parseChunkSize(line []byte) (int64, error) {
	s, ok := bytes.CutSuffix(line, []byte("\r\n"))
	if !ok || bytes.IndexByte(s, '\r') >= 0 {
		return 0, fmt.Errorf("chunk-size line %s does not end in CRLF", quote(string(line)))
	}
	s, _, _ = bytes.Cut(s, []byte(";"))
	s = bytes.TrimRight(s, " \t") // BWS before an extension (section 7.1.1)
	if len(s) == 0 || len(s) > 16 {
		return 0, fmt.Errorf("bad chunk size %s", quote(string(line)))
	}
	var n uint64
	for _, c := range s {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, fmt.Errorf("bad chunk size %s", quote(string(line)))
		}
		n = n<<4 | uint64(d)
	}
	if n > math.MaxInt64 {
		return 0, errors.New("chunk size too large")
	}
	return int64(n), nil
}
