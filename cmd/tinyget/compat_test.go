package main

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestCurlCompat checks behaviours where tinyget once differed from curl
// 7.88: each case is what curl does with the same reply and flags.
func TestCurlCompat(t *testing.T) {
	format := filepath.Join(t.TempDir(), "curl-format.txt")
	if err := os.WriteFile(format, []byte("code %{http_code}\\n\nsize %{size_download}\\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 ;ext=1\r\nhello\r\n0\r\nX-Trailer: yes\r\n\r\n"
	const interim = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
	const folded = "HTTP/1.0 200 OK\r\nX-A: one\r\n  two\r\nContent-Length: 2\r\n\r\nok"
	const notFound = "HTTP/1.0 404 Not Found\r\nContent-Length: 4\r\n\r\nnope"
	tests := []struct {
		name    string
		reply   string
		args    []string // the URL is added at the end
		url     string   // ADDR in it is replaced by the server's address
		code    exitCode
		stdout  string
		stderr  string // a part of it
		request string // a part of the request the server read
	}{
		{"obs-fold in a reply", folded, []string{"-w", "%header{x-a}"}, "tiny://ADDR/", exitOK, "okone two", "", ""},
		{"whitespace before a chunk extension", chunked, nil, "tiny://ADDR/", exitOK, "hello", "", ""},
		{"-w @file drops its line ends", helloReply, []string{"-o", os.DevNull, "-w", "@" + format}, "tiny://ADDR/", exitOK, "code 200\nsize 13\n", "", ""},
		{"dot segments resolved", helloReply, nil, "tiny://ADDR/a/../echo/./x", exitOK, "hello, world\n", "", "GET /echo/x HTTP/1.0\r\n"},
		{"--path-as-is", helloReply, []string{"--path-as-is"}, "tiny://ADDR/a/../echo/./x", exitOK, "hello, world\n", "", "GET /a/../echo/./x HTTP/1.0\r\n"},
		{"-f -i writes the header section", notFound, []string{"-f", "-i"}, "tiny://ADDR/", exitHTTPError, "HTTP/1.0 404 Not Found\r\nContent-Length: 4\r\n\r\n", "(22) The requested URL returned error: 404", ""},
		{"-i writes interim replies and trailers", interim + chunked, []string{"-i"}, "tiny://ADDR/", exitOK,
			interim + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nhelloX-Trailer: yes\r\n", "", ""},
		{"-i writes a folded header as received", folded, []string{"-i"}, "tiny://ADDR/", exitOK, folded, "", ""},
		{"user:password@ is Basic authentication", helloReply, nil, "tiny://u%40s:p%3Ass@ADDR/", exitOK, "hello, world\n", "", "\r\nAuthorization: Basic dUBzOnA6c3M=\r\n"},
		{"-H without a colon is ignored", helloReply, []string{"-H", "NoColon", "-H", "X-A: 1"}, "tiny://ADDR/", exitOK, "hello, world\n", `Warning: header "NoColon" has no colon`, "\r\nX-A: 1\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, requests := serveReply(t, tt.reply)
			r := tinyget("", append(tt.args, strings.Replace(tt.url, "ADDR", addr, 1))...)
			if r.code != int(tt.code) || r.stdout != tt.stdout || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr with %q", r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
			}
			select {
			case req := <-requests:
				if !strings.Contains(req, tt.request) {
					t.Errorf("request %q lacks %q", req, tt.request)
				}
			case <-time.After(5 * time.Second):
				t.Error("the server read no request")
			}
		})
	}
}

// TestUnixSocketHalfClose checks that a tiny:// exchange over
// --unix-socket half-closes as over TCP: the server reads the request up
// to EOF.
func TestUnixSocketHalfClose(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "tiny.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	requests := make(chan string, 1)
	testenv.ServeListener(t, ln, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		req, err := io.ReadAll(c)
		if err != nil {
			t.Error(err)
			return
		}
		requests <- string(req)
		io.WriteString(c, helloReply)
	})
	r := tinyget("", "--unix-socket", sock, "-d", "ping", "tiny://localhost/echo")
	if r.code != 0 || r.stdout != "hello, world\n" {
		t.Fatalf("%+v", r)
	}
	if req := <-requests; !strings.HasPrefix(req, "POST /echo HTTP/1.0\r\nHost: localhost:7070\r\n") || !strings.HasSuffix(req, "\r\n\r\nping") {
		t.Errorf("server read %q", req)
	}
	if r := tinyget("", "--unix-socket", filepath.Join(t.TempDir(), "none.sock"), "tiny://localhost/"); r.code != int(exitConnect) {
		t.Errorf("missing socket: %+v", r)
	}
}

