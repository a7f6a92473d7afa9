package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

const helloReply = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nhello, world\n"

// fetch runs one exchange and reads the whole body. It returns the response
// even when reading the body failed.
func fetch(t *testing.T, c *Client, ctx context.Context, addr string, req *Request) (*Response, []byte, error) {
	t.Helper()
	resp, err := c.Do(ctx, addr, req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// wantKind fails the test unless err is an *Error of the given kind.
func wantKind(t *testing.T, err error, want Kind) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *client.Error; want kind %v", err, err, want)
	}
	if e.Kind != want {
		t.Fatalf("kind %v (%v), want %v", e.Kind, err, want)
	}
}

func TestDoExchange(t *testing.T) {
	got := make(chan []byte, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		req, err := io.ReadAll(c) // returns only at the client's half-close
		if err != nil {
			t.Error(err)
			return
		}
		got <- req
		io.WriteString(c, helloReply)
	})
	var events []Event
	c := &Client{Trace: func(e Event) { events = append(events, e) }}
	req := &Request{
		Method: "POST",
		Target: "/echo?x=1",
		Header: []Header{{"Host", "example"}, {"Content-Length", "4"}},
		Body:   []byte("ping"),
	}
	resp, body, err := fetch(t, c, t.Context(), addr, req)
	if err != nil {
		t.Fatal(err)
	}
	const wantReq = "POST /echo?x=1 HTTP/1.0\r\nHost: example\r\nContent-Length: 4\r\n\r\nping"
	if r := string(<-got); r != wantReq {
		t.Errorf("server read %q, want %q", r, wantReq)
	}
	if resp.Proto != "HTTP/1.0" || resp.StatusCode != 200 || resp.Status != "200 OK" || resp.ContentLength != 13 {
		t.Errorf("got %q %d %q length %d", resp.Proto, resp.StatusCode, resp.Status, resp.ContentLength)
	}
	wantHeader := []Header{{"Content-Type", "text/plain"}, {"Content-Length", "13"}}
	if fmt.Sprint(resp.Header) != fmt.Sprint(wantHeader) {
		t.Errorf("header %v, want %v", resp.Header, wantHeader)
	}
	if resp.RawHeader != helloReply[:len(helloReply)-13] {
		t.Errorf("raw header %q", resp.RawHeader)
	}
	if string(body) != "hello, world\n" {
		t.Errorf("body %q", body)
	}

	var kinds []EventKind
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	wantKinds := []EventKind{EventTrying, EventConnected, EventRequestLine, EventRequestLine, EventRequestLine, EventRequestLine,
		EventRequestSent, EventWriteClosed, EventStatusLine, EventHeaderLine, EventHeaderLine, EventHeaderLine,
		EventBodyRead, EventPeerClosed}
	if fmt.Sprint(kinds) != fmt.Sprint(wantKinds) {
		t.Fatalf("events %v, want %v", kinds, wantKinds)
	}
	if e := events[0]; e.Remote == nil || e.Remote.String() != addr {
		t.Errorf("trying event %+v", e)
	}
	if e := events[1]; e.Remote.String() != addr || e.Local == nil {
		t.Errorf("connected event %+v", e)
	}
	if e := events[6]; e.N != int64(len(wantReq)) || e.Err != nil {
		t.Errorf("request sent event %+v", e)
	}
	if e := events[8]; e.Line != "HTTP/1.0 200 OK" {
		t.Errorf("status line event %+v", e)
	}
	if e := events[12]; e.N != 13 {
		t.Errorf("body read event %+v", e)
	}
	if e := events[13]; e.N != int64(len(helloReply)) {
		t.Errorf("peer closed event %+v, want %d bytes", e, len(helloReply))
	}
}

func TestNoHalfClose(t *testing.T) {
	const wantReq = "GET / HTTP/1.0\r\n\r\n"
	sawEOF := make(chan bool, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		buf := make([]byte, len(wantReq))
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Error(err)
			return
		}
		c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		_, err := c.Read(buf[:1])
		sawEOF <- err == io.EOF
		io.WriteString(c, helloReply)
	})
	_, body, err := fetch(t, &Client{}, t.Context(), addr, &Request{NoHalfClose: true})
	if err != nil {
		t.Fatal(err)
	}
	if <-sawEOF {
		t.Error("server saw EOF: the client half-closed")
	}
	if string(body) != "hello, world\n" {
		t.Errorf("body %q", body)
	}
}

