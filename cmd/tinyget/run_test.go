package main

import (
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

const helloReply = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nhello, world\n"

func TestGet(t *testing.T) {
	addr, requests := serveReply(t, helloReply)
	r := tinyget("", addr+"/hello")
	if r.code != 0 || r.stdout != "hello, world\n" || r.stderr != "" {
		t.Fatalf("got %+v", r)
	}
	want := "GET /hello HTTP/1.0\r\nHost: " + addr + "\r\nUser-Agent: " + userAgent + "\r\nAccept: */*\r\n\r\n"
	if got := <-requests; got != want {
		t.Errorf("server read %q, want %q", got, want)
	}
}

func TestPostData(t *testing.T) {
	addr, requests := serveReply(t, helloReply)
	r := tinyget("from stdin\n", "-d", "a=1", "-d", "@-", "-H", "Accept:", "tiny://"+addr+"/echo")
	if r.code != 0 {
		t.Fatalf("got %+v", r)
	}
	want := "POST /echo HTTP/1.0\r\nHost: " + addr + "\r\nUser-Agent: " + userAgent +
		"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\n\r\na=1&from stdin"
	if got := <-requests; got != want {
		t.Errorf("server read %q, want %q", got, want)
	}
}

// TestHTTPNoHalfClose checks that an http:// URL leaves the write side open
// and asks the server to close.
func TestHTTPNoHalfClose(t *testing.T) {
	type seen struct {
		head string
		eof  bool
	}
	got := make(chan seen, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		var head []byte
		buf := make([]byte, 1)
		for !strings.HasSuffix(string(head), "\r\n\r\n") {
			if _, err := c.Read(buf); err != nil {
				t.Error(err)
				return
			}
			head = append(head, buf[0])
		}
		c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		_, err := c.Read(buf)
		got <- seen{string(head), err == io.EOF}
		io.WriteString(c, helloReply)
	})
	_, port, _ := net.SplitHostPort(addr)
	r := tinyget("", "http://localhost:"+port+"/")
	if r.code != 0 || r.stdout != "hello, world\n" {
		t.Fatalf("got %+v", r)
	}
	s := <-got
	if s.eof {
		t.Error("server saw EOF: tinyget half-closed an http:// exchange")
	}
	if !strings.Contains(s.head, "\r\nConnection: close\r\n") || !strings.Contains(s.head, "\r\nHost: localhost:"+port+"\r\n") {
		t.Errorf("request head %q", s.head)
	}
}

func TestExitCodes(t *testing.T) {
	stall := func(reply string) func(t *testing.T) string {
		return func(t *testing.T) string {
			return testenv.Serve(t, func(c *net.TCPConn) {
				io.Copy(io.Discard, c)
				io.WriteString(c, reply)
				<-t.Context().Done()
			})
		}
	}
	reply := func(reply string) func(t *testing.T) string {
		return func(t *testing.T) string {
			addr, _ := serveReply(t, reply)
			return addr
		}
	}
	tests := []struct {
		name   string
		server func(t *testing.T) string // returns the address
		args   []string
		code   exitCode
		stderr string
	}{
		{"resolve", func(*testing.T) string { return "nonexistent.invalid:7070" }, nil, exitResolve, "(6) Could not resolve host: nonexistent.invalid"},
		{"connect", func(t *testing.T) string { return testenv.ClosedAddr(t) }, nil, exitConnect, "(7) Failed to connect to 127.0.0.1 port "},
		{"weird reply", reply("SSH-2.0-OpenSSH\r\n"), nil, exitWeirdReply, "(8) Weird server reply: not an HTTP reply"},
		{"truncated", reply("HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\nhello"), nil, exitPartial,
			"(18) Transfer closed with 8 bytes remaining to read (5 of 13 received)"},
		{"truncated header", reply("HTTP/1.0 200 OK\r\nContent-"), nil, exitPartial, "(18) Transfer closed inside the reply's header section"},
		{"truncated chunked", reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"), nil, exitPartial,
			"(18) Transfer closed with outstanding read data remaining: the chunked body stopped after 3 bytes"},
		{"bad chunk", reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), nil, exitRecvError,
			"(56) Bad chunked encoding in the reply: bad chunk size"},
		{"fail on 404", reply("HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"), []string{"-f"}, exitHTTPError,
			"(22) The requested URL returned error: 404\n"},
		{"404 without -f", reply("HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"), nil, exitOK, ""},
		// The time tinyget names is the time it took, which a loaded
		// machine makes longer than -m: only the words are checked.
		{"timeout", stall(""), []string{"-m", "0.5"}, exitTimeout, "(28) Operation timed out after "},
		{"timeout in body", stall("HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\nhel"), []string{"-m", "0.5"}, exitTimeout,
			"(28) Operation timed out after "},
		{"empty", reply(""), nil, exitEmptyReply, "(52) Empty reply from server"},
		{"reset", func(t *testing.T) string {
			return testenv.Serve(t, func(c *net.TCPConn) {
				io.Copy(io.Discard, c)
				io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nsome")
				time.Sleep(50 * time.Millisecond)
				c.SetLinger(0)
			})
		}, nil, exitRecvError, "(56) Recv failure: connection reset by peer (after 4 body bytes)"},
		{"send failure", func(t *testing.T) string {
			return testenv.Serve(t, func(c *net.TCPConn) {
				c.Read(make([]byte, 1))
				c.SetLinger(0)
			})
		}, []string{"--data-binary", "@" + bigFile(t)}, exitSendError, "(55) Send failure: "},
		{"read -d file", reply(helloReply), []string{"-d", "@/nonexistent/file"}, exitReadError,
			"(26) Failed to open/read local data from file/application: open /nonexistent/file: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := tt.server(t)
			r := tinyget("", append(tt.args, addr+"/")...)
			if r.code != int(tt.code) {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			if tt.code == exitOK {
				if r.stderr != "" {
					t.Errorf("stderr %q", r.stderr)
				}
				return
			}
			if !strings.HasPrefix(r.stderr, "tinyget: "+tt.stderr) || strings.Count(r.stderr, "\n") != 1 || r.stderr[len(r.stderr)-1] != '\n' {
				t.Errorf("stderr %q, want one line starting with %q", r.stderr, "tinyget: "+tt.stderr)
			}
			if tt.code == exitHTTPError && r.stdout != "" {
				t.Errorf("-f printed the body %q", r.stdout)
			}
		})
	}
}

