package client

import (
	"io"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// BenchmarkDo runs whole exchanges against an in-test server over loopback.
// The allocations reported include the fake server's (its Accept mostly),
// since they share the process; BenchmarkReadReply isolates the reply path.
func BenchmarkDo(b *testing.B) {
	addr := testenv.Serve(b, replyAfterEOF(helloReply))
	c := &Client{}
	req := &Request{Target: "/hello", Header: []Header{{"Host", "bench"}, {"User-Agent", "tinyget"}}}
	buf := make([]byte, 512)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Do(b.Context(), addr, req)
		if err != nil {
			b.Fatal(err)
		}
		for err == nil {
			_, err = resp.Body.Read(buf)
		}
		resp.Body.Close()
		if err != io.EOF {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadReply reads a reply from memory: the parsing and framing
// part of an exchange, without the network.
func BenchmarkReadReply(b *testing.B) {
	src := strings.NewReader(helloReply)
	r := &reply{buf: make([]byte, readBufSize), max: DefaultMaxHeaderBytes}
	body := make([]byte, 512)
	b.ReportAllocs()
	b.SetBytes(int64(len(helloReply)))
	for b.Loop() {
		src.Reset(helloReply)
		*r = reply{src: src, buf: r.buf, max: r.max}
		var resp Response
		if err := r.readHead(&resp, false); err != nil {
			b.Fatal(err)
		}
		var err error
		for err == nil {
			_, err = r.Read(body)
		}
		if err != io.EOF {
			b.Fatal(err)
		}
	}
}