// TestEarlyReply has the server answer after reading a little of a large
// request, then close RST-safely (reply, CloseWrite, drain, close): the
// reply must reach the client although the request is still being written.
func TestEarlyReply(t *testing.T) {
	const reply = "HTTP/1.0 413 Content Too Large\r\nContent-Length: 9\r\n\r\ntoo large"
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		if _, err := io.ReadFull(c, make([]byte, 1024)); err != nil {
			t.Error(err)
			return
		}
		io.WriteString(c, reply)
		c.CloseWrite()
		io.Copy(io.Discard, c)
	})
	req := &Request{Method: "POST", Body: bytes.Repeat([]byte("x"), 16<<20)}
	resp, body, err := fetch(t, &Client{}, t.Context(), addr, req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 413 || string(body) != "too large" {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
}

func TestReplyKinds(t *testing.T) {
	tests := []struct {
		name   string
		handle func(c *net.TCPConn)
		want   Kind
	}{
		{"empty", replyAfterEOF(""), Empty},
		{"truncated body", replyAfterEOF("HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\nhello"), Truncated},
		{"truncated header", replyAfterEOF("HTTP/1.0 200 OK\r\nContent-"), Truncated},
		{"not HTTP", replyAfterEOF("hello, world\n"), Malformed},
		{"bad status line", replyAfterEOF("HTTP/1.0 2OO OK\r\n\r\n"), Malformed},
		{"bad Content-Length", replyAfterEOF("HTTP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n"), Malformed},
		{"reset mid-body", func(c *net.TCPConn) {
			io.Copy(io.Discard, c)
			io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
			time.Sleep(50 * time.Millisecond) // let the bytes leave before the RST
			c.SetLinger(0)
		}, Reset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := testenv.Serve(t, tt.handle)
			_, _, err := fetch(t, &Client{}, t.Context(), addr, &Request{})
			wantKind(t, err, tt.want)
		})
	}
}

func TestTruncatedBodyKeepsBytes(t *testing.T) {
	addr := testenv.Serve(t, replyAfterEOF("HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\nhello"))
	_, body, err := fetch(t, &Client{}, t.Context(), addr, &Request{})
	wantKind(t, err, Truncated)
	if string(body) != "hello" {
		t.Errorf("body %q", body)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "5 of 13") {
		t.Errorf("error %q", err)
	}
}

// TestEndlessHeaders checks that a server sending header lines forever gets
// Malformed once the limit is reached, with memory bounded by the limit.
func TestEndlessHeaders(t *testing.T) {
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c)
		line := []byte("X-Filler: " + strings.Repeat("a", 100) + "\r\n")
		if _, err := io.WriteString(c, "HTTP/1.0 200 OK\r\n"); err != nil {
			return
		}
		for {
			if _, err := c.Write(line); err != nil {
				return
			}
		}
	})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := fetch(t, &Client{}, t.Context(), addr, &Request{})
	runtime.ReadMemStats(&after)
	wantKind(t, err, HeaderTooLarge)
	if !strings.Contains(err.Error(), "larger than 65536") {
		t.Errorf("error %q", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("allocated %d bytes for a 64 KiB limit", alloc)
	}
}

func TestMaxHeaderBytes(t *testing.T) {
	head := "HTTP/1.0 200 OK\r\nX: " + strings.Repeat("a", 5000) + "\r\n\r\n"
	addr := testenv.Serve(t, replyAfterEOF(head+"body"))
	c := &Client{MaxHeaderBytes: len(head)}
	if _, body, err := fetch(t, c, t.Context(), addr, &Request{}); err != nil || string(body) != "body" {
		t.Errorf("header section of exactly the limit: %q, %v", body, err)
	}
	c.MaxHeaderBytes--
	_, _, err := fetch(t, c, t.Context(), addr, &Request{})
	wantKind(t, err, HeaderTooLarge)
}

func TestBodyFraming(t *testing.T) {
	tests := []struct {
		name   string
		method string
		reply  string
		want   string
	}{
		{"no Content-Length", "GET", "HTTP/1.0 200 OK\r\n\r\nto the end\n", "to the end\n"},
		{"bytes beyond Content-Length", "GET", "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", "hello"},
		{"HEAD", "HEAD", "HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\n", ""},
		{"HEAD with a body anyway", "HEAD", helloReply, ""},
		{"bare LF", "GET", "HTTP/1.0 200 OK\nContent-Length: 3\n\nabc", "abc"},
		{"no reason phrase", "GET", "HTTP/1.1 204\r\n\r\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := testenv.Serve(t, replyAfterEOF(tt.reply))
			_, body, err := fetch(t, &Client{}, t.Context(), addr, &Request{Method: tt.method})
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != tt.want {
				t.Errorf("body %q, want %q", body, tt.want)
			}
		})
	}
}

func TestConnectRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = (&Client{}).Do(t.Context(), addr, &Request{})
	wantKind(t, err, Connect)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v does not wrap ECONNREFUSED", err)
	}
}

func TestResolve(t *testing.T) {
	_, err := (&Client{}).Do(t.Context(), "nonexistent.invalid:80", &Request{})
	wantKind(t, err, Resolve)
}

func TestTimeout(t *testing.T) {
	tests := []struct {
		name  string
		reply string // sent before the server stalls
	}{
		{"no reply", ""},
		{"stalled body", "HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := testenv.Serve(t, func(c *net.TCPConn) {
				io.Copy(io.Discard, c)
				io.WriteString(c, tt.reply)
				<-t.Context().Done()
			})
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, _, err := fetch(t, &Client{}, ctx, addr, &Request{})
			wantKind(t, err, Timeout)
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("error %v does not wrap os.ErrDeadlineExceeded", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestCanceled(t *testing.T) {
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c)
		<-t.Context().Done()
	})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := (&Client{}).Do(ctx, addr, &Request{})
	wantKind(t, err, Canceled)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
}

// TestConnectTimeout connects to a listener whose accept queue is full, so
// the kernel drops the SYN and the connect hangs.
func TestConnectTimeout(t *testing.T) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	first, err := net.Dial("tcp", addr) // fills the queue of length backlog+1
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()

	c := &Client{ConnectTimeout: 200 * time.Millisecond}
	start := time.Now()
	_, err = c.Do(t.Context(), addr, &Request{})
	if err == nil {
		testenv.Unavailable(t, "the kernel accepted a connection beyond the listen queue, so none can time out")
	}
	wantKind(t, err, Timeout)
	if d := time.Since(start); d < 150*time.Millisecond || d > 5*time.Second {
		t.Errorf("connect timed out after %v, want about 200ms", d)
	}
}

func TestBodyClose(t *testing.T) {
	addr := testenv.Serve(t, replyAfterEOF(helloReply))
	resp, err := (&Client{}).Do(t.Context(), addr, &Request{})
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := resp.Body.Read(make([]byte, 1)); err != errBodyClosed {
		t.Errorf("Read after Close: %v", err)
	}
}

// TestSendFailure has the server reset the connection while the request is
// still being written: the exchange fails with Kind Send, curl's 55, not
// with a receive failure.
func TestSendFailure(t *testing.T) {
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		c.Read(make([]byte, 1))
		c.SetLinger(0)
	})
	req := &Request{Method: "POST", Body: bytes.Repeat([]byte("x"), 16<<20)}
	_, err := (&Client{}).Do(t.Context(), addr, req)
	wantKind(t, err, Send)
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Errorf("error %v is neither ECONNRESET nor EPIPE", err)
	}
}

// TestResetAfterRequest has the server read the whole request and then
// reset: that is a receive failure, the request having gone out whole.
func TestResetAfterRequest(t *testing.T) {
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c)
		c.SetLinger(0)
	})
	_, err := (&Client{}).Do(t.Context(), addr, &Request{Method: "POST", Body: []byte("small")})
	wantKind(t, err, Reset)
}

// TestNetwork dials a name over IPv4 only and reports the address tried.
func TestNetwork(t *testing.T) {
	addr := testenv.Serve(t, replyAfterEOF(helloReply))
	_, port, _ := net.SplitHostPort(addr)
	var tried []string
	c := &Client{Network: "tcp4", Trace: func(e Event) {
		if e.Kind == EventTrying {
			tried = append(tried, e.Remote.String())
		}
	}}
	_, body, err := fetch(t, c, t.Context(), "localhost:"+port, &Request{})
	if err != nil || string(body) != "hello, world\n" {
		t.Fatalf("body %q, error %v", body, err)
	}
	if len(tried) != 1 || tried[0] != addr {
		t.Errorf("tried %v, want [%s]", tried, addr)
	}
}

// TestTraceKeepsDialerControl checks that tracing does not replace the
// caller's own dialer hook.
func TestTraceKeepsDialerControl(t *testing.T) {
	addr := testenv.Serve(t, replyAfterEOF(helloReply))
	called := false
	d := &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		called = true
		return nil
	}}
	c := &Client{Dialer: d, Trace: func(Event) {}}
	if _, _, err := fetch(t, c, t.Context(), addr, &Request{}); err != nil {
		t.Fatal(err)
	}
	if !called {
		t.Error("the dialer's Control hook was not called")
	}
}