// bigFile returns the path of a file of 16 MiB, more than a socket's
// buffers hold, so that sending it blocks until the server reads.
func bigFile(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(path, make([]byte, 16<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code exitCode
	}{
		{[]string{"--nope", "h/"}, exitUsage},
		{nil, exitUsage},
		{[]string{"ftp://example.com/"}, exitUnsupportedProtocol},
		{[]string{"tiny://ho st/"}, exitMalformedURL},
		{[]string{"-H", "Bad Name: x", "h/"}, exitUsage},
	}
	for _, tt := range tests {
		r := tinyget("", tt.args...)
		if r.code != int(tt.code) || !strings.HasPrefix(r.stderr, "tinyget: (") {
			t.Errorf("tinyget %q: exit %d, stderr %q; want %d", tt.args, r.code, r.stderr, tt.code)
		}
	}
}

func TestSilent(t *testing.T) {
	addr := testenv.ClosedAddr(t)
	if r := tinyget("", "-s", addr); r.code != int(exitConnect) || r.stderr != "" {
		t.Errorf("-s: %+v", r)
	}
	if r := tinyget("", "-sS", addr); r.code != int(exitConnect) || !strings.HasPrefix(r.stderr, "tinyget: (7)") {
		t.Errorf("-sS: %+v", r)
	}
}

func TestIncludeAndHead(t *testing.T) {
	addr, requests := serveReply(t, helloReply)
	head := helloReply[:len(helloReply)-len("hello, world\n")]
	if r := tinyget("", "-i", addr); r.code != 0 || r.stdout != helloReply {
		t.Errorf("-i: %+v", r)
	}
	<-requests
	if r := tinyget("", "-I", addr); r.code != 0 || r.stdout != head {
		t.Errorf("-I: %+v", r)
	}
	if req := <-requests; !strings.HasPrefix(req, "HEAD / HTTP/1.0\r\n") {
		t.Errorf("-I sent %q", req)
	}
}

func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	addr, _ := serveReply(t, helloReply)
	path := filepath.Join(dir, "out")
	if r := tinyget("", "-o", path, "-i", addr); r.code != 0 || r.stdout != "" {
		t.Fatalf("got %+v", r)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != helloReply {
		t.Errorf("file holds %q, %v", b, err)
	}

	if r := tinyget("", "-o", filepath.Join(dir, "no", "such", "dir"), addr); r.code != int(exitWriteError) {
		t.Errorf("unwritable -o: %+v", r)
	}

	notFound, _ := serveReply(t, "HTTP/1.0 404 Not Found\r\nContent-Length: 2\r\n\r\nno")
	missing := filepath.Join(dir, "missing")
	if r := tinyget("", "-f", "-o", missing, notFound); r.code != int(exitHTTPError) {
		t.Errorf("-f -o: %+v", r)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("-f failure left a file: %v", err)
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestWriteError(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	var stderr strings.Builder
	if code := run([]string{addr}, strings.NewReader(""), failingWriter{}, &stderr); code != int(exitWriteError) {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "disk on fire") {
		t.Errorf("stderr %q", stderr.String())
	}
	if r := tinyget("", "-o", "/dev/full", addr); r.code != int(exitWriteError) {
		t.Errorf("-o /dev/full: %+v", r)
	}
}

// TestClosedPipe runs tinyget as a process whose stdout is a pipe nobody
// reads: it must exit 23 as curl does, not die of SIGPIPE.
func TestClosedPipe(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	defer w.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), argsVar+"=-s "+addr)
	cmd.Stdout = w
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != int(exitWriteError) {
		t.Errorf("got %v, want exit status %d", err, exitWriteError)
	}
}

func TestHelpAndVersion(t *testing.T) {
	r := tinyget("", "--help")
	for _, want := range []string{"half-close", "tiny://", "http://", "--max-time", "42  -Z --fail-early", "52  Empty reply", "55  Failure sending",
		"temporary name", "renamed when the transfer succeeds"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	if r.code != 0 {
		t.Errorf("--help exit %d", r.code)
	}
	if r := tinyget("", "-V"); r.code != 0 || !strings.HasPrefix(r.stdout, "tinyget ") {
		t.Errorf("-V: %+v", r)
	}
}

// TestNoHalfClose checks that --no-half-close leaves the write side open on
// a tiny:// URL, sends Connection: close, and still reads the reply to EOF:
// the server frames the request by its Content-Length.
func TestNoHalfClose(t *testing.T) {
	sawEOF := make(chan bool, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		head, _ := readHead(c)
		body := make([]byte, 4)
		if _, err := io.ReadFull(c, body); err != nil || !strings.Contains(head, "\r\nConnection: close\r\n") {
			t.Errorf("head %q, body %q, %v", head, body, err)
		}
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		_, err := c.Read(make([]byte, 1))
		sawEOF <- err == io.EOF
		io.WriteString(c, helloReply)
	})
	r := tinyget("", "-v", "--no-half-close", "-d", "ping", addr+"/")
	if r.code != 0 || r.stdout != "hello, world\n" {
		t.Fatalf("%+v", r)
	}
	if <-sawEOF {
		t.Error("the server saw EOF: tinyget half-closed")
	}
	if !strings.Contains(r.stderr, "* write side left open (no half-close)") || strings.Contains(r.stderr, "write side closed") {
		t.Errorf("-v: %s", r.stderr)
	}
}

// readHead reads a request's header section, up to its empty line.
func readHead(c net.Conn) (string, error) {
	var head []byte
	buf := make([]byte, 1)
	for !strings.HasSuffix(string(head), "\r\n\r\n") {
		if _, err := c.Read(buf); err != nil {
			return string(head), err
		}
		head = append(head, buf[0])
	}
	return string(head), nil
}

func TestIPVersion(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	_, port, _ := net.SplitHostPort(addr)
	if r := tinyget("", "-4", "-w", "%{remote_ip}", "localhost:"+port+"/"); r.code != 0 || r.stdout != "hello, world\n127.0.0.1" {
		t.Errorf("-4 localhost: %+v", r)
	}
	if r := tinyget("", "-6", addr+"/"); r.code != int(exitResolve) {
		t.Errorf("-6 to an IPv4 address: %+v", r)
	}
}

// TestChunkedReply fetches a chunked reply through an http:// URL from a
// server that reads the request by its header section, as plain HTTP
// servers do.
func TestChunkedReply(t *testing.T) {
	heads := make(chan string, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		head, _ := readHead(c)
		heads <- head
		io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nchunked\r\n1;ext\r\n\n\r\n0\r\nX-Trailer: 1\r\n\r\n")
	})
	r := tinyget("", "-i", "http://"+addr+"/")
	if r.code != 0 || !strings.HasSuffix(r.stdout, "\r\nTransfer-Encoding: chunked\r\n\r\nchunked\nX-Trailer: 1\r\n") {
		t.Errorf("%+v", r)
	}
	if head := <-heads; !strings.HasPrefix(head, "GET / HTTP/1.1\r\n") || !strings.Contains(head, "\r\nConnection: close\r\n") {
		t.Errorf("request head %q", head)
	}
}

