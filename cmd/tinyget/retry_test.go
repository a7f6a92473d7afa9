package main

import (
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// serveCounted starts a tiny server that answers the nth exchange (from 1)
// with reply(n) and counts the exchanges it saw, at their accept, so that
// an attempt that timed out before its request was sent counts too. A
// reply of "" closes without replying; "stall" replies nothing until the
// test ends.
func serveCounted(t *testing.T, reply func(n int64) string) (string, *atomic.Int64) {
	var count atomic.Int64
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		n := count.Add(1)
		io.Copy(io.Discard, c)
		switch r := reply(n); r {
		case "stall":
			<-t.Context().Done()
		default:
			io.WriteString(c, r)
		}
	})
	return addr, &count
}

const busyReply = "HTTP/1.0 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nbusy\n"

func TestRetry(t *testing.T) {
	busyThenOK := func(n int64) string {
		if n < 3 {
			return busyReply
		}
		return helloReply
	}
	always := func(reply string) func(int64) string { return func(int64) string { return reply } }
	tests := []struct {
		name     string
		reply    func(n int64) string
		args     []string
		code     exitCode
		attempts int64
		warning  string // in the first warning
	}{
		{"503 until it works", busyThenOK, []string{"--retry", "3"}, exitOK, 3, "Warning: Problem : HTTP error. Will retry in 0.01 seconds. 3 retries left.\n"},
		{"503 with -f", busyThenOK, []string{"-f", "--retry", "3"}, exitOK, 3, "Problem : HTTP error."},
		{"retries run out", always(busyReply), []string{"-f", "--retry", "2"}, exitHTTPError, 3, "2 retries left."},
		{"one retry left", always(busyReply), []string{"-f", "--retry", "1"}, exitHTTPError, 2, "1 retry left."},
		{"other transient statuses", always("HTTP/1.0 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n"), []string{"--retry", "1"}, exitOK, 2, "HTTP error"},
		{"404 is not transient", always("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"), []string{"-f", "--retry", "2"}, exitHTTPError, 1, ""},
		{"no --retry", always(busyReply), nil, exitOK, 1, ""},
		{"timeout", always("stall"), []string{"-m", "0.1", "--retry", "1"}, exitTimeout, 2, "Problem : timeout."},
		{"empty reply is not transient", always(""), []string{"--retry", "2"}, exitEmptyReply, 1, ""},
		{"--retry-all-errors", always(""), []string{"--retry", "2", "--retry-all-errors"}, exitEmptyReply, 3, "Problem (retrying all errors)."},
		{"--retry-all-errors and -f", always("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"), []string{"-f", "--retry", "1", "--retry-all-errors"}, exitHTTPError, 2, "retrying all errors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, count := serveCounted(t, tt.reply)
			r := tinyget("", append(tt.args, "--retry-delay", "0.01", addr+"/")...)
			if r.code != int(tt.code) {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			if got := waitCount(count, tt.attempts); got != tt.attempts {
				t.Errorf("server saw %d attempts, want %d; stderr %q", got, tt.attempts, r.stderr)
			}
			warnings := strings.Count(r.stderr, "Warning: Problem")
			if warnings != int(tt.attempts-1) || !strings.Contains(r.stderr, tt.warning) {
				t.Errorf("stderr %q: want %d warnings, the first with %q", r.stderr, tt.attempts-1, tt.warning)
			}
		})
	}
}

