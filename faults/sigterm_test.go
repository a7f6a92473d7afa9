//go:build faults

package faults

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestSIGTERMUnderLoad sends SIGTERM while clients keep making exchanges,
// some of them in a route's delay. Every exchange the server accepted must
// get its complete reply; only connections it never accepted may be
// refused or reset, with no byte of a reply. tinyhttpd must exit 0 within
// SHUTDOWN_TIMEOUT.
func TestSIGTERMUnderLoad(t *testing.T) {
	sc := currentScale(t)
	const (
		shutdownTimeout = 10 * time.Second
		delay           = 500 * time.Millisecond
		workers         = 8
	)
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	testenv.WriteFile(t, routes, fmt.Sprintf(helloRoutes, delay))
	d := startDaemon(t, daemonOptions{env: []string{
		"TINYHTTPD_ROUTES=" + routes,
		"TINYHTTPD_SHUTDOWN_TIMEOUT=" + shutdownTimeout.String(),
	}})

	hello, slow := "GET /hello\n", "GET /slow\n"
	requests := []string{hello, hello, hello, slow}
	bodies := map[string]string{hello: "hello, world\n", slow: "late\n"}
	var signalled atomic.Int64 // UnixNano of the SIGTERM, 0 before
	// complete counts complete replies; acrossSignal those of exchanges
	// that started before SIGTERM and ended after it, slowAcross the
	// ones among them that were in /slow's delay.
	var complete, acrossSignal, slowAcross atomic.Int64
	outcomes := new(tally)
	var failuresMu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Staggered starts keep /slow exchanges in every phase of their
			// delay, so that SIGTERM finds some with most of it to go.
			time.Sleep(time.Duration(w) * delay / workers)
			refused := 0
			for i := w; refused < 3; i++ {
				if s := signalled.Load(); s != 0 && time.Since(time.Unix(0, s)) > shutdownTimeout+5*time.Second {
					return
				}
				req := requests[i%len(requests)]
				startedBefore := signalled.Load() == 0
				outcome, ok := sigtermExchange(d.addr, req, bodies[req])
				outcomes.add(outcome)
				switch {
				case ok:
					complete.Add(1)
					if startedBefore && signalled.Load() != 0 {
						acrossSignal.Add(1)
						if req == slow {
							slowAcross.Add(1)
						}
					}
					refused = 0
				case notTaken[outcome]:
					if signalled.Load() == 0 {
						failuresMu.Lock()
						failures = append(failures, outcome+" before SIGTERM")
						failuresMu.Unlock()
					}
					refused++
				default:
					failuresMu.Lock()
					failures = append(failures, outcome)
					failuresMu.Unlock()
				}
			}
		}()
	}
	time.Sleep(sc.sigtermLoad)
	sent := time.Now()
	signalled.Store(sent.UnixNano())
	d.signal(syscall.SIGTERM)
	code, waited, exited := d.wait(shutdownTimeout + 5*time.Second)
	wg.Wait()
	if !exited {
		t.Fatalf("tinyhttpd did not exit within %v of SIGTERM", shutdownTimeout+5*time.Second)
	}
	if code != 0 {
		t.Errorf("tinyhttpd exited %d after SIGTERM, want 0", code)
	}
	if waited > shutdownTimeout {
		t.Errorf("tinyhttpd took %v to exit, over SHUTDOWN_TIMEOUT %v", waited, shutdownTimeout)
	}
	for _, f := range failures {
		t.Errorf("exchange failed: %s", f)
	}
	if slowAcross.Load() == 0 {
		t.Errorf("no /slow exchange was in flight at SIGTERM: the scenario proved nothing")
	}

	// Every exchange the server logged is one it accepted: each must have
	// been delivered, and each good client's complete reply is one of them.
	logged := d.countLog("msg=exchange")
	delivered := d.countLog("msg=exchange", "status=200", "end=delivered")
	if logged != delivered {
		t.Errorf("server logged %d exchanges, only %d delivered with 200", logged, delivered)
	}
	if int64(delivered) != complete.Load() {
		t.Errorf("server delivered %d replies, clients received %d complete", delivered, complete.Load())
	}
	if d.countLog("shutdown complete") != 1 {
		t.Errorf("no \"shutdown complete\" log line")
	}
	report(t, summary{
		scenario: "SIGTERM", scale: sc.name, good: complete.Load(), goodFailed: int64(len(failures)),
		misbehaving: fmt.Sprintf("%d clients through the signal: %s", workers, outcomes),
		extra: fmt.Sprintf("%d exchanges in flight across the signal completed (%d of them in /slow's %v delay); exit %d %v after SIGTERM (SHUTDOWN_TIMEOUT %v); server logged %d exchanges, %d delivered",
			acrossSignal.Load(), slowAcross.Load(), delay, code, waited.Round(time.Millisecond), shutdownTimeout, logged, delivered),
	})
}

// notTaken are the outcomes of a connection the server never took: the
// listener was closed, or the connection was still in its queue.
var notTaken = map[string]bool{
	"refused":                     true,
	"reset without a reply":       true,
	"broken pipe without a reply": true,
	"closed without a reply":      true,
}

// sigtermExchange makes one exchange and names its outcome: ok when the
// reply is complete and right; one of notTaken when the server never took
// the connection.
func sigtermExchange(addr, req, body string) (outcome string, ok bool) {
	c, err := dial(addr)
	if err != nil {
		return errName(err), false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		return errName(err) + " without a reply", false
	}
	if err := c.CloseWrite(); err != nil {
		return errName(err) + " without a reply", false
	}
	raw, err := io.ReadAll(c)
	if len(raw) == 0 && (err == nil || errors.Is(err, syscall.ECONNRESET)) {
		return classify(raw, err), false
	}
	r, perr := parseReply(raw)
	if err != nil || perr != nil {
		return classify(raw, err), false
	}
	if r.status != 200 || string(r.body) != body {
		return fmt.Sprintf("%d %q", r.status, r.body), false
	}
	return "200 intact", true
}
