package client

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readReply reads a whole reply from src as an exchange does, without a
// connection.
func readReply(src io.Reader, max int, head bool) (*Response, []byte, error) {
	resp, body, _, err := readReplySkipped(src, max, head)
	return resp, body, err
}

// readReplySkipped is readReply that also returns the number of bytes of
// interim replies before the final header section.
func readReplySkipped(src io.Reader, max int, head bool) (*Response, []byte, int, error) {
	r := &reply{src: src, max: max, buf: make([]byte, readBufSize)}
	var resp Response
	if err := r.readHead(&resp, head); err != nil {
		return nil, nil, 0, err
	}
	body, err := io.ReadAll(r)
	return &resp, body, r.skipped, err
}

func TestReadReply(t *testing.T) {
	tests := []struct {
		name   string
		reply  string
		head   bool
		status int
		length int64
		body   string
		kind   Kind // Unknown: no error
	}{
		{name: "complete", reply: helloReply, status: 200, length: 13, body: "hello, world\n"},
		{name: "HEAD", reply: helloReply, head: true, status: 200, length: 13},
		{name: "no Content-Length", reply: "HTTP/1.0 200 OK\r\n\r\nall of it", status: 200, length: -1, body: "all of it"},
		{name: "empty body", reply: "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", status: 200, body: ""},
		{name: "extra bytes", reply: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nabcdef", status: 200, length: 2, body: "ab"},
		{name: "204 ignores Content-Length", reply: "HTTP/1.0 204 No Content\r\nContent-Length: 5\r\n\r\n", status: 204, length: 5},
		{name: "304 ignores Content-Length", reply: "HTTP/1.0 304 Not Modified\r\nContent-Length: 5\r\n\r\n", status: 304, length: 5},
		{name: "bare LF", reply: "HTTP/1.0 404 Not Found\nContent-Length: 2\n\nno", status: 404, length: 2, body: "no"},
		{name: "mixed line endings", reply: "HTTP/1.0 200 OK\r\nA: b\n\r\nx", status: 200, length: -1, body: "x"},
		{name: "same Content-Length twice", reply: "HTTP/1.0 200 OK\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\nx", status: 200, length: 1, body: "x"},
		{name: "truncated body", reply: "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nab", status: 200, length: 5, body: "ab", kind: Truncated},
		{name: "empty", reply: "", kind: Empty},
		{name: "EOF in header", reply: "HTTP/1.0 200 OK\r\n", kind: Truncated},
		{name: "EOF in status line", reply: "HTT", kind: Truncated},
		{name: "HTTP/0.9", reply: "<html>", kind: Malformed},
		{name: "conflicting Content-Length", reply: "HTTP/1.0 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", kind: Malformed},
		{name: "Content-Length overflow", reply: "HTTP/1.0 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", kind: Malformed},
		{name: "folded header", reply: "HTTP/1.0 200 OK\r\nX-A: one\r\n  two\r\n\tthree\r\nContent-Length: 1\r\n\r\nx", status: 200, length: 1, body: "x"},
		{name: "folded Content-Length", reply: "HTTP/1.0 200 OK\r\nContent-Length:\r\n 1\r\n\r\nxy", status: 200, length: 1, body: "x"},
		{name: "fold before any field", reply: "HTTP/1.0 200 OK\r\n folded\r\n\r\n", kind: Malformed},
		{name: "empty first line", reply: "\r\nHTTP/1.0 200 OK\r\n\r\n", kind: Malformed},
	}
	for _, tt := range tests {
		for _, chunked := range []bool{false, true} {
			src := io.Reader(strings.NewReader(tt.reply))
			name := tt.name
			if chunked {
				src, name = iotest.OneByteReader(src), name+"/one byte reads"
			}
			t.Run(name, func(t *testing.T) {
				resp, body, err := readReply(src, DefaultMaxHeaderBytes, tt.head)
				if KindOf(err) != tt.kind {
					t.Fatalf("error %v, want kind %v", err, tt.kind)
				}
				if resp == nil {
					return
				}
				if resp.StatusCode != tt.status || resp.ContentLength != tt.length || string(body) != tt.body {
					t.Errorf("got %d, length %d, body %q", resp.StatusCode, resp.ContentLength, body)
				}
			})
		}
	}
}

// TestFoldedHeader checks that a folded field value (obs-fold) is joined
// with a space, as RFC 9112 section 5.2 tells a client, and that the raw
// header section keeps the fold as received.
func TestFoldedHeader(t *testing.T) {
	raw := "HTTP/1.0 200 OK\r\nX-A: one \r\n  two\r\n\tthree\r\nContent-Length: 0\r\n\r\n"
	resp, _, err := readReply(strings.NewReader(raw), DefaultMaxHeaderBytes, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Header) != 2 || resp.Header[0] != (Header{"X-A", "one two three"}) || resp.RawHeader != raw {
		t.Errorf("header %q, raw %q", resp.Header, resp.RawHeader)
	}
}

// TestInterimAndTrailer checks that the interim replies and a chunked
// body's trailer section are kept as received.
func TestInterimAndTrailer(t *testing.T) {
	interim := "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
	head := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	trailer := "X-Sum: 1\r\nX-Other: 2\r\n\r\n"
	for _, tt := range []struct{ body, trailer string }{
		{"2\r\nok\r\n0\r\n" + trailer, trailer},
		{"2\r\nok\r\n0\r\n\r\n", ""},
	} {
		resp, body, err := readReply(iotest.OneByteReader(strings.NewReader(interim+head+tt.body)), DefaultMaxHeaderBytes, false)
		if err != nil {
			t.Fatal(err)
		}
		if resp.RawInterim != interim || resp.RawHeader != head || string(body) != "ok" || resp.RawTrailer != tt.trailer {
			t.Errorf("interim %q, head %q, body %q, trailer %q", resp.RawInterim, resp.RawHeader, body, resp.RawTrailer)
		}
	}
}

// TestHeaderSectionGrows reads a header section larger than a pooled buffer.
func TestHeaderSectionGrows(t *testing.T) {
	long := strings.Repeat("v", 3*readBufSize)
	reply := "HTTP/1.0 200 OK\r\nX-Long: " + long + "\r\nContent-Length: 2\r\n\r\nok"
	resp, body, err := readReply(strings.NewReader(reply), DefaultMaxHeaderBytes, false)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header[0].Value != long || string(body) != "ok" {
		t.Errorf("header of %d bytes, body %q", len(resp.Header[0].Value), body)
	}
}

// TestDrainBounded checks that bytes beyond the body stop being read after
// maxDrain, so a server that never closes cannot hold a finished body.
func TestDrainBounded(t *testing.T) {
	src := io.MultiReader(strings.NewReader("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"), endless{})
	_, body, err := readReply(src, DefaultMaxHeaderBytes, false)
	if err != nil || string(body) != "ok" {
		t.Errorf("body %q, error %v", body, err)
	}
}

// endless is a reader that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) { return len(p), nil }

// TestBodyEndsWithEOF checks a body whose last bytes come with io.EOF, as
// crypto/tls returns them when the server's close_notify follows at once:
// the body is complete, whatever frames it.
func TestBodyEndsWithEOF(t *testing.T) {
	body := strings.Repeat("0123456789", 1000) // beyond the first read
	for name, reply := range map[string]string{
		"Content-Length": "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n" + body,
		"to the close":   "HTTP/1.1 200 OK\r\n\r\n" + body,
		"chunked":        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2710\r\n" + body + "\r\n0\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, got, err := readReply(iotest.DataErrReader(strings.NewReader(reply)), DefaultMaxHeaderBytes, false)
			if err != nil || string(got) != body {
				t.Errorf("%d bytes, %v; want %d bytes", len(got), err, len(body))
			}
		})
	}
}