// TestRetryOutput checks that the output of an attempt that is retried is
// dropped from an -o file (curl truncates it), and that on stdout the bytes
// written stay, as in curl.
func TestRetryOutput(t *testing.T) {
	busyOnce := func(n int64) string {
		if n == 1 {
			return busyReply
		}
		return helloReply
	}
	addr, _ := serveCounted(t, busyOnce)
	path := filepath.Join(t.TempDir(), "out")
	if r := tinyget("", "-s", "--retry", "1", "--retry-delay", "0.01", "-o", path, addr+"/"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if b, _ := os.ReadFile(path); string(b) != "hello, world\n" {
		t.Errorf("file holds %q", b)
	}
	addr, _ = serveCounted(t, busyOnce)
	if r := tinyget("", "-s", "--retry", "1", "--retry-delay", "0.01", addr+"/"); r.code != 0 || r.stdout != "busy\nhello, world\n" {
		t.Errorf("stdout: %+v", r)
	}
}

// TestRetryRemoteHeaderName checks that each attempt of -O -J starts from
// the URL's name: a name the server gave a retried reply is not kept for a
// later reply that gives none.
func TestRetryRemoteHeaderName(t *testing.T) {
	addr, _ := serveCounted(t, func(n int64) string {
		if n == 1 {
			return "HTTP/1.0 503 Service Unavailable\r\nContent-Disposition: attachment; filename=\"first.txt\"\r\nContent-Length: 5\r\n\r\nbusy\n"
		}
		return helloReply
	})
	dir := t.TempDir()
	if r := tinyget("", "-s", "-OJ", "--output-dir", dir, "--retry", "1", "--retry-delay", "0.01", addr+"/file"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "file")); err != nil || string(b) != "hello, world\n" {
		t.Errorf("the URL's name holds %q (%v), want the second reply", b, err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "first.txt")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the retried reply's name is there: %v", err)
	}
}