// TestHTTPReplyEndsWithItsBody checks that an HTTP exchange (NoHalfClose)
// ends when the body is complete if the server means to keep the
// connection open, as an HTTP client's does, and waits for the close when
// the server says it will close.
func TestHTTPReplyEndsWithItsBody(t *testing.T) {
	for _, tc := range []struct {
		name, reply, body string
		ends              bool // before the server closes
	}{
		{"HTTP/1.1, by length", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", "abc", true},
		{"HTTP/1.1, chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "abc", true},
		{"HTTP/1.1 204", "HTTP/1.1 204 No Content\r\n\r\n", "", true},
		{"HTTP/1.1 304", "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", "", true},
		{"HTTP/1.1 with Connection: close", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc", "abc", false},
		{"HTTP/1.1 up to the close", "HTTP/1.1 200 OK\r\n\r\nabc", "abc", false},
		{"HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc", "abc", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const hold = time.Second
			addr := testenv.Serve(t, func(c *net.TCPConn) {
				c.Read(make([]byte, 512))
				io.WriteString(c, tc.reply)
				time.Sleep(hold)
			})
			start := time.Now()
			req := &Request{Version: "HTTP/1.1", Header: []Header{{"Host", "x"}, {"Connection", "close"}}, NoHalfClose: true}
			_, body, err := fetch(t, &Client{}, t.Context(), addr, req)
			if err != nil || string(body) != tc.body {
				t.Fatalf("body %q, err %v; want %q", body, err, tc.body)
			}
			if ended := time.Since(start) < hold; ended != tc.ends {
				t.Errorf("ended after %v; want before the server's close (%v): %v", time.Since(start), hold, tc.ends)
			}
		})
	}
}

// TestLocalhostIsLoopback checks that "localhost" reaches a server on ::1
// as well as one on 127.0.0.1, whatever the hosts file says, as curl's
// does, and that -4 and -6 (Network) keep to their family.
func TestLocalhostIsLoopback(t *testing.T) {
	l6 := listenV6Only(t)
	testenv.ServeListener(t, l6, func(c net.Conn) {
		io.ReadAll(c)
		io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nv6")
	})
	_, port, _ := net.SplitHostPort(l6.Addr().String())
	for _, tc := range []struct {
		network, host string
		ok            bool
	}{
		{"", "localhost", true},
		{"", "LocalHost.", true},
		{"", "app.localhost", true},
		{"tcp6", "localhost", true},
		{"tcp4", "localhost", false},
	} {
		c := &Client{Network: tc.network, ConnectTimeout: 2 * time.Second}
		_, body, err := fetch(t, c, t.Context(), net.JoinHostPort(tc.host, port), &Request{})
		if ok := err == nil && string(body) == "v6"; ok != tc.ok {
			t.Errorf("%s %s: body %q, err %v; want success %v", tc.network, tc.host, body, err, tc.ok)
		}
	}
}

// TestLocalhostReportsTheFirstRefusal checks that when neither loopback
// address of localhost answers, the error is 127.0.0.1's refusal, which
// --retry-connrefused retries, not what ::1 said (on a machine without
// IPv6, "cannot assign requested address").
func TestLocalhostReportsTheFirstRefusal(t *testing.T) {
	l6 := listenV6Only(t)
	_, port, _ := net.SplitHostPort(l6.Addr().String())
	l6.Close()
	noV6 := errors.New("no IPv6 here")
	c := &Client{Dialer: &net.Dialer{Control: func(network, address string, _ syscall.RawConn) error {
		if strings.HasPrefix(address, "[::1]") {
			return noV6
		}
		return nil
	}}}
	_, err := c.Do(t.Context(), net.JoinHostPort("localhost", port), &Request{})
	if !errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, noV6) {
		t.Errorf("error %v; want 127.0.0.1's connection refused", err)
	}
}

// listenV6Only listens on [::1] on a port whose 127.0.0.1 side is bound by
// a socket that does not listen, so that a connection there is refused
// whatever else runs on the machine.
func listenV6Only(t *testing.T) net.Listener {
	t.Helper()
	for range 10 {
		l6, err := net.Listen("tcp6", "[::1]:0")
		if err != nil {
			testenv.Unavailable(t, "no ::1 loopback: %v", err)
		}
		port := l6.Addr().(*net.TCPAddr).Port
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port}); err == nil {
			t.Cleanup(func() { syscall.Close(fd) })
			return l6
		}
		syscall.Close(fd)
		l6.Close()
	}
	t.Fatal("no port free on both 127.0.0.1 and ::1")
	return nil
}
