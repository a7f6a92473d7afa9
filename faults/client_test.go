//go:build faults

package faults

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// reply is a reply as a client received it, checked for framing.
type reply struct {
	status int
	header map[string]string
	body   []byte
}

// parseReply parses raw, a whole reply read to EOF, and checks that it is
// complete: a status line, a head ending in a blank line, and a
// Content-Length that equals the body's length.
func parseReply(raw []byte) (*reply, error) {
	head, body, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		return nil, fmt.Errorf("incomplete reply: no end of head in %d bytes", len(raw))
	}
	lines := strings.Split(string(head), "\r\n")
	proto, rest, _ := strings.Cut(lines[0], " ")
	code, _, _ := strings.Cut(rest, " ")
	status, err := strconv.Atoi(code)
	if proto != "HTTP/1.0" || err != nil {
		return nil, fmt.Errorf("bad status line %q", lines[0])
	}
	r := &reply{status: status, header: make(map[string]string), body: body}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ": ")
		if !ok {
			return nil, fmt.Errorf("bad header line %q", l)
		}
		r.header[name] = value
	}
	cl, err := strconv.Atoi(r.header["Content-Length"])
	if err != nil {
		return nil, fmt.Errorf("bad Content-Length %q", r.header["Content-Length"])
	}
	if cl != len(body) {
		return nil, fmt.Errorf("truncated reply: Content-Length %d, %d body bytes", cl, len(body))
	}
	return r, nil
}

// dial connects to addr over TCP with a bounded wait.
func dial(addr string) (*net.TCPConn, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	return c.(*net.TCPConn), nil
}

// exchange makes one exchange the protocol's way: connect, write the
// request, half-close, read to EOF; the reply must be complete. timeout
// bounds the whole exchange.
func exchange(addr, req string, timeout time.Duration) (*reply, error) {
	c, err := dial(addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(c, req); err != nil {
		return nil, err
	}
	if err := c.CloseWrite(); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(c)
	if err != nil {
		return nil, fmt.Errorf("after %d bytes: %w", len(raw), err)
	}
	return parseReply(raw)
}

// expectReply returns a check that a reply has the given status and body.
func expectReply(status int, bodies ...string) func(*reply) error {
	return func(r *reply) error {
		if r.status != status {
			return fmt.Errorf("status %d, want %d (body %q)", r.status, status, r.body)
		}
		if len(bodies) > 0 && !slices.Contains(bodies, string(r.body)) {
			return fmt.Errorf("body %q, want one of %q", r.body, bodies)
		}
		return nil
	}
}

// load is a set of well-behaved clients making exchanges until stopped.
type load struct {
	ok, failed atomic.Int64
	// accepted counts replies that check refused but accept allowed
	// (503 while the server is full, in the flood scenario).
	accepted atomic.Int64

	addr     string
	mu       sync.Mutex
	failures []string
	stop     chan struct{}
	wg       sync.WaitGroup
}

// loadOptions describe the well-behaved clients.
type loadOptions struct {
	workers int
	// pause between a worker's exchanges.
	pause time.Duration
	// requests are sent in turn; check must accept every reply.
	requests []string
	check    func(req string, r *reply) error
	// accept, if set, is asked about replies that check refused: true
	// counts them apart instead of as failures.
	accept func(r *reply) bool
	// timeout bounds each exchange.
	timeout time.Duration
	// tls, if set, makes each exchange a TLS one (see tlsExchange).
	tls *tls.Config
}

// startLoad starts well-behaved clients against addr.
func startLoad(addr string, opts loadOptions) *load {
	if opts.timeout == 0 {
		opts.timeout = 30 * time.Second
	}
	l := &load{addr: addr, stop: make(chan struct{})}
	for w := range opts.workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := w; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				req := opts.requests[i%len(opts.requests)]
				l.record(req, opts)
				if opts.pause > 0 {
					select {
					case <-l.stop:
						return
					case <-time.After(opts.pause):
					}
				}
			}
		}()
	}
	return l
}

