package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
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
	var served atomic.Int32
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		req, _ := io.ReadAll(c)
		head, body, _ := bytes.Cut(req, []byte("\r\n\r\n"))
		got <- fmt.Sprintf("%s whole=%v", strings.SplitN(string(head), "\r\n", 2)[0], bytes.Equal(body, content))
		if !bytes.Contains(append(head, "\r\n"...), []byte(fmt.Sprintf("\r\nContent-Length: %d\r\n", size))) {
			t.Errorf("head %q lacks the file's Content-Length", head)
		}
		switch served.Add(1) {
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

// TestUploadFileChangesBeforeRetry changes the -T file after the first
// exchange, which the server answers 503: replaced by another file or
// removed, the retry still sends the one opened at the start; cut short,
// the retry fails with exit 26 rather than send fewer bytes than its
// Content-Length.
func TestUploadFileChangesBeforeRetry(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(file string)
		code   exitCode
	}{
		{"replaced", func(file string) {
			next := file + ".next"
			os.WriteFile(next, []byte(strings.Repeat("NEW-", 30)), 0o600)
			os.Rename(next, file)
		}, exitOK},
		{"removed", func(file string) { os.Remove(file) }, exitOK},
		{"cut short", func(file string) { os.Truncate(file, 5) }, exitReadError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "up.txt")
			original := strings.Repeat("original ", 4)
			if err := os.WriteFile(file, []byte(original), 0o600); err != nil {
				t.Fatal(err)
			}
			bodies := make(chan string, 2)
			var served atomic.Int32
			addr := testenv.Serve(t, func(c *net.TCPConn) {
				req, _ := io.ReadAll(c)
				_, body, _ := strings.Cut(string(req), "\r\n\r\n")
				bodies <- body
				if served.Add(1) == 1 {
					tt.change(file)
					io.WriteString(c, busyReply)
					return
				}
				io.WriteString(c, helloReply)
			})
			r := tinyget("", "-sS", "-o", os.DevNull, "--retry", "1", "--retry-delay", "0.01", "-T", file, addr+"/up")
			if r.code != int(tt.code) {
				t.Fatalf("exit %d, stderr %q; want %d", r.code, r.stderr, tt.code)
			}
			if got := <-bodies; got != original {
				t.Errorf("first exchange sent %q", got)
			}
			if tt.code == exitOK {
				if got := <-bodies; got != original {
					t.Errorf("the retry sent %q, want the file as it was at the start", got)
				}
			} else if !strings.Contains(r.stderr, "Failed to open/read the -T file") || !strings.Contains(r.stderr, "short") {
				t.Errorf("stderr %q; want the reason", r.stderr)
			}
		})
	}
}

// TestUploadResume runs -T with -C: the request carries the part of the file
// from the offset on, with curl's Content-Range and no Range, again on a
// retry, and a 2xx reply ends it well; an offset at or past the file's end
// sends nothing and exits 18, as curl does.
func TestUploadResume(t *testing.T) {
	file := filepath.Join(t.TempDir(), "up.txt")
	if err := os.WriteFile(file, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		code  exitCode
		want  string // each exchange's head fields of note and body
	}{
		{"offset", "", []string{"-T", file, "-C", "4"}, exitOK, "Content-Range: bytes 4-9/10|Content-Length: 6|456789"},
		{"stdin", "abcdefghij", []string{"-T", "-", "-C", "4"}, exitOK, "Content-Range: bytes 4-9/10|Content-Length: 6|efghij"},
		{"dash sends the whole file", "", []string{"-T", file, "-C", "-"}, exitOK, "Content-Range: bytes 0-9/10|Content-Length: 10|0123456789"},
		{"zero sends no Content-Range", "", []string{"-T", file, "-C", "0"}, exitOK, "Content-Length: 10|0123456789"},
		{"at the end", "", []string{"-T", file, "-C", "10"}, exitPartial, ""},
		{"past the end", "", []string{"-T", file, "-C", "11"}, exitPartial, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := make(chan string, 2)
			var served atomic.Int32
			addr := testenv.Serve(t, func(c *net.TCPConn) {
				req, _ := io.ReadAll(c)
				head, body, _ := strings.Cut(string(req), "\r\n\r\n")
				var fields []string
				for _, line := range strings.Split(head, "\r\n") {
					name, _, _ := strings.Cut(line, ":")
					if name == "Content-Range" || name == "Content-Length" || name == "Range" {
						fields = append(fields, line)
					}
				}
				got <- strings.Join(append(fields, body), "|")
				if served.Add(1) == 1 {
					io.WriteString(c, busyReply)
					return
				}
				io.WriteString(c, "HTTP/1.0 201 Created\r\nContent-Length: 3\r\n\r\nok\n")
			})
			args := append([]string{"-sS", "--retry", "1", "--retry-delay", "0.01"}, tt.args...)
			r := tinyget(tt.stdin, append(args, addr+"/up")...)
			if r.code != int(tt.code) {
				t.Fatalf("exit %d, stderr %q; want %d", r.code, r.stderr, tt.code)
			}
			if tt.code != exitOK {
				if !strings.Contains(r.stderr, "File already completely uploaded") || served.Load() != 0 {
					t.Errorf("stderr %q after %d exchanges", r.stderr, served.Load())
				}
				return
			}
			if !strings.HasSuffix(r.stdout, "ok\n") {
				t.Errorf("stdout %q", r.stdout)
			}
			for i := range 2 {
				if g := <-got; g != tt.want {
					t.Errorf("exchange %d sent %q, want %q", i+1, g, tt.want)
				}
			}
		})
	}
}
