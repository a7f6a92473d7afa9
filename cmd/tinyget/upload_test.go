package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestUploadStreamsFile sends an 8 MiB -T file, retried once and redirected
// once with 307: each exchange must carry the whole file after its head,
// read again from the file, with its size as Content-Length.
func TestUploadStreamsFile(t *testing.T) {
	const size = 8 << 20
	content := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	file := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(file, content, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 3)
	n := 0
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		req, _ := io.ReadAll(c)
		head, body, _ := bytes.Cut(req, []byte("\r\n\r\n"))
		got <- fmt.Sprintf("%s whole=%v", strings.SplitN(string(head), "\r\n", 2)[0], bytes.Equal(body, content))
		if !bytes.Contains(append(head, "\r\n"...), []byte(fmt.Sprintf("\r\nContent-Length: %d\r\n", size))) {
			t.Errorf("head %q lacks the file's Content-Length", head)
		}
		switch n++; n {
		case 1:
			io.WriteString(c, busyReply)
		case 2:
			io.WriteString(c, "HTTP/1.0 307 Temporary Redirect\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n")
		default:
			io.WriteString(c, helloReply)
		}
	})
	r := tinyget("", "-sS", "--retry", "1", "--retry-delay", "0.01", "-L", "-T", file, addr+"/up")
	if r.code != 0 || !strings.HasSuffix(r.stdout, "hello, world\n") {
		t.Fatalf("%+v", r)
	}
	for _, want := range []string{"PUT /up HTTP/1.0 whole=true", "PUT /up HTTP/1.0 whole=true", "PUT /next HTTP/1.0 whole=true"} {
		if g := <-got; g != want {
			t.Errorf("exchange %q, want %q", g, want)
		}
	}
}

// TestUploadFileGoneBeforeRetry removes the -T file after the first
// exchange: the retry cannot open it, which is exit 26 with the reason, as
// a -T file that cannot be read at the start is.
func TestUploadFileGoneBeforeRetry(t *testing.T) {
	file := filepath.Join(t.TempDir(), "up.txt")
	if err := os.WriteFile(file, []byte("data\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c)
		os.Remove(file)
		io.WriteString(c, busyReply)
	})
	r := tinyget("", "-sS", "--retry", "1", "--retry-delay", "0.01", "-T", file, addr+"/up")
	if r.code != int(exitReadError) || !strings.Contains(r.stderr, "Failed to open/read the -T file") || !strings.Contains(r.stderr, "no such file") {
		t.Errorf("exit %d, stderr %q; want %d and the reason", r.code, r.stderr, exitReadError)
	}
}