// TestGetHeadWithData checks that -G -I -d sends HEAD with the data in the
// query, as curl does, rather than refusing two methods.
func TestGetHeadWithData(t *testing.T) {
	addr, requests := serveReply(t, "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n")
	if r := tinyget("", "-G", "-I", "-d", "a=b", addr+"/x"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if req := <-requests; !strings.HasPrefix(req, "HEAD /x?a=b HTTP/1.") {
		t.Errorf("request %q; want HEAD /x?a=b", req)
	}
}

// TestLargeReplyHeader reads a reply whose header section is 200 KiB,
// which curl accepts (up to 300 KiB), and refuses one past 300 KiB with
// curl's exit code.
func TestLargeReplyHeader(t *testing.T) {
	header := func(n int) string {
		return "HTTP/1.0 200 OK\r\nX-Big: " + strings.Repeat("a", n) + "\r\nContent-Length: 3\r\n\r\nok\n"
	}
	addr, _ := serveReply(t, header(200<<10))
	if r := tinyget("", "-sS", addr+"/"); r.code != 0 || r.stdout != "ok\n" {
		t.Errorf("200 KiB header section: exit %d, stderr %q", r.code, r.stderr)
	}
	addr, _ = serveReply(t, header(310<<10))
	if r := tinyget("", "-sS", addr+"/"); r.code != int(exitRecvError) || !strings.Contains(r.stderr, "Too large response headers") {
		t.Errorf("310 KiB header section: exit %d, stderr %q; want %d", r.code, r.stderr, exitRecvError)
	}
}

// TestConnectFailureNamesWhereItConnected checks that a failed connect
// names the host and port connected to, which --connect-to may have
// changed, as curl's message does.
func TestConnectFailureNamesWhereItConnected(t *testing.T) {
	closed := testenv.ClosedAddr(t)
	host, port, _ := net.SplitHostPort(closed)
	r := tinyget("", "-sS", "--connect-to", "::"+host+":"+port, "http://example.invalid:8080/")
	if want := "(7) Failed to connect to " + host + " port " + port + " "; r.code != int(exitConnect) || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, exitConnect, want)
	}
}