// record makes one exchange and counts how it went.
func (l *load) record(req string, opts loadOptions) {
	var r *reply
	var err error
	if opts.tls != nil {
		r, err = tlsExchange(l.addr, req, opts.timeout, opts.tls)
	} else {
		r, err = exchange(l.addr, req, opts.timeout)
	}
	if err == nil {
		err = opts.check(req, r)
		if err != nil && opts.accept != nil && opts.accept(r) {
			l.accepted.Add(1)
			return
		}
	}
	if err == nil {
		l.ok.Add(1)
		return
	}
	l.failed.Add(1)
	l.mu.Lock()
	if len(l.failures) < 10 {
		l.failures = append(l.failures, fmt.Sprintf("%q: %v", firstLine(req), err))
	}
	l.mu.Unlock()
}

// finish stops the clients, waits for their exchanges in flight, and fails
// t if any exchange failed.
func (l *load) finish(t *testing.T) (ok, failed int64) {
	t.Helper()
	close(l.stop)
	l.wg.Wait()
	ok, failed = l.ok.Load(), l.failed.Load()
	t.Logf("good clients: %d exchanges ok, %d failed", ok, failed)
	if failed > 0 {
		t.Errorf("%d good exchanges failed; first failures:\n  %s", failed, strings.Join(l.failures, "\n  "))
	}
	return ok, failed
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSuffix(line, "\r")
}

// helloRoutes is a routes file body with /hello and a /slow route.
const helloRoutes = `routes:
  - path: /hello
    body: "hello, world\n"
  - path: /slow
    body: "late\n"
    delay: %s
`

// goodHello are the good clients' requests against helloRoutes, in the
// two spellings the wire format allows.
var goodHello = []string{"GET /hello HTTP/1.0\r\nHost: faults\r\n\r\n", "GET /hello\n"}

// checkHello accepts the /hello reply.
func checkHello(req string, r *reply) error { return expectReply(200, "hello, world\n")(r) }

// tally counts outcomes by name, safe for concurrent use.
type tally struct {
	mu sync.Mutex
	m  map[string]int
}

func (t *tally) add(outcome string) {
	t.mu.Lock()
	if t.m == nil {
		t.m = make(map[string]int)
	}
	t.m[outcome]++
	t.mu.Unlock()
}

func (t *tally) get(outcome string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[outcome]
}

func (t *tally) total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, v := range t.m {
		n += v
	}
	return n
}

// String lists the outcomes by count, most frequent first.
func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	keys := make([]string, 0, len(t.m))
	for k := range t.m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if t.m[a] != t.m[b] {
			return t.m[b] - t.m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", t.m[k], k)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// classify names what a client that read raw, then err, received: a
// complete reply by its status, or how the connection failed.
func classify(raw []byte, err error) string {
	if r, perr := parseReply(raw); perr == nil {
		if err != nil {
			return fmt.Sprintf("%d intact, then %s", r.status, errName(err))
		}
		return fmt.Sprintf("%d intact", r.status)
	}
	switch {
	case len(raw) == 0 && err == nil:
		return "closed without a reply"
	case len(raw) == 0:
		return errName(err) + " without a reply"
	case err == nil:
		return fmt.Sprintf("incomplete reply (%d bytes)", len(raw))
	}
	return fmt.Sprintf("incomplete reply (%d bytes), then %s", len(raw), errName(err))
}

// errName names a connection error briefly.
func errName(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNRESET):
		return "reset"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.EPIPE):
		return "broken pipe"
	case errors.Is(err, syscall.ENOTCONN):
		return "not connected"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	case errors.Is(err, io.EOF):
		return "EOF"
	}
	return err.Error()
}

// reader reads a connection to EOF in the background.
type reader struct {
	raw  []byte
	err  error
	at   time.Time // when the read ended
	done chan struct{}
}

func readInBackground(c net.Conn) *reader {
	return startReader(c, false)
}

// readThenClose reads a connection to EOF in the background, then closes
// it at once, as a client does once it has its reply.
func readThenClose(c net.Conn) *reader {
	return startReader(c, true)
}

func startReader(c net.Conn, closeAfter bool) *reader {
	r := &reader{done: make(chan struct{})}
	go func() {
		r.raw, r.err = io.ReadAll(c)
		r.at = time.Now()
		if closeAfter {
			c.Close()
		}
		close(r.done)
	}()
	return r
}

// finished reports whether the read has ended.
func (r *reader) finished() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}
