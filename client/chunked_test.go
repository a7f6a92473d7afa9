package client

import (
	"bytes"
	"io"
	"net"
	"net/http/httputil"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

const chunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

// closingChunkedHead is chunkedHead from a server that closes after the
// reply, and says so.
const closingChunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"

func TestReadChunked(t *testing.T) {
	tests := []struct {
		name string
		body string // after chunkedHead
		want string
		kind Kind // Unknown: no error
	}{
		{name: "one chunk", body: "5\r\nhello\r\n0\r\n\r\n", want: "hello"},
		{name: "several chunks", body: "3\r\nabc\r\n1\r\nd\r\nA\r\n0123456789\r\n0\r\n\r\n", want: "abcd0123456789"},
		{name: "no chunks", body: "0\r\n\r\n", want: ""},
		{name: "upper and lower hex", body: "a\r\n0123456789\r\nB\r\n0123456789a\r\n0\r\n\r\n", want: "01234567890123456789a"},
		{name: "hex digits c to f", body: "fEdC\r\n" + strings.Repeat("x", 0xfedc) + "\r\nFeDc\r\n" + strings.Repeat("y", 0xfedc) + "\r\n0\r\n\r\n", want: strings.Repeat("x", 0xfedc) + strings.Repeat("y", 0xfedc)},
		{name: "leading zeros", body: "0003\r\nabc\r\n000\r\n\r\n", want: "abc"},
		{name: "extensions", body: "3;name=value\r\nabc\r\n0;last\r\n\r\n", want: "abc"},
		{name: "space before the extension", body: "5 ;x\r\nhello\r\n0 \t;last\r\n\r\n", want: "hello"},
		{name: "trailing space", body: "3 \t\r\nabc\r\n0\r\n\r\n", want: "abc"},
		{name: "trailer fields", body: "3\r\nabc\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n", want: "abc"},
		{name: "bytes after the body", body: "3\r\nabc\r\n0\r\n\r\nGARBAGE", want: "abc"},
		{name: "16 hex digits", body: "0000000000000003\r\nabc\r\n0\r\n\r\n", want: "abc"},

		{name: "EOF before a size", body: "", kind: Truncated},
		{name: "EOF in a size line", body: "3\r", kind: Truncated},
		{name: "EOF in data", body: "5\r\nhel", want: "hel", kind: Truncated},
		{name: "EOF before CRLF after data", body: "5\r\nhello", want: "hello", kind: Truncated},
		{name: "EOF before the last chunk", body: "5\r\nhello\r\n", want: "hello", kind: Truncated},
		{name: "EOF in the trailer", body: "5\r\nhello\r\n0\r\nX: 1\r\n", want: "hello", kind: Truncated},
		{name: "EOF before the final CRLF", body: "5\r\nhello\r\n0\r\n", want: "hello", kind: Truncated},

		{name: "bare LF after the size", body: "5\nhello\r\n0\r\n\r\n", kind: BadChunk},
		{name: "CR inside the size line", body: "5\r;x\r\nhello\r\n0\r\n\r\n", kind: BadChunk},
		{name: "CR inside the extension", body: "5;x\ry\r\nhello\r\n0\r\n\r\n", kind: BadChunk},
		{name: "not hex", body: "g\r\nhello\r\n0\r\n\r\n", kind: BadChunk},
		{name: "empty size", body: "\r\nhello\r\n0\r\n\r\n", kind: BadChunk},
		{name: "sign", body: "+5\r\nhello\r\n0\r\n\r\n", kind: BadChunk},
		{name: "17 hex digits", body: "00000000000000005\r\nhello\r\n0\r\n\r\n", kind: BadChunk},
		{name: "size over int64", body: "8000000000000000\r\nhello\r\n", kind: BadChunk},
		{name: "data longer than its size", body: "3\r\nhello\r\n0\r\n\r\n", want: "hel", kind: BadChunk},
		{name: "bare LF after data", body: "5\r\nhello\n0\r\n\r\n", want: "hello", kind: BadChunk},
		{name: "another byte than CR before LF after data", body: "5\r\nhelloX\n0\r\n\r\n", want: "hello", kind: BadChunk},
		{name: "size line too long", body: "5;" + strings.Repeat("x", maxChunkLine) + "\r\nhello\r\n0\r\n\r\n", kind: BadChunk},
		{name: "endless size line", body: strings.Repeat("0", 3*maxChunkLine), kind: BadChunk},
		{name: "trailer too large", body: "0\r\n" + strings.Repeat("X-Filler: "+strings.Repeat("x", 1000)+"\r\n", 70) + "\r\n", kind: BadChunk},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			name := tt.name
			src := io.Reader(strings.NewReader(chunkedHead + tt.body))
			if oneByte {
				name, src = name+"/one byte reads", iotest.OneByteReader(src)
			}
			t.Run(name, func(t *testing.T) {
				resp, body, err := readReply(src, DefaultMaxHeaderBytes, false)
				if resp == nil {
					t.Fatalf("header: %v", err)
				}
				if !resp.Chunked || resp.ContentLength != -1 {
					t.Errorf("Chunked %v, ContentLength %d", resp.Chunked, resp.ContentLength)
				}
				if KindOf(err) != tt.kind {
					t.Errorf("error %v, want kind %v", err, tt.kind)
				}
				if string(body) != tt.want {
					t.Errorf("body %q, want %q", body, tt.want)
				}
			})
		}
	}
}

