package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// fakeRequest is a request as the fake HTTP server read it.
type fakeRequest struct {
	method, target string
	header         map[string]string // lower-case names; the last value
	body           []byte
}

// readFakeRequest reads a request as a plain HTTP server does: the header
// section, then Content-Length bytes of body. It answers an
// "Expect: 100-continue" with a 100 Continue first, as servers do.
func readFakeRequest(c net.Conn, br *bufio.Reader) (*fakeRequest, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return nil, err
	}
	f := strings.Fields(line)
	if len(f) < 2 {
		return nil, fmt.Errorf("bad request line %q", line)
	}
	req := &fakeRequest{method: f[0], target: f[1], header: map[string]string{}}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, _ := strings.Cut(line, ":")
		req.header[strings.ToLower(name)] = strings.TrimSpace(value)
	}
	if strings.EqualFold(req.header["expect"], "100-continue") {
		io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
	}
	if strings.EqualFold(req.header["transfer-encoding"], "chunked") {
		req.body, err = readChunks(br)
		return req, err
	}
	n, _ := strconv.Atoi(req.header["content-length"])
	req.body = make([]byte, n)
	_, err = io.ReadFull(br, req.body)
	return req, err
}

// readChunks reads a chunked request body (curl sends stdin's so).
func readChunks(br *bufio.Reader) ([]byte, error) {
	var body []byte
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, err
		}
		size, _, _ := strings.Cut(strings.TrimSpace(line), ";")
		n, err := strconv.ParseInt(size, 16, 32)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			_, err := br.ReadString('\n') // no trailer fields
			return body, err
		}
		chunk := make([]byte, n+2)
		if _, err := io.ReadFull(br, chunk); err != nil {
			return nil, err
		}
		body = append(body, chunk[:n]...)
	}
}

// serveFake starts the fake HTTP server of the flag tests on a loopback
// port: it reads each request by its header section and Content-Length,
// as nginx does (curl never half-closes), answers with fakeReply, and
// closes. barrier, if not nil, is waited on by /barrier.
func serveFake(t testing.TB, barrier *sync.WaitGroup) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	serveListener(t, ln, func(req *fakeRequest) string { return fakeReply(req, addr, barrier) })
	return addr
}

// serveListener serves ln, answering each request with reply(req), until
// the test ends.
func serveListener(t testing.TB, ln net.Listener, reply func(*fakeRequest) string) {
	testenv.ServeListener(t, ln, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		req, err := readFakeRequest(c, bufio.NewReader(c))
		if err != nil {
			return
		}
		io.WriteString(c, reply(req))
	})
}

// fakeContent is what /file and /range serve: 1000 bytes.
var fakeContent = strings.Repeat("0123456789", 100)

// fakeReply is the fake server's reply to req:
//
//	/echo            the method, target, a few request headers and the body
//	/redir/CODE?to=X a CODE reply with Location: X
//	/loop            a 302 to itself
//	/file            fakeContent, with Last-Modified and Content-Disposition
//	/dated?DATE      fakeContent, with Last-Modified: DATE (percent-decoded)
//	/range           fakeContent, honouring Range: bytes=N- and N-M (206, 416)
//	/badrange        206 with the first 5 bytes of fakeContent, whatever the Range
//	/gzip, /deflate  fakeContent compressed when asked for, else plain
//	/badgzip         a body that says gzip and is not
//	/trailer         a chunked body with a trailer field
//	/coding?NAME     a body with Content-Encoding: NAME; /coding-empty?NAME, none
//	/missing         404 with a body
//	/barrier         waits until barrier is done (parallel transfers)
func fakeReply(req *fakeRequest, self string, barrier *sync.WaitGroup) string {
	path, query, _ := strings.Cut(req.target, "?")
	reply := func(status, header, body string) string {
		return "HTTP/1.1 " + status + "\r\n" + header + "Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	switch {
	case path == "/echo" || strings.HasPrefix(path, "/up/"):
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s\n", req.method, req.target)
		for _, h := range []string{"host", "authorization", "cookie", "referer", "range", "content-range", "content-type", "accept", "x-a", "x-rc"} {
			if v, ok := req.header[h]; ok {
				fmt.Fprintf(&b, "%s: %s\n", h, v)
			}
		}
		fmt.Fprintf(&b, "body: %q\n", req.body)
		return reply("200 OK", "Content-Type: text/plain\r\n", b.String())
	case strings.HasPrefix(path, "/redir/"):
		to, _ := url.QueryUnescape(strings.TrimPrefix(query, "to="))
		to = strings.ReplaceAll(to, "SELF", self)
		return reply(strings.TrimPrefix(path, "/redir/")+" Moved", "Location: "+to+"\r\n", "moved\n")
	case path == "/loop":
		return reply("302 Found", "Location: /loop\r\n", "again\n")
	case path == "/file":
		return reply("200 OK", "Last-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\nContent-Disposition: attachment; filename=\"../report.txt\"\r\n", fakeContent)
	case path == "/dated":
		date, _ := url.QueryUnescape(query)
		return reply("200 OK", "Last-Modified: "+date+"\r\n", fakeContent)
	case path == "/range":
		spec, ok := strings.CutPrefix(req.header["range"], "bytes=")
		if !ok {
			return reply("200 OK", "Accept-Ranges: bytes\r\n", fakeContent)
		}
		from, to, _ := strings.Cut(spec, "-")
		start, err := strconv.Atoi(from)
		end := len(fakeContent) - 1
		if to != "" {
			end, _ = strconv.Atoi(to)
		}
		if err != nil || start >= len(fakeContent) {
			return reply("416 Range Not Satisfiable", "Content-Range: bytes */1000\r\n", "")
		}
		end = min(end, len(fakeContent)-1)
		return reply("206 Partial Content", fmt.Sprintf("Content-Range: bytes %d-%d/1000\r\n", start, end), fakeContent[start:end+1])
	case path == "/badrange":
		return reply("206 Partial Content", "Content-Range: bytes 0-4/1000\r\n", fakeContent[:5])
	case path == "/gzip" || path == "/deflate":
		if !strings.Contains(req.header["accept-encoding"], path[1:]) {
			return reply("200 OK", "", fakeContent)
		}
		var b bytes.Buffer
		var w io.WriteCloser = gzip.NewWriter(&b)
		if path == "/deflate" {
			w = zlib.NewWriter(&b)
		}
		io.WriteString(w, fakeContent)
		w.Close()
		return reply("200 OK", "Content-Encoding: "+path[1:]+"\r\n", b.String())
	case path == "/badgzip":
		return reply("200 OK", "Content-Encoding: gzip\r\n", "this is not gzip at all")
	case path == "/trailer":
		return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nok\n\r\n0\r\nX-Trailer: t\r\n\r\n"
	case path == "/coding":
		return reply("200 OK", "Content-Encoding: "+query+"\r\n", "data")
	case path == "/coding-empty":
		return reply("200 OK", "Content-Encoding: "+query+"\r\n", "")
	case path == "/barrier":
		barrier.Done()
		done := make(chan struct{})
		go func() { barrier.Wait(); close(done) }()
		select {
		case <-done:
			return reply("200 OK", "", "together\n")
		case <-time.After(5 * time.Second):
			return reply("504 Alone", "", "alone\n")
		}
	}
	return reply("404 Not Found", "", "no such page\n")
}
