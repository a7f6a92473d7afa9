//go:build faults

package faults

import (
	"fmt"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/admin"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// maxExhaustedCPU is the share of one core the server may use while it
// cannot accept: its accept loop backs off to one try a second instead of
// spinning on EMFILE.
const maxExhaustedCPU = 0.20

// TestFileDescriptorExhaustion starts tinyhttpd with a low RLIMIT_NOFILE
// and opens more connections than it has descriptors for. The kernel keeps
// the excess in the listen queue; accept fails with EMFILE, and the server
// must back off (logging "accept failed; retrying") rather than spin, then
// serve every queued connection once descriptors free.
func TestFileDescriptorExhaustion(t *testing.T) {
	sc := currentScale(t)
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	testenv.WriteFile(t, routes, fmt.Sprintf(helloRoutes, "200ms"))
	d := startDaemon(t, daemonOptions{
		fileLimit: sc.fdLimit,
		env:       []string{"TINYHTTPD_ROUTES=" + routes, "TINYHTTPD_READ_TIMEOUT=120s"},
	})
	if got, err := d.openFileLimit(); err != nil || got != sc.fdLimit {
		t.Fatalf("server's open file limit is %d (%v), want %d", got, err, sc.fdLimit)
	}
	base := d.baseline()
	peaks := d.sample()
	before := d.status()

	// Good clients wait in the listen queue while descriptors are gone, so
	// their exchanges may take as long as the exhaustion lasts.
	good := startLoad(d.addr, loadOptions{
		workers: 2, pause: 20 * time.Millisecond, requests: goodHello, check: checkHello,
		timeout: sc.fdWindow + 60*time.Second,
	})

	type holder struct {
		c *net.TCPConn
		r *reader
	}
	holders := make([]holder, 0, sc.fdHolders)
	for range sc.fdHolders {
		c, err := dial(d.addr)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(sc.fdWindow + 90*time.Second))
		io.WriteString(c, "GET /hello HTTP/1.0\r\nX-Hold: ")
		holders = append(holders, holder{c: c, r: readInBackground(c)})
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		n, err := d.fds()
		if err != nil {
			t.Fatal(err)
		}
		if n >= sc.fdLimit {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server has %d descriptors open, never reached its limit %d", n, sc.fdLimit)
		}
		time.Sleep(20 * time.Millisecond)
	}
	logsBefore := d.countLog("accept failed; retrying")

	// Let the back-off grow, then measure CPU over the window.
	time.Sleep(2 * time.Second)
	cpu0, err := d.cpuTime()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(sc.fdWindow)
	cpu1, err := d.cpuTime()
	if err != nil {
		t.Fatal(err)
	}
	share := float64(cpu1-cpu0) / float64(sc.fdWindow)
	retries := d.countLog("accept failed; retrying")
	if retries == 0 {
		t.Errorf("the server never logged \"accept failed; retrying\"")
	}
	if share > maxExhaustedCPU {
		t.Errorf("the server used %.1f%% of a core while out of descriptors, over %.0f%%: accept is spinning", 100*share, 100*maxExhaustedCPU)
	}
	fdsAtLimit, _ := d.fds()

	// Release: every holder finishes its request; those still in the
	// listen queue are accepted as descriptors free.
	released := time.Now()
	for _, h := range holders {
		h.c.CloseWrite()
	}
	holdersGot := new(tally)
	for _, h := range holders {
		<-h.r.done
		h.c.Close()
		outcome := classify(h.r.raw, h.r.err)
		holdersGot.add(outcome)
		if outcome != "200 intact" {
			t.Errorf("a holder got %s", outcome)
		}
	}
	recovered := time.Since(released)
	time.Sleep(time.Second)
	ok, failed := good.finish(t)
	after := d.waitStatus("every exchange to be counted", 10*time.Second, func(s admin.Status) bool {
		return s.Totals.Ends["delivered"]-before.Totals.Ends["delivered"] >= uint64(ok)+uint64(sc.fdHolders)
	})
	if n := after.Totals.Accepted - before.Totals.Accepted; n < uint64(sc.fdHolders)+uint64(ok) {
		t.Errorf("server accepted %d connections, fewer than the %d made", n, uint64(sc.fdHolders)+uint64(ok))
	}
	peak := peaks.peak()
	settled := d.settled(base)
	report(t, summary{
		scenario: "fd exhaustion", scale: sc.name, good: ok, goodFailed: failed,
		misbehaving: fmt.Sprintf("%d holders against RLIMIT_NOFILE=%d: %s, all within %v of release", sc.fdHolders, sc.fdLimit, holdersGot, recovered.Round(time.Millisecond)),
		before:      base, peak: peak, after: settled,
		extra: fmt.Sprintf("at the limit: %d fds open, CPU %.1f%% of a core over %v, %d \"accept failed; retrying\" lines in total (%d in the window)",
			fdsAtLimit, 100*share, sc.fdWindow, retries, retries-logsBefore),
	})
}
