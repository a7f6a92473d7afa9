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
	addr := serve(t, func(c *net.TCPConn) {
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
			return serve(t, func(c *net.TCPConn) {
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
		{"resolve", func(*testing.T) string { return "nonexistent.invalid:7070" }, nil, exitResolve, "(6) Could not resolve host"},
		{"connect", func(t *testing.T) string { return closedPort(t) }, nil, exitConnect, "(7) Failed to connect"},
		{"weird reply", reply("SSH-2.0-OpenSSH\r\n"), nil, exitWeirdReply, "(8) Weird server reply"},
		{"truncated", reply("HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\nhello"), nil, exitPartial, "(18) "},
		{"fail on 404", reply("HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"), []string{"-f"}, exitHTTPError,
			"(22) The requested URL returned error: 404 Not Found"},
		{"404 without -f", reply("HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"), nil, exitOK, ""},
		{"timeout", stall(""), []string{"-m", "0.2"}, exitTimeout, "(28) Operation timed out"},
		{"timeout in body", stall("HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\nhel"), []string{"-m", "0.2"}, exitTimeout, "(28) "},
		{"empty", reply(""), nil, exitEmptyReply, "(52) Empty reply from server"},
		{"reset", func(t *testing.T) string {
			return serve(t, func(c *net.TCPConn) {
				io.Copy(io.Discard, c)
				io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nsome")
				time.Sleep(50 * time.Millisecond)
				c.SetLinger(0)
			})
		}, nil, exitRecvError, "(56) Failure when receiving data from the peer"},
		{"read -d file", reply(helloReply), []string{"-d", "@/nonexistent/file"}, exitReadError, "(26) "},
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
			if !strings.HasPrefix(r.stderr, "tinyget: "+tt.stderr) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line starting with %q", r.stderr, "tinyget: "+tt.stderr)
			}
			if tt.code == exitHTTPError && r.stdout != "" {
				t.Errorf("-f printed the body %q", r.stdout)
			}
		})
	}
}

// closedPort returns an address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code exitCode
	}{
		{[]string{"--nope", "h/"}, exitUsage},
		{nil, exitUsage},
		{[]string{"https://example.com/"}, exitUnsupportedProtocol},
		{[]string{"tiny://ho st/"}, exitMalformedURL},
		{[]string{"-H", "NoColon", "h/"}, exitUsage},
	}
	for _, tt := range tests {
		r := tinyget("", tt.args...)
		if r.code != int(tt.code) || !strings.HasPrefix(r.stderr, "tinyget: (") {
			t.Errorf("tinyget %q: exit %d, stderr %q; want %d", tt.args, r.code, r.stderr, tt.code)
		}
	}
}

func TestSilent(t *testing.T) {
	addr := closedPort(t)
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

func TestVerbose(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	r := tinyget("", "-v", addr+"/hello")
	if r.code != 0 || r.stdout != "hello, world\n" {
		t.Fatalf("got %+v", r)
	}
	host, port, _ := net.SplitHostPort(addr)
	for _, want := range []string{
		"* Trying " + addr + "...\n",
		"* Connected to " + host + " (" + host + ") port " + port + "\n",
		"> GET /hello HTTP/1.0\n> Host: " + addr + "\n",
		"request bytes sent\n* write side closed (half-close)\n",
		"< HTTP/1.0 200 OK\n< Content-Type: text/plain\n< Content-Length: 13\n<\n",
		"* 13 body bytes read\n* closed by server\n",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-v output lacks %q:\n%s", want, r.stderr)
		}
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
	for _, want := range []string{"half-close", "tiny://", "http://", "--max-time", "52  Empty reply"} {
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
