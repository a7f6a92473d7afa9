//go:build faults

package faults

import (
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/admin"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// badSource is the address the misbehaving client of TestMaxConnsPerIP
// connects from; the good clients connect from 127.0.0.1.
var badSource = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}

// TestMaxConnsPerIP has one client address, 127.0.0.2, open MAX_CONNS
// slow connections (a request begun and never half-closed) while good
// clients from 127.0.0.1 make exchanges. With MAX_CONNS_PER_IP at a
// quarter of MAX_CONNS, the slow client holds that many connections and
// gets a complete 503 for the others, and no good exchange fails. The same
// run without the limit, whose figures are reported and not checked, shows
// what the limit is for: the slow client holds every slot and the good
// clients get 503.
func TestMaxConnsPerIP(t *testing.T) {
	sc := currentScale(t)
	if err := probeSource(badSource); err != nil {
		testenv.Unavailable(t, "connections cannot come from %v, which this scenario needs: %v", badSource.IP, err)
	}
	perIP := sc.perIPMaxConns / 4
	limited := runPerIP(t, sc, perIP)
	if limited.good503 != 0 {
		t.Errorf("%d good exchanges got 503 with MAX_CONNS_PER_IP=%d", limited.good503, perIP)
	}
	if n := limited.bad.get("200 intact"); n != perIP {
		t.Errorf("the slow client held %d connections to their reply, want MAX_CONNS_PER_IP %d (%s)", n, perIP, limited.bad)
	}
	if n, want := limited.bad.get("503 intact"), sc.perIPMaxConns-perIP; n != want {
		t.Errorf("the slow client got %d 503 intact, want %d (%s)", n, want, limited.bad)
	}
	unlimited := runPerIP(t, sc, 0)
	report(t, summary{
		scenario: "per-IP limit", scale: sc.name, good: limited.goodOK, goodFailed: limited.goodFailed + limited.good503,
		misbehaving: fmt.Sprintf("%v opening %d slow connections against MAX_CONNS=%d, MAX_CONNS_PER_IP=%d: %s (the 200s at their half-close, after the load)",
			badSource.IP, sc.perIPMaxConns, sc.perIPMaxConns, perIP, limited.bad),
		before: limited.before, peak: limited.peak, after: limited.after,
		extra: fmt.Sprintf("server counted busy %d; without MAX_CONNS_PER_IP: the slow client got %s, good clients %d 200, %d 503 intact, %d failed",
			limited.busy, unlimited.bad, unlimited.goodOK, unlimited.good503, unlimited.goodFailed),
	})
}

// perIPRun is what one run of TestMaxConnsPerIP measured.
type perIPRun struct {
	goodOK, good503, goodFailed int64
	// bad counts what the slow client's connections got: a 503 at once, or
	// the reply once they half-close at the end.
	bad                 *tally
	busy                uint64
	before, peak, after resources
}

// runPerIP starts tinyhttpd with MAX_CONNS=sc.perIPMaxConns and
// MAX_CONNS_PER_IP=perIP (0: none), opens MAX_CONNS slow connections from
// badSource, runs good clients from 127.0.0.1 for sc.perIPLoad, then
// half-closes the slow connections and collects their replies.
func runPerIP(t *testing.T, sc scale, perIP int) perIPRun {
	t.Helper()
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	testenv.WriteFile(t, routes, fmt.Sprintf(helloRoutes, "200ms"))
	d := startDaemon(t, daemonOptions{env: []string{
		"TINYHTTPD_ROUTES=" + routes,
		"TINYHTTPD_MAX_CONNS=" + strconv.Itoa(sc.perIPMaxConns),
		"TINYHTTPD_MAX_CONNS_PER_IP=" + strconv.Itoa(perIP),
		"TINYHTTPD_READ_TIMEOUT=60s",
	}})
	run := perIPRun{bad: new(tally)}
	run.before = d.baseline()
	peaks := d.sample()
	start := d.status()

	dialer := net.Dialer{LocalAddr: badSource, Timeout: 10 * time.Second}
	type slow struct {
		c *net.TCPConn
		r *reader
	}
	slows := make([]slow, 0, sc.perIPMaxConns)
	for range sc.perIPMaxConns {
		c, err := dialer.Dial("tcp", d.addr)
		if err != nil {
			t.Fatalf("connect from %v: %v", badSource.IP, err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(90 * time.Second))
		io.WriteString(c, "GET /hello HTTP/1.0\r\nX-Hold: ")
		slows = append(slows, slow{c: c.(*net.TCPConn), r: readInBackground(c)})
	}
	holding := sc.perIPMaxConns
	if perIP > 0 {
		holding = perIP
	}
	d.waitStatus("the slow connections to be read or answered", 10*time.Second, func(s admin.Status) bool {
		answered := 0
		for _, sl := range slows {
			if sl.r.finished() {
				answered++
			}
		}
		return s.Connections.Reading == int64(holding) && answered == sc.perIPMaxConns-holding
	})

	isBusy := func(r *reply) bool { return r.status == 503 }
	good := startLoad(d.addr, loadOptions{workers: 4, pause: 2 * time.Millisecond, requests: goodHello, check: checkHello, accept: isBusy})
	time.Sleep(sc.perIPLoad)
	run.goodOK, run.goodFailed = good.finish(t)
	run.good503 = good.accepted.Load()

	for _, s := range slows {
		if !s.r.finished() {
			s.c.CloseWrite()
		}
	}
	for _, s := range slows {
		<-s.r.done
		run.bad.add(classify(s.r.raw, s.r.err))
		s.c.Close()
	}
	end := d.waitStatus("the slow connections to end", 10*time.Second, func(s admin.Status) bool {
		c := s.Connections
		return c.Reading+c.Writing+c.Lingering == 0
	})
	run.busy = end.Totals.Busy - start.Totals.Busy
	run.peak = peaks.peak()
	run.after = d.settled(run.before)
	return run
}

// probeSource checks that a TCP connection can come from src, by
// connecting from it to a listener of the test's own on 127.0.0.1.
func probeSource(src *net.TCPAddr) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer l.Close()
	d := net.Dialer{LocalAddr: src, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", l.Addr().String())
	if err != nil {
		return err
	}
	return c.Close()
}
