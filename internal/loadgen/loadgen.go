// Package loadgen runs bounded half-close exchange load for tests that
// restart servers under it (a SO_REUSEPORT upgrade, a rolling restart behind
// a proxy) and sorts every exchange by how it ended, so that a test can tell
// a lost exchange from one that was never let in.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Load is a running load. Stop ends it and returns the result.
type Load struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu  sync.Mutex
	res Result
	// lastOK is when the last exchange completed, for Result.LongestGap.
	lastOK time.Time
}

// Config says what load to run.
type Config struct {
	// Addr is the server's host:port; a literal IP saves a lookup per
	// exchange.
	Addr string
	// Workers is the number of exchanges in flight at once; each worker
	// runs one exchange after another. If zero, 8.
	Workers int
	// Request is sent before the half-close. If empty, "GET /hello HTTP/1.0\r\n\r\n".
	Request string
	// Body, if not empty, is the reply body a completed exchange must have.
	Body string
	// Timeout bounds each exchange. If zero, 5s.
	Timeout time.Duration
}

// Result counts the exchanges by how they ended.
type Result struct {
	// Attempted counts every exchange started.
	Attempted int
	// OK counts complete replies: status 200 and a body as long as the
	// Content-Length (and equal to Config.Body when set).
	OK int
	// Refused counts connects refused: nothing listened, nothing was sent.
	Refused int
	// Unanswered counts connections reset while connecting or before a
	// single byte of reply, as the kernel resets a connection it was
	// completing, or had completed, for a listener that was closed before
	// accepting it. A server that resets an exchange it
	// accepted without replying is counted here too; the servers under test
	// here do so only for fault routes.
	Unanswered int
	// Statuses counts complete replies with a status other than 200, such
	// as 503 from a server over its MaxConns.
	Statuses map[int]int
	// Failed counts everything else: a truncated or malformed reply, a
	// reset after part of a reply, a timeout.
	Failed int
	// Errors holds the first few failures, for the test's log.
	Errors []string
	// MaxLatency is the longest exchange that completed.
	MaxLatency time.Duration
	// LongestGap is the longest time between two completed exchanges, from
	// the start of the load to the last one.
	LongestGap time.Duration
	// Elapsed is the load's duration.
	Elapsed time.Duration
}

// String sums up r on one line.
func (r Result) String() string {
	rate := 0.0
	if r.Elapsed > 0 {
		rate = float64(r.Attempted) / r.Elapsed.Seconds()
	}
	return fmt.Sprintf("attempted=%d ok=%d failed=%d refused=%d unanswered=%d other_status=%v max_latency=%v longest_gap=%v elapsed=%v rate=%.0f/s",
		r.Attempted, r.OK, r.Failed, r.Refused, r.Unanswered, r.Statuses,
		r.MaxLatency.Round(time.Millisecond), r.LongestGap.Round(time.Millisecond), r.Elapsed.Round(time.Millisecond), rate)
}

// Start starts the load; it runs until Stop.
func Start(cfg Config) *Load {
	if cfg.Workers == 0 {
		cfg.Workers = 8
	}
	if cfg.Request == "" {
		cfg.Request = "GET /hello HTTP/1.0\r\n\r\n"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Load{cancel: cancel, lastOK: time.Now()}
	l.res.Statuses = make(map[int]int)
	start := time.Now()
	for range cfg.Workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			var d net.Dialer
			for ctx.Err() == nil {
				l.record(exchange(ctx, &d, cfg))
			}
		}()
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		<-ctx.Done()
		l.mu.Lock()
		l.res.Elapsed = time.Since(start)
		l.mu.Unlock()
	}()
	return l
}

// Snapshot returns the counts so far.
func (l *Load) Snapshot() Result {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.res
	r.Statuses = make(map[int]int, len(l.res.Statuses))
	for k, v := range l.res.Statuses {
		r.Statuses[k] = v
	}
	r.Errors = append([]string(nil), l.res.Errors...)
	return r
}