func TestURLEffectiveOfABadURL(t *testing.T) {
	if r := tinyget("", "-sS", "-w", "%{url_effective}", "http://u:pw@127.0.0.1:99999/x#f"); r.code != int(exitMalformedURL) || r.stdout != "http://127.0.0.1:99999/x" || strings.Contains(r.stderr, "pw") {
		t.Errorf("a URL that does not parse: %+v", r)
	}
	if r := tinyget("", "-s", "-w", "%{url_effective}", "u:pw@127.0.0.1:99999/?next=http://a/b"); r.code != int(exitMalformedURL) || r.stdout != "127.0.0.1:99999/?next=http://a/b" || strings.Contains(r.stderr, "pw") {
		t.Errorf("a URL without a scheme, with :// in its query: %+v", r)
	}
	if r := tinyget("", "-s", "1http://127.0.0.1:1/"); r.code != int(exitUnsupportedProtocol) {
		t.Errorf("a scheme that starts with a digit: %+v; want exit 1, as curl", r)
	}
	addr := serveFake(t, nil)
	if r := tinyget("", "-sSL", "http://"+addr+"/redir/302?to=http://127.0.0.1:99999/x"); r.code != int(exitMalformedURL) || !strings.Contains(r.stderr, `Location "http://127.0.0.1:99999/x": URL rejected: `) {
		t.Errorf("a redirect to a bad URL: %+v; want exit 3 naming the Location", r)
	}
	for _, loc := range []string{"http://u:s3cr%2Fpw@127.0.0.1:1/", "http://u:99999%2Fpw@127.0.0.1:1/"} {
		if r := tinyget("", "-sSL", "http://"+addr+"/redir/302?to="+loc); r.code != int(exitMalformedURL) || strings.Contains(r.stderr, "pw") || strings.Contains(r.stderr, "s3cr") || strings.Contains(r.stderr, "99999") {
			t.Errorf("a redirect to %s, a URL with a / in its password: %+v; want exit 3 with no password in the message", loc, r)
		}
	}
	for _, u := range []string{"alice:pw@http://127.0.0.1:1/", "http://u:s3cr/pw@127.0.0.1:1/"} {
		if r := tinyget("", "-sS", u); r.code != int(exitMalformedURL) || strings.Contains(r.stderr, "pw") || strings.Contains(r.stderr, "s3cr") {
			t.Errorf("%s: %+v; want exit 3 with no password in the message", u, r)
		}
	}
}
