package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const helloReply = "HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\nhello, world\n"

// testServer answers the half-close exchange on loopback, misbehaving by
// path, so that every error class can be seen over a real connection. It
// returns its address; it stops when the test ends.
func testServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	t.Cleanup(func() {
		close(stop)
		l.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { serveTest(c.(*net.TCPConn), stop) })
		}
	})
	return l.Addr().String()
}

func serveTest(c *net.TCPConn, stop <-chan struct{}) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req, err := io.ReadAll(c) // to the client's half-close
	if err != nil {
		return
	}
	line, _, _ := bytes.Cut(req, []byte("\r\n"))
	f := strings.Fields(string(line))
	if len(f) < 2 {
		return
	}
	switch f[1] {
	case "/hello":
		io.WriteString(c, helloReply)
	case "/echo":
		_, body, _ := bytes.Cut(req, []byte("\r\n\r\n"))
		io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n")
		c.Write(body)
	case "/missing":
		io.WriteString(c, "HTTP/1.0 404 Not Found\r\nContent-Length: 4\r\n\r\nnope")
	case "/truncated":
		io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\nhello")
	case "/empty":
	case "/malformed":
		io.WriteString(c, "hello, world\n")
	case "/reset":
		io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
		time.Sleep(20 * time.Millisecond)
		c.SetLinger(0)
	case "/slow":
		select {
		case <-stop:
		case <-time.After(500 * time.Millisecond):
			io.WriteString(c, helloReply)
		}
	case "/stall":
		select {
		case <-stop:
		case <-time.After(5 * time.Second):
		}
	}
}

// runJSON runs tinyload with args and -json, and returns its report and
// exit code.
func runJSON(t *testing.T, args ...string) (*report, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(t.Context(), append([]string{"-json"}, args...), &out, &errb, false)
	if code == exitUsage {
		t.Fatalf("usage error: %s", errb.String())
	}
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("report %q: %v (stderr %q)", out.String(), err, errb.String())
	}
	return &r, code
}

// TestErrorClasses drives each misbehaviour of the test server and checks
// the class its exchanges are counted in.
func TestErrorClasses(t *testing.T) {
	addr := testServer(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	tests := []struct {
		url   string
		class string
	}{
		{addr + "/truncated", "truncated"},
		{addr + "/empty", "empty"},
		{addr + "/malformed", "malformed"},
		{addr + "/reset", "reset"},
		{addr + "/missing", "bad_status"},
		{addr + "/stall", "timeout"},
		{closedAddr + "/hello", "connect"},
	}
	for _, tt := range tests {
		t.Run(tt.class, func(t *testing.T) {
			// Only the stalled server must time out: the others get time
			// enough to fail as they do, however loaded the machine.
			timeout := "10s"
			if tt.class == "timeout" {
				timeout = "300ms"
			}
			r, code := runJSON(t, "-n", "3", "-c", "1", "-timeout", timeout, tt.url)
			if code != exitFailed {
				t.Errorf("exit %d, want %d", code, exitFailed)
			}
			if r.Exchanges != 3 || r.ErrorsByClass[tt.class] != 3 || r.OK != 0 {
				t.Errorf("exchanges %d, ok %d, by class %v; want 3 %s", r.Exchanges, r.OK, r.ErrorsByClass, tt.class)
			}
			if r.FirstErrors[tt.class] == "" {
				t.Errorf("no first error for %s", tt.class)
			}
		})
	}
}

func TestClosedLoop(t *testing.T) {
	addr := testServer(t)
	r, code := runJSON(t, "-n", "50", "-c", "4", addr+"/hello", addr+"/echo")
	if code != exitOK || r.Exchanges != 50 || r.OK != 50 || r.Mode != "closed" {
		t.Fatalf("exit %d: %+v", code, r)
	}
	if r.Latency.P50 <= 0 || r.Latency.Max < r.Latency.P99 || r.Latency.P99 < r.Latency.P50 {
		t.Errorf("latency %+v", r.Latency)
	}
	if r.BytesIn < 25*int64(len(helloReply)) || r.BytesOut == 0 || r.CPUPerExchange <= 0 {
		t.Errorf("bytes in %d out %d, CPU %v", r.BytesIn, r.BytesOut, r.CPUPerExchange)
	}
	if len(r.Targets) != 2 {
		t.Errorf("targets %v", r.Targets)
	}
}

// TestOpenLoopRunsTheSchedule checks that the open loop runs exactly the
// exchanges its schedule holds: 50 at 200/s. The schedule is bounded by
// count, not by a duration it would just fill, so that a worker's timer
// waking late on a loaded machine loses none.
func TestOpenLoopRunsTheSchedule(t *testing.T) {
	addr := testServer(t)
	r, code := runJSON(t, "-rate", "200", "-n", "50", "-c", "8", addr+"/hello")
	if code != exitOK || r.Mode != "open" || r.Rate != 200 {
		t.Fatalf("exit %d: %+v", code, r)
	}
	if r.Exchanges != 50 || r.OK != 50 || r.Unstarted != 0 {
		t.Errorf("exchanges %d ok %d, unstarted %d; want 50, 50, 0", r.Exchanges, r.OK, r.Unstarted)
	}
}

// TestOpenLoopStopsOnTime runs an open loop against a server that takes
// 500 ms a reply, far slower than the schedule: the run must end at its
// duration, plus the replies in flight, and report the exchanges it did
// not start, instead of working through the whole schedule (25 s here).
func TestOpenLoopStopsOnTime(t *testing.T) {
	addr := testServer(t)
	start := time.Now()
	r, code := runJSON(t, "-rate", "200", "-duration", "500ms", "-warmup", "0s", "-c", "2", addr+"/slow")
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("the run took %v; -duration is 500ms and each reply 500ms", elapsed)
	}
	if code != exitOK || r.Exchanges == 0 || r.Unstarted == 0 || r.Exchanges+r.Unstarted != 100 {
		t.Errorf("exit %d: %d exchanges, %d unstarted; want some of each, 100 in all", code, r.Exchanges, r.Unstarted)
	}
}