func TestTransferEncoding(t *testing.T) {
	tests := []struct {
		name    string
		reply   string
		head    bool
		chunked bool
		body    string
	}{
		{"chunked overrides Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", false, true, "abc"},
		{"chunked last of several", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", false, true, "abc"},
		{"chunked in a second field", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", false, true, "abc"},
		{"chunked not last: up to EOF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc\r\n", false, false, "3\r\nabc\r\n"},
		{"HEAD", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true, true, ""},
		{"204", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", false, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body, err := readReply(strings.NewReader(tt.reply), DefaultMaxHeaderBytes, tt.head)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Chunked != tt.chunked || resp.ContentLength != -1 || string(body) != tt.body {
				t.Errorf("Chunked %v, ContentLength %d, body %q", resp.Chunked, resp.ContentLength, body)
			}
		})
	}
}

func TestInterimReplies(t *testing.T) {
	tests := []struct {
		name   string
		reply  string
		status int
		body   string
		kind   Kind
	}{
		{"100 Continue", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok", Unknown},
		{"several", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno", 404, "no", Unknown},
		{"101 is final", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nrest", 101, "", Unknown},
		{"EOF after an interim reply", "HTTP/1.1 100 Continue\r\n\r\n", 0, "", Truncated},
		{"garbage after an interim reply", "HTTP/1.1 100 Continue\r\n\r\nSSH-2.0\r\n", 0, "", Malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body, err := readReply(iotest.HalfReader(strings.NewReader(tt.reply)), DefaultMaxHeaderBytes, false)
			if KindOf(err) != tt.kind {
				t.Fatalf("error %v, want kind %v", err, tt.kind)
			}
			if resp == nil {
				return
			}
			if resp.StatusCode != tt.status || string(body) != tt.body || !strings.HasPrefix(resp.RawHeader, "HTTP/1.1 "+strconv.Itoa(tt.status)) {
				t.Errorf("status %d, body %q, raw header %q", resp.StatusCode, body, resp.RawHeader)
			}
		})
	}
}

// TestEndlessInterimReplies checks that interim replies count against the
// header limit, so a server sending 100 Continue forever is cut off.
func TestEndlessInterimReplies(t *testing.T) {
	src := io.MultiReader(strings.NewReader(strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 1000)))
	_, _, err := readReply(src, 4096, false)
	if KindOf(err) != HeaderTooLarge {
		t.Errorf("error %v, want kind HeaderTooLarge", err)
	}
}

// TestChunkedOverTheWire reads a chunked reply, sent in pieces, from a
// server the client talks HTTP/1.1 to.
func TestChunkedOverTheWire(t *testing.T) {
	got := make(chan string, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		buf := make([]byte, 512)
		n, _ := c.Read(buf)
		got <- string(buf[:n])
		for _, piece := range []string{closingChunkedHead, "4\r\nwi", "re\r\n", "0\r\n", "\r\n"} {
			if _, err := io.WriteString(c, piece); err != nil {
				return
			}
		}
	})
	var events []Event
	c := &Client{Trace: func(e Event) { events = append(events, e) }}
	req := &Request{Version: "HTTP/1.1", Header: []Header{{"Host", "x"}, {"Connection", "close"}}, NoHalfClose: true}
	resp, body, err := fetch(t, c, t.Context(), addr, req)
	if err != nil {
		t.Fatal(err)
	}
	if r := <-got; !strings.HasPrefix(r, "GET / HTTP/1.1\r\nHost: x\r\n") {
		t.Errorf("request %q", r)
	}
	if !resp.Chunked || string(body) != "wire" {
		t.Errorf("Chunked %v, body %q", resp.Chunked, body)
	}
	// The request's events come from the writer, which may finish after
	// the reply: the last reply event must be the server's close.
	var last Event
	for _, e := range events {
		if e.Kind >= EventStatusLine {
			last = e
		}
	}
	wantBytes := int64(len(closingChunkedHead) + len("4\r\nwire\r\n0\r\n\r\n"))
	if last.Kind != EventPeerClosed || last.N != wantBytes {
		t.Errorf("last event %+v, want EventPeerClosed after %d bytes", last, wantBytes)
	}
}