// TestRetryStartsOver checks that a retry after a redirect starts the
// transfer again from its URL, as curl's does, and that -w reports the last
// attempt: its redirects and connections.
func TestRetryStartsOver(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		req, _ := io.ReadAll(c)
		path := strings.Fields(string(req) + " ?")[1]
		mu.Lock()
		paths = append(paths, path)
		n := len(paths)
		mu.Unlock()
		switch {
		case path == "/a":
			io.WriteString(c, "HTTP/1.0 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n")
		case n == 2:
			io.WriteString(c, busyReply)
		default:
			io.WriteString(c, helloReply)
		}
	})
	r := tinyget("", "-sS", "-L", "--retry", "1", "--retry-delay", "0.01", "-w", "%{num_redirects} %{num_connects} %{num_retries}\n", addr+"/a")
	if r.code != 0 || r.stdout != "busy\nhello, world\n1 2 1\n" {
		t.Errorf("%+v; want the 503 body (stdout keeps what was written), the body and -w's \"1 2 1\"", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(paths, " "); got != "/a /b /a /b" {
		t.Errorf("the server saw %s; want /a /b /a /b", got)
	}
}

func TestRetryConnRefused(t *testing.T) {
	addr := testenv.ClosedAddr(t)
	r := tinyget("", "--retry", "2", "--retry-delay", "0.01", addr)
	if r.code != int(exitConnect) || strings.Contains(r.stderr, "Warning") {
		t.Errorf("without --retry-connrefused: %+v", r)
	}
	r = tinyget("", "--retry", "2", "--retry-delay", "0.01", "--retry-connrefused", addr)
	if r.code != int(exitConnect) || strings.Count(r.stderr, "Warning: Problem : connection refused.") != 2 || strings.Count(r.stderr, "(7) Failed to connect") != 3 {
		t.Errorf("with --retry-connrefused: %+v", r)
	}
}

// TestRetryUnresolved checks that a name that does not resolve is retried
// as a timeout, as curl does.
func TestRetryUnresolved(t *testing.T) {
	r := tinyget("", "--retry", "1", "--retry-delay", "0.01", "nonexistent.invalid:7070/")
	if r.code != int(exitResolve) || !strings.Contains(r.stderr, "Warning: Problem : timeout. Will retry in 0.01 seconds. 1 retry left.") {
		t.Errorf("%+v", r)
	}
}

func TestRetryAfter(t *testing.T) {
	busyOnce := func(after string) func(n int64) string {
		return func(n int64) string {
			if n == 1 {
				return "HTTP/1.0 503 Service Unavailable\r\nRetry-After: " + after + "\r\nContent-Length: 0\r\n\r\n"
			}
			return helloReply
		}
	}
	addr, count := serveCounted(t, busyOnce("1"))
	start := time.Now()
	r := tinyget("", "--retry", "1", "--retry-delay", "0.01", addr+"/")
	if elapsed := time.Since(start); r.code != 0 || elapsed < time.Second || count.Load() != 2 {
		t.Errorf("Retry-After: 1: %+v after %v and %d attempts", r, elapsed, count.Load())
	}
	if !strings.Contains(r.stderr, "Will retry in 1 second. 1 retry left.") {
		t.Errorf("stderr %q", r.stderr)
	}

	addr, count = serveCounted(t, busyOnce("1"))
	start = time.Now()
	r = tinyget("", "--retry", "1", "--retry-delay", "10", addr+"/")
	if elapsed := time.Since(start); r.code != 0 || elapsed > 5*time.Second || count.Load() != 2 {
		t.Errorf("Retry-After: 1 with --retry-delay 10: %+v after %v and %d attempts; want curl's wait of 1 s", r, elapsed, count.Load())
	}

	addr, count = serveCounted(t, busyOnce("30"))
	r = tinyget("", "--retry", "1", "--retry-max-time", "5", addr+"/")
	if r.code != 0 || count.Load() != 1 || !strings.Contains(r.stderr, "Warning: The Retry-After: time would make this command line exceed the maximum allowed time for retries.") {
		t.Errorf("Retry-After beyond --retry-max-time: %+v, %d attempts", r, count.Load())
	}
	addr, _ = serveCounted(t, busyOnce("30"))
	r = tinyget("", "-f", "--retry", "1", "--retry-max-time", "5", addr+"/")
	if r.code != int(exitHTTPError) || strings.Count(r.stderr, "tinyget: (22)") != 1 {
		t.Errorf("-f and Retry-After beyond --retry-max-time: %+v", r)
	}
}

// TestRetryBackoff checks curl's default wait: one second before the first
// retry when --retry-delay is not given.
func TestRetryBackoff(t *testing.T) {
	addr, count := serveCounted(t, func(n int64) string {
		if n == 1 {
			return busyReply
		}
		return helloReply
	})
	start := time.Now()
	r := tinyget("", "-s", "--retry", "1", addr+"/")
	if elapsed := time.Since(start); r.code != 0 || elapsed < time.Second || count.Load() != 2 {
		t.Errorf("%+v after %v and %d attempts", r, elapsed, count.Load())
	}
}

// waitCount returns count once it reaches want, or after 5 s: the server
// accepts an attempt's connection in a goroutine of its own, which may
// come to it after tinyget has returned.
func waitCount(count *atomic.Int64, want int64) int64 {
	for deadline := time.Now().Add(5 * time.Second); count.Load() < want && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	return count.Load()
}

// TestRetryMaxTime checks that no retry starts once --retry-max-time has
// passed since the first attempt.
func TestRetryMaxTime(t *testing.T) {
	addr, count := serveCounted(t, func(int64) string { return "stall" })
	// Attempts start at 0, 0.6 and 1.2 s, and the next would at 1.8 s.
	r := tinyget("", "-s", "-m", "0.3", "--retry", "20", "--retry-delay", "0.3", "--retry-max-time", "1.5", addr+"/")
	if n := waitCount(count, 2); r.code != int(exitTimeout) || n < 2 || n > 4 {
		t.Errorf("exit %d after %d attempts, want 28 after 2 to 4", r.code, n)
	}
}

func TestRetryAfterValue(t *testing.T) {
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"Sun, 22 Nov 2026 08:00:10 GMT", 10 * time.Second, true},
		{"Sun, 22 Nov 2026 07:00:00 GMT", 0, true},
		{"Sunday, 22-Nov-26 08:00:10 GMT", 10 * time.Second, true},
		{"Sun Nov 22 08:00:10 2026", 10 * time.Second, true},
		{"sun, 22 nov 2026 08:00:10 gmt", 10 * time.Second, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		if got, ok := retryAfter(tt.v, now); got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}
