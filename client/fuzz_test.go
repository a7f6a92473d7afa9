package client

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/httpsyntax"
)

// FuzzParseReply feeds arbitrary bytes, in chunks of arbitrary size, to the
// reply reader with an arbitrary header limit, and checks that the result is
// consistent with the input whatever it is.
func FuzzParseReply(f *testing.F) {
	f.Add([]byte(helloReply), uint16(4096), false, uint8(0))
	f.Add([]byte(helloReply), uint16(4096), true, uint8(1))
	f.Add([]byte("HTTP/1.0 200 OK\nContent-Length: 3\n\nabc"), uint16(64), false, uint8(3))
	f.Add([]byte("HTTP/1.1 204\r\n\r\n"), uint16(16), false, uint8(0))
	f.Add([]byte("HTTP/1.0 200 OK\r\nContent-Length: 9\r\n\r\nshort"), uint16(4096), false, uint8(2))
	f.Add([]byte("HTTP/1.0 200 OK\r\nX: a\r\n folded\r\n\r\n"), uint16(4096), false, uint8(0))
	f.Add([]byte("HTTP/1.0 200 OK\r\n\r\nto EOF"), uint16(18), false, uint8(0))
	f.Add([]byte(""), uint16(0), false, uint8(0))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), uint16(4096), false, uint8(5))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"), uint16(4096), false, uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, max uint16, head bool, chunk uint8) {
		limit := 1 + int(max)
		var src io.Reader = bytes.NewReader(data)
		if chunk > 0 {
			src = &chunkReader{src, int(chunk)}
		}
		resp, body, skipped, err := readReplySkipped(src, limit, head)
		kind := KindOf(err)
		if resp == nil {
			switch {
			case kind == Empty && len(data) != 0:
				t.Fatalf("Empty for %d bytes", len(data))
			case kind != Empty && kind != Truncated && kind != Malformed && kind != HeaderTooLarge:
				t.Fatalf("header error %v of kind %v", err, kind)
			}
			return
		}
		checkResponse(t, resp, data[skipped:], limit-skipped)
		rest := data[skipped+len(resp.RawHeader):]
		length := resp.ContentLength
		switch {
		case head || !hasBody(resp.StatusCode):
			if err != nil || len(body) != 0 {
				t.Fatalf("body %q, error %v for a reply without body", body, err)
			}
		case resp.Chunked:
			// FuzzChunked checks the decoding itself.
			if err != nil && kind != Truncated && kind != BadChunk {
				t.Fatalf("chunked body error %v of kind %v", err, kind)
			}
		case length < 0:
			if err != nil || !bytes.Equal(body, rest) {
				t.Fatalf("body %q, error %v; want everything after the header", body, err)
			}
		case int64(len(rest)) >= length:
			if err != nil || !bytes.Equal(body, rest[:length]) {
				t.Fatalf("body %q, error %v; want %d bytes", body, err, length)
			}
		default:
			if kind != Truncated || !bytes.Equal(body, rest) {
				t.Fatalf("body %q, error %v; want a truncated body", body, err)
			}
		}
	})
}

// checkResponse checks what must hold for any header section that parsed.
func checkResponse(t *testing.T, resp *Response, data []byte, limit int) {
	t.Helper()
	raw := resp.RawHeader
	if !bytes.HasPrefix(data, []byte(raw)) || len(raw) > limit || !strings.HasSuffix(raw, "\n") {
		t.Fatalf("raw header %q of input %q, limit %d", raw, data, limit)
	}
	if resp.StatusCode < 100 || resp.StatusCode > 999 || !strings.HasPrefix(resp.Proto, "HTTP/1.") {
		t.Fatalf("status %q %d", resp.Proto, resp.StatusCode)
	}
	if resp.ContentLength < -1 {
		t.Fatalf("content length %d", resp.ContentLength)
	}
	for _, h := range resp.Header {
		if !httpsyntax.IsToken(h.Name) || strings.ContainsAny(h.Value, "\r\n\x00") {
			t.Fatalf("header %q", h)
		}
	}
}

// chunkReader returns at most n bytes per Read, as a socket may.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	return c.r.Read(p[:min(len(p), c.n)])
}