// TestRedirectToHTTPS checks that -L follows a Location to https://, over
// TLS with the same --cacert, and without a half-close.
func TestRedirectToHTTPS(t *testing.T) {
	x := testenv.NewTLS(t)
	tlsAddr, requests := serveTLS(t, x.ServerConfig(t), "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nsafe", true)
	addr := serveFake(t, nil)
	r := tinyget("", "-sSL", "--cacert", x.CAFile, "http://"+addr+"/redir/301?to=https://"+tlsAddr+"/echo")
	if r.code != 0 || r.stdout != "safe" {
		t.Errorf("%+v", r)
	}
	if req := <-requests; !strings.HasPrefix(req.text, "GET /echo HTTP/1.1\r\nHost: "+tlsAddr+"\r\n") || req.halfClosed {
		t.Errorf("the https:// server read %+v", req)
	}
}

// TestRedirectVerbose checks that -v says where -L goes next, in curl's
// words.
func TestRedirectVerbose(t *testing.T) {
	addr := serveFake(t, nil)
	r := tinyget("", "-vL", "http://"+addr+"/redir/302?to=/echo")
	if r.code != 0 || !strings.Contains(r.stderr, "* Issue another request to this URL: 'http://"+addr+"/echo'\n") {
		t.Errorf("%+v", r)
	}
}

// TestLimitRate checks that --limit-rate slows the body down: 1000 bytes
// at 2000 bytes a second take half a second at least.
func TestLimitRate(t *testing.T) {
	addr := serveFake(t, nil)
	start := time.Now()
	r := tinyget("", "-s", "--limit-rate", "2000", "-o", os.DevNull, "http://"+addr+"/file")
	if elapsed := time.Since(start); r.code != 0 || elapsed < 450*time.Millisecond {
		t.Errorf("%+v after %v", r, elapsed)
	}
}

// TestLimitRateMaxTime checks that -m bounds --limit-rate's wait: 1000
// bytes at 100 bytes a second would take 10 seconds.
func TestLimitRateMaxTime(t *testing.T) {
	addr := serveFake(t, nil)
	start := time.Now()
	r := tinyget("", "-sS", "--limit-rate", "100", "-m", "0.5", "-o", os.DevNull, "http://"+addr+"/file")
	if elapsed := time.Since(start); r.code != int(exitTimeout) || !strings.Contains(r.stderr, "(28) Operation timed out after ") || elapsed > 3*time.Second {
		t.Errorf("%+v after %v; want exit %d within -m", r, elapsed, exitTimeout)
	}
}

// TestParallelFailEarly checks that -Z --fail-early starts no transfer
// after one has failed: with one at a time, the second never starts; and
// that it ends those under way.
func TestParallelFailEarly(t *testing.T) {
	addr := serveFake(t, nil)
	r := tinyget("", "-sZ", "--parallel-max", "1", "--fail-early", "-f", "-w", "%{urlnum} ", "http://"+addr+"/missing", "http://"+addr+"/file")
	if r.code != int(exitHTTPError) || r.stdout != "0 " {
		t.Errorf("%+v", r)
	}

	// Both at once: the failure ends the other, which would wait 5 s
	// for a second request at the barrier.
	var barrier sync.WaitGroup
	barrier.Add(2)
	addr = serveFake(t, &barrier)
	t.Cleanup(barrier.Done) // the second request, so that the server's handler returns
	start := time.Now()
	r = tinyget("", "-sSZ", "--fail-early", "-f", "-w", "%{urlnum}:%{exitcode} ", "http://"+addr+"/barrier", "http://"+addr+"/missing")
	if elapsed := time.Since(start); r.code != int(exitHTTPError) || !strings.Contains(r.stdout, "0:42 ") || !strings.Contains(r.stderr, "(42) Transfer aborted due to critical error in another transfer") || elapsed > 4*time.Second {
		t.Errorf("%+v after %v; want exit 22 at once, the other transfer ended with 42", r, elapsed)
	}

	// A transfer that --limit-rate holds back is ended the same way, by a
	// failure that comes once it waits: a server that closes after 300 ms
	// without reading the request, which resets the connection.
	addr = serveFake(t, nil)
	empty := testenv.Serve(t, func(c *net.TCPConn) { time.Sleep(300 * time.Millisecond) })
	r = tinyget("", "-sSZ", "--fail-early", "--limit-rate", "100", "-o", os.DevNull, "-o", os.DevNull, "-w", "%{urlnum}:%{exitcode} ", "http://"+addr+"/file", "http://"+empty+"/")
	if r.code != int(exitRecvError) || !strings.Contains(r.stdout, "0:42 ") {
		t.Errorf("%+v; want exit 56, the paced transfer ended with 42", r)
	}
}
