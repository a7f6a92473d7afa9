//go:build faults

package faults

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/admin"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// largeRequestMemory is the MAX_REQUEST_MEMORY TestLargeRequestsMemory
// checks, against the default MAX_REQUEST_BYTES of 1 MiB.
const largeRequestMemory = 32 << 20

// TestLargeRequestsMemory has sc.largeHolders clients each send a request
// of nearly MAX_REQUEST_BYTES (1 MiB) to /echo and hold it, not
// half-closing, until all have sent; then they half-close and read. With
// MAX_REQUEST_MEMORY=32MiB the requests being read never count more than
// that, the server's resident memory rises by at most four times that
// (the buffers of growing and refused requests are garbage until the next
// collection), every client gets its body echoed whole or a 503 whole, and
// the memory counted comes back to 0. The same run with MAX_REQUEST_MEMORY at 1GiB,
// whose figures are reported and not checked, shows what the bound is for.
func TestLargeRequestsMemory(t *testing.T) {
	sc := currentScale(t)
	bounded := runLargeHolders(t, sc, "32MiB")
	if bounded.peakReserved > largeRequestMemory {
		t.Errorf("the requests being read counted %d bytes, over MAX_REQUEST_MEMORY %d", bounded.peakReserved, largeRequestMemory)
	}
	if grew := bounded.peak.rssKiB - bounded.before.rssKiB; grew > 4*largeRequestMemory>>10 {
		t.Errorf("resident memory grew by %d MiB, over four times MAX_REQUEST_MEMORY", grew>>10)
	}
	ok, busy := bounded.outcomes.get("200 intact"), bounded.outcomes.get("503 intact")
	if ok+busy != sc.largeHolders || ok == 0 || busy == 0 {
		t.Errorf("want every large request echoed or answered 503, some of each: %s", bounded.outcomes)
	}
	unbounded := runLargeHolders(t, sc, "1GiB")
	report(t, summary{
		scenario: "large requests", scale: sc.name,
		misbehaving: fmt.Sprintf("%d requests of 1 MiB held at once against MAX_REQUEST_MEMORY=32MiB: %s; counted at most %.1f MiB",
			sc.largeHolders, bounded.outcomes, float64(bounded.peakReserved)/(1<<20)),
		before: bounded.before, peak: bounded.peak, after: bounded.after,
		extra: fmt.Sprintf("with MAX_REQUEST_MEMORY=1GiB: %s; counted at most %.1f MiB; peak RSS %.1f MiB",
			unbounded.outcomes, float64(unbounded.peakReserved)/(1<<20), float64(unbounded.peak.rssKiB)/1024),
	})
}

// largeHoldersRun is what one run of TestLargeRequestsMemory measured.
type largeHoldersRun struct {
	outcomes            *tally
	peakReserved        int64
	before, peak, after resources
}

// runLargeHolders starts tinyhttpd with MAX_REQUEST_MEMORY=memory, has
// sc.largeHolders clients send and hold their large requests, then
// half-closes them all and checks each reply.
func runLargeHolders(t *testing.T, sc scale, memory string) largeHoldersRun {
	t.Helper()
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	testenv.WriteFile(t, routes, fmt.Sprintf(helloRoutes, "200ms")+"  - path: /echo\n    methods: [PUT]\n    echo: true\n")
	d := startDaemon(t, daemonOptions{env: []string{
		"TINYHTTPD_ROUTES=" + routes,
		"TINYHTTPD_MAX_REQUEST_MEMORY=" + memory,
		"TINYHTTPD_READ_TIMEOUT=60s",
		"TINYHTTPD_LINGER_TIMEOUT=60s", // the 503s linger until every client has sent, however slow the machine
	}})
	run := largeHoldersRun{outcomes: new(tally)}
	run.before = d.baseline()
	peaks := d.sample()

	head := "PUT /echo HTTP/1.0\r\n\r\n"
	body := bytes.Repeat([]byte("L"), 1<<20-len(head)-64)
	conns := make([]*net.TCPConn, sc.largeHolders)
	readers := make([]*reader, sc.largeHolders)
	var sent sync.WaitGroup
	for i := range conns {
		c, err := dial(d.addr)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(90 * time.Second))
		conns[i], readers[i] = c, readInBackground(c)
		sent.Go(func() {
			io.WriteString(c, head)
			c.Write(body)
		})
	}
	sent.Wait()
	d.waitStatus("every large request to be held or answered", 30*time.Second, func(s admin.Status) bool {
		run.peakReserved = max(run.peakReserved, s.Connections.RequestMemory)
		c := s.Connections
		return c.Reading+c.Lingering == int64(sc.largeHolders) && c.Writing == 0
	})
	time.Sleep(300 * time.Millisecond) // a sample or more of the memory held
	run.peakReserved = max(run.peakReserved, d.status().Connections.RequestMemory)
	for _, c := range conns {
		c.CloseWrite()
	}
	for _, r := range readers {
		<-r.done
		outcome := classify(r.raw, r.err)
		run.outcomes.add(outcome)
		rep, err := parseReply(r.raw)
		switch {
		case err != nil || r.err != nil:
			t.Errorf("a large request got %s", outcome)
		case rep.status == 200 && !bytes.Equal(rep.body, body):
			t.Errorf("a large request got 200 with %d body bytes, want its %d echoed", len(rep.body), len(body))
		case rep.status == 503 && string(rep.body) != "server busy: too many large requests at once\n":
			t.Errorf("a large request got 503 %q", rep.body)
		}
	}
	d.waitStatus("the large requests to end", 10*time.Second, func(s admin.Status) bool {
		c := s.Connections
		return c.Reading+c.Writing+c.Lingering == 0 && c.RequestMemory == 0
	})
	run.peak = peaks.peak()
	// The Go runtime keeps the freed buffers' pages until a later
	// collection, so only goroutines and descriptors must come back; the
	// memory counted came back to 0 above.
	run.after = d.settledWithin(run.before, -1)
	return run
}
