//go:build faults

package faults

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/admin"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// tooLargeWorkers stream oversized requests at once.
const tooLargeWorkers = 4

// TestTooLargeStreamedFast streams requests far over MAX_REQUEST_BYTES as
// fast as loopback allows, reading at the same time. The server answers
// 413 as soon as the limit is crossed, while the client is still sending;
// the RST-safe close (half-close, drain the input, then close) must deliver
// that 413 whole every time.
func TestTooLargeStreamedFast(t *testing.T) {
	sc := currentScale(t)
	const limit = 64 << 10
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	testenv.WriteFile(t, routes, fmt.Sprintf(helloRoutes, "200ms")+"  - path: /echo\n    methods: [POST]\n    echo: true\n")
	d := startDaemon(t, daemonOptions{env: []string{
		"TINYHTTPD_ROUTES=" + routes,
		"TINYHTTPD_MAX_REQUEST_BYTES=64KiB",
	}})
	base := d.baseline()
	peaks := d.sample()
	before := d.status()
	good := startLoad(d.addr, loadOptions{workers: 2, pause: 2 * time.Millisecond, requests: goodHello, check: checkHello})

	chunk := bytes.Repeat([]byte("x"), 64<<10)
	wantBody := fmt.Sprintf("request larger than %d bytes\n", limit)
	outcomes := new(tally)
	writers := new(tally)
	var next atomic.Int64
	var slowest atomic.Int64 // nanoseconds from connect to the whole 413
	var wg sync.WaitGroup
	for range tooLargeWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(sc.tooLarge) {
				c, err := dial(d.addr)
				if err != nil {
					outcomes.add("connect failed: " + errName(err))
					continue
				}
				start := time.Now()
				c.SetDeadline(start.Add(60 * time.Second))
				r := readInBackground(c)
				io.WriteString(c, "POST /echo HTTP/1.0\r\n\r\n")
				var werr error
				for sent := 0; sent < sc.tooLargeStream && werr == nil; sent += len(chunk) {
					_, werr = c.Write(chunk)
				}
				if werr == nil {
					werr = c.CloseWrite()
				}
				<-r.done
				c.Close()
				if werr != nil {
					writers.add("write failed: " + errName(werr))
				} else {
					writers.add("sent all")
				}
				outcome := classify(r.raw, r.err)
				outcomes.add(outcome)
				if rep, err := parseReply(r.raw); err != nil || r.err != nil || rep.status != 413 || string(rep.body) != wantBody {
					t.Errorf("oversized request got %s: %q", outcome, tail(string(r.raw), 200))
				}
				took := int64(r.at.Sub(start))
				for {
					old := slowest.Load()
					if took <= old || slowest.CompareAndSwap(old, took) {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	ok, failed := good.finish(t)

	after := d.waitStatus("every exchange to be counted", 10*time.Second, func(s admin.Status) bool {
		return s.Totals.Ends["delivered"]-before.Totals.Ends["delivered"] >= uint64(ok)+uint64(sc.tooLarge)
	})
	if n := after.Totals.TooLarge - before.Totals.TooLarge; n != uint64(sc.tooLarge) {
		t.Errorf("server counted %d 413 replies, want %d", n, sc.tooLarge)
	}
	intact := outcomes.get("413 intact")
	peak := peaks.peak()
	settled := d.settled(base)
	report(t, summary{
		scenario: "too large", scale: sc.name, good: ok, goodFailed: failed,
		misbehaving: fmt.Sprintf("%d requests of %d MiB against MAX_REQUEST_BYTES=64KiB, %d at a time: %s (%.1f%% intact); writers: %s",
			sc.tooLarge, sc.tooLargeStream>>20, tooLargeWorkers, outcomes, 100*float64(intact)/float64(sc.tooLarge), writers),
		before: base, peak: peak, after: settled,
		extra: fmt.Sprintf("slowest exchange %v", time.Duration(slowest.Load()).Round(time.Millisecond)),
	})
}