// FuzzChunked checks the chunked decoder two ways. Arbitrary bytes after a
// chunked header section must never make it panic, read past its limits, or
// decode a body differently from net/http's chunked reader, which is at
// least as lenient. And data encoded in chunks of the sizes the fuzzer picks,
// with extensions and trailers, must come back whole.
func FuzzChunked(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\n"), []byte("hello"), []byte{1, 3})
	f.Add([]byte("3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n"), []byte(""), []byte{})
	f.Add([]byte("5\nhello\r\n0\r\n\r\n"), []byte("some data"), []byte{0, 0, 9})
	f.Add([]byte("ffffffffffffffff\r\n"), []byte("x"), []byte{200})
	f.Add([]byte("3\r\nabcd\r\n"), []byte("0123456789abcdef"), []byte{16, 1, 2, 255})
	f.Fuzz(func(t *testing.T, raw, data, splits []byte) {
		resp, body, err := readReply(bytes.NewReader(append([]byte(chunkedHead), raw...)), DefaultMaxHeaderBytes, false)
		if resp == nil || !resp.Chunked {
			t.Fatalf("header not read: %v", err)
		}
		switch KindOf(err) {
		case Unknown:
			if err != nil {
				t.Fatalf("error %v is not a *client.Error", err)
			}
			std, stdErr := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(raw)))
			if stdErr != nil && !strings.Contains(stdErr.Error(), "too much non-data") {
				t.Fatalf("decoded %q, but net/http fails: %v", body, stdErr)
			}
			if stdErr == nil && !bytes.Equal(body, std) {
				t.Fatalf("decoded %q, net/http %q", body, std)
			}
		case Truncated, BadChunk:
		default:
			t.Fatalf("error %v of kind %v", err, KindOf(err))
		}
		if len(body) > len(raw) {
			t.Fatalf("%d body bytes from %d input bytes", len(body), len(raw))
		}

		encoded := encodeChunked(data, splits)
		resp, body, err = readReply(iotest.HalfReader(bytes.NewReader(encoded)), DefaultMaxHeaderBytes, false)
		if err != nil || !resp.Chunked || !bytes.Equal(body, data) {
			t.Fatalf("round trip of %q through %q: got %q, %v", data, encoded, body, err)
		}
	})
}

// encodeChunked returns a chunked reply carrying data, cut into chunks of
// the sizes in splits (then one chunk for the rest), with an extension on
// odd-sized chunks and a trailer field when splits is not empty.
func encodeChunked(data, splits []byte) []byte {
	var b bytes.Buffer
	b.WriteString(chunkedHead)
	w := httputil.NewChunkedWriter(&b)
	for _, s := range splits {
		n := min(int(s), len(data))
		if n == 0 {
			continue
		}
		if n%2 == 1 {
			b.WriteString(strings.ToUpper(strings.TrimLeft(hexSize(n), "0")) + ";odd\r\n")
			b.Write(data[:n])
			b.WriteString("\r\n")
		} else {
			w.Write(data[:n])
		}
		data = data[n:]
	}
	w.Write(data)
	w.Close()
	if len(splits) > 0 {
		b.WriteString("X-Trailer: yes\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// hexSize formats n in hexadecimal.
func hexSize(n int) string {
	const digits = "0123456789abcdef"
	s := ""
	for ; n > 0; n >>= 4 {
		s = string(digits[n&15]) + s
	}
	return s
}

func TestParseChunkSize(t *testing.T) {
	if _, err := parseChunkSize([]byte("10\r\n")); err != nil {
		t.Error(err)
	}
	if n, _ := parseChunkSize([]byte("7fffffffffffffff\r\n")); n != 1<<63-1 {
		t.Errorf("largest size: %d", n)
	}
	if _, err := parseChunkSize([]byte("8000000000000000\r\n")); err == nil {
		t.Error("size over int64 accepted")
	}
}