// WaitOK waits until n more exchanges have completed than when it was
// called, or until timeout; it reports whether they did.
func (l *Load) WaitOK(n int, timeout time.Duration) bool {
	want := l.Snapshot().OK + n
	deadline := time.Now().Add(timeout)
	for l.Snapshot().OK < want {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// Stop ends the load, waits for the exchanges in flight and returns the
// result. Exchanges cut short by Stop itself are not counted.
func (l *Load) Stop() Result {
	l.cancel()
	l.wg.Wait()
	return l.Snapshot()
}

// outcome is how one exchange ended.
type outcome struct {
	kind    kind
	status  int
	latency time.Duration
	err     string
}

type kind int

const (
	kindOK kind = iota
	kindRefused
	kindUnanswered
	kindStatus
	kindFailed
	kindStopped
)

func (l *Load) record(o outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if o.kind == kindStopped {
		return
	}
	l.res.Attempted++
	switch o.kind {
	case kindOK:
		l.res.OK++
		now := time.Now()
		l.res.LongestGap = max(l.res.LongestGap, now.Sub(l.lastOK))
		l.lastOK = now
		l.res.MaxLatency = max(l.res.MaxLatency, o.latency)
	case kindRefused:
		l.res.Refused++
	case kindUnanswered:
		l.res.Unanswered++
	case kindStatus:
		l.res.Statuses[o.status]++
	case kindFailed:
		l.res.Failed++
		if len(l.res.Errors) < 10 {
			l.res.Errors = append(l.res.Errors, o.err)
		}
	}
}

// exchange runs one exchange and sorts its ending.
func exchange(ctx context.Context, d *net.Dialer, cfg Config) outcome {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	c, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return outcome{kind: kindRefused}
		case errors.Is(err, syscall.ECONNRESET):
			// A SYN that reached a listener as it closed.
			return outcome{kind: kindUnanswered}
		case errors.Is(err, context.Canceled):
			return outcome{kind: kindStopped}
		}
		return outcome{kind: kindFailed, err: "connect: " + err.Error()}
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	_, werr := io.WriteString(c, cfg.Request)
	if werr == nil {
		werr = c.(*net.TCPConn).CloseWrite()
	}
	reply, rerr := io.ReadAll(c)
	latency := time.Since(start)
	if len(reply) == 0 {
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			return outcome{kind: kindStopped}
		case errors.Is(rerr, syscall.ECONNRESET), errors.Is(werr, syscall.EPIPE), errors.Is(werr, syscall.ECONNRESET):
			return outcome{kind: kindUnanswered}
		case rerr == nil:
			return outcome{kind: kindFailed, err: "connection closed without a reply"}
		}
	}
	if rerr != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return outcome{kind: kindStopped}
		}
		return outcome{kind: kindFailed, err: fmt.Sprintf("after %d reply bytes: %v", len(reply), rerr)}
	}
	status, body, err := parse(reply)
	switch {
	case err != nil:
		return outcome{kind: kindFailed, err: err.Error()}
	case status != 200:
		return outcome{kind: kindStatus, status: status}
	case cfg.Body != "" && body != cfg.Body:
		return outcome{kind: kindFailed, err: fmt.Sprintf("body %q, want %q", body, cfg.Body)}
	}
	return outcome{kind: kindOK, latency: latency}
}

// parse checks a reply's framing: a status line, headers, and a body of
// exactly Content-Length bytes.
func parse(reply []byte) (status int, body string, err error) {
	head, body, ok := strings.Cut(string(reply), "\r\n\r\n")
	if !ok {
		return 0, "", fmt.Errorf("reply of %d bytes without the end of its header", len(reply))
	}
	lines := strings.Split(head, "\r\n")
	f := strings.Fields(lines[0])
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/1.") {
		return 0, "", fmt.Errorf("bad status line %q", lines[0])
	}
	if status, err = strconv.Atoi(f[1]); err != nil {
		return 0, "", fmt.Errorf("bad status line %q", lines[0])
	}
	length := -1
	for _, line := range lines[1:] {
		name, value, _ := strings.Cut(line, ":")
		if strings.EqualFold(name, "Content-Length") {
			length, err = strconv.Atoi(strings.TrimSpace(value))
			if err != nil {
				return 0, "", fmt.Errorf("bad Content-Length %q", value)
			}
		}
	}
	if length < 0 {
		return 0, "", errors.New("reply without Content-Length")
	}
	if len(body) != length {
		return 0, "", fmt.Errorf("status %d: body of %d bytes, Content-Length %d", status, len(body), length)
	}
	return status, body, nil
}
