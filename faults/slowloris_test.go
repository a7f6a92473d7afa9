//go:build faults

package faults

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/admin"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestSlowloris holds many connections that trickle a request a byte at a
// time and never half-close. Each must get a complete 408 at READ_TIMEOUT,
// counted from its connect, while good clients are served as usual.
func TestSlowloris(t *testing.T) {
	sc := currentScale(t)
	if need := uint64(sc.slowloris + 200); fileLimit() < need {
		testenv.Unavailable(t, "RLIMIT_NOFILE %d is below the %d this scenario needs", fileLimit(), need)
	}
	const readTimeout = 2 * time.Second
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	testenv.WriteFile(t, routes, fmt.Sprintf(helloRoutes, "200ms"))
	d := startDaemon(t, daemonOptions{env: []string{
		"TINYHTTPD_ROUTES=" + routes,
		"TINYHTTPD_READ_TIMEOUT=" + readTimeout.String(),
		"TINYHTTPD_MAX_CONNS=" + strconv.Itoa(sc.slowloris+200),
	}})
	base := d.baseline()
	peaks := d.sample()
	before := d.status()

	good := startLoad(d.addr, loadOptions{workers: 4, pause: 2 * time.Millisecond, requests: goodHello, check: checkHello})

	// Open every slow connection, each with its first byte.
	const request = "GET /hello HTTP/1.0\r\nX-Trickle: "
	type slow struct {
		c       *net.TCPConn
		start   time.Time
		r       *reader
		written int
	}
	slows := make([]*slow, 0, sc.slowloris)
	outcomes := new(tally)
	for range sc.slowloris {
		// Timed from before the connect, which the server's accept, and so
		// its READ_TIMEOUT, can only follow.
		start := time.Now()
		c, err := dial(d.addr)
		if err != nil {
			outcomes.add("connect failed: " + errName(err))
			continue
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(readTimeout + 30*time.Second))
		s := &slow{c: c, start: start}
		c.Write([]byte{request[0]})
		s.written = 1
		s.r = readInBackground(c)
		slows = append(slows, s)
	}

	// Trickle one more byte to each connection every 100ms until the
	// server has answered them all, or for at most READ_TIMEOUT + 20s.
	trickleByte := func(i int) byte {
		if i < len(request) {
			return request[i]
		}
		return 'a'
	}
	deadline := time.Now().Add(readTimeout + 20*time.Second)
	for {
		open := 0
		for _, s := range slows {
			if s.r.finished() {
				continue
			}
			open++
			s.c.Write([]byte{trickleByte(s.written)})
			s.written++
		}
		if open == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}

	var minWait, maxWait time.Duration
	for _, s := range slows {
		<-s.r.done
		s.c.Close()
		outcome := classify(s.r.raw, s.r.err)
		outcomes.add(outcome)
		if outcome != "408 intact" {
			t.Errorf("slow connection got %s: %q", outcome, tail(string(s.r.raw), 200))
			continue
		}
		r, _ := parseReply(s.r.raw)
		if want := "request not completed by a half-close within " + readTimeout.String() + "\n"; string(r.body) != want {
			t.Errorf("408 body %q, want %q", r.body, want)
		}
		wait := s.r.at.Sub(s.start)
		if minWait == 0 || wait < minWait {
			minWait = wait
		}
		maxWait = max(maxWait, wait)
	}
	if minWait < readTimeout {
		t.Errorf("a slow connection got its 408 after %v, before READ_TIMEOUT %v", minWait, readTimeout)
	}
	if maxWait > readTimeout+10*time.Second {
		t.Errorf("a slow connection got its 408 only after %v (READ_TIMEOUT %v)", maxWait, readTimeout)
	}
	ok, failed := good.finish(t)

	after := d.waitStatus("every 408 to be counted", 10*time.Second, func(s admin.Status) bool {
		return s.Totals.Timeouts-before.Totals.Timeouts >= uint64(len(slows))
	})
	if n := after.Totals.Timeouts - before.Totals.Timeouts; n != uint64(sc.slowloris) {
		t.Errorf("server counted %d timeouts, want %d", n, sc.slowloris)
	}
	peak := peaks.peak()
	settled := d.settled(base)
	report(t, summary{
		scenario: "slowloris", scale: sc.name, good: ok, goodFailed: failed,
		misbehaving: fmt.Sprintf("%d trickling connections: %s", sc.slowloris, outcomes),
		before:      base, peak: peak, after: settled,
		extra: fmt.Sprintf("408 after %v to %v (READ_TIMEOUT %v)", minWait.Round(time.Millisecond), maxWait.Round(time.Millisecond), readTimeout),
	})
}