func TestBodyFile(t *testing.T) {
	addr := testServer(t)
	body := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(body, []byte("ping pong"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, code := runJSON(t, "-n", "2", "-c", "1", "-body-file", body, addr+"/echo")
	if code != exitOK || r.OK != 2 {
		t.Fatalf("exit %d: %+v", code, r)
	}
	// The echo server's reply: its head and the 9-byte body, twice.
	if want := int64(2 * (len("HTTP/1.0 200 OK\r\nContent-Length: 9\r\n\r\n") + 9)); r.BytesIn != want {
		t.Errorf("bytes in %d, want %d", r.BytesIn, want)
	}
	var out, errb bytes.Buffer
	code = run(t.Context(), []string{"-n", "1", "-body-file", filepath.Join(t.TempDir(), "none"), addr + "/echo"}, &out, &errb, false)
	if code != exitFailed || !strings.Contains(errb.String(), "no such file") {
		t.Errorf("missing body file: exit %d, %q", code, errb.String())
	}
}

func TestRefusesRemoteTarget(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"-n", "1", "192.0.2.1:7070/"}, &out, &errb, false)
	if code != exitFailed || !strings.Contains(errb.String(), "-allow-remote") || out.Len() != 0 {
		t.Errorf("exit %d, stderr %q, stdout %q", code, errb.String(), out.String())
	}
}

func TestUsageExitCodes(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"-c", "0", "127.0.0.1/"}, &out, &errb, false); code != exitUsage {
		t.Errorf("bad flag: exit %d", code)
	}
	out.Reset()
	if code := run(t.Context(), []string{"-h"}, &out, &errb, false); code != exitOK || !strings.Contains(out.String(), "Usage: tinyload") {
		t.Errorf("-h: exit %d, %q", code, out.String())
	}
	for _, u := range []string{"ftp://127.0.0.1/", "tinys://127.0.0.1/", "https://127.0.0.1/", "127.0.0.1:99999/hello", "127.0.0.1/a b"} {
		errb.Reset()
		code := run(t.Context(), []string{"-duration", "100ms", u}, &out, &errb, false)
		if code != exitUsage || strings.Contains(errb.String(), "tinys://, http:// or https://") {
			t.Errorf("URL %q: exit %d, %q; want exit %d, and no scheme tinyload refuses offered", u, code, errb.String(), exitUsage)
		}
	}
}

// TestInterrupt checks that canceling the run ends it early, with a report
// that says so.
func TestInterrupt(t *testing.T) {
	addr := testServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	var out, errb bytes.Buffer
	start := time.Now()
	run(ctx, []string{"-json", "-duration", "1m", "-c", "2", addr + "/hello"}, &out, &errb, false)
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v after the interrupt", d)
	}
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if !r.Interrupted {
		t.Errorf("report does not say it was interrupted: %+v", r)
	}
}

// TestProgressLine checks the -progress line on a non-terminal: one line
// per tick, naming the phase.
func TestProgressLine(t *testing.T) {
	addr := testServer(t)
	var out, errb bytes.Buffer
	// 2.5 s: a tick comes with a second to spare, however late its
	// ticker starts.
	code := run(t.Context(), []string{"-progress", "-duration", "2500ms", "-c", "1", addr + "/hello"}, &out, &errb, false)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	sc := bufio.NewScanner(&errb)
	lines := 0
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "tinyload: load ") {
			t.Errorf("progress line %q", sc.Text())
		}
		lines++
	}
	if lines < 1 {
		t.Error("no progress line")
	}
	if strings.Contains(errb.String(), "\r") {
		t.Error("carriage return on a non-terminal")
	}
}
