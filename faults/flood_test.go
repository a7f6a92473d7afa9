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

// floodLingerers is the size of the flood's second wave.
const floodLingerers = 150

// TestFloodOverMaxConns opens many more connections than MAX_CONNS, each
// holding its slot by never half-closing. The first MAX_CONNS are served;
// every other one gets a complete 503 or, while MAX_CONNS connections are
// already being answered 503, is closed unanswered ("dropped"): a second
// wave of clients that stay open after their 503 shows that. Once the
// holders half-close they get their replies, and good clients are served
// again.
func TestFloodOverMaxConns(t *testing.T) {
	sc := currentScale(t)
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	testenv.WriteFile(t, routes, fmt.Sprintf(helloRoutes, "200ms"))
	d := startDaemon(t, daemonOptions{env: []string{
		"TINYHTTPD_ROUTES=" + routes,
		"TINYHTTPD_MAX_CONNS=" + strconv.Itoa(sc.floodMaxConns),
		"TINYHTTPD_READ_TIMEOUT=60s",
	}})
	base := d.baseline()
	peaks := d.sample()
	before := d.status()

	type holder struct {
		c *net.TCPConn
		r *reader
	}
	holders := make([]holder, 0, sc.floodConns)
	for range sc.floodConns {
		c, err := dial(d.addr)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(90 * time.Second))
		io.WriteString(c, "GET /hello HTTP/1.0\r\nX-Hold: ")
		holders = append(holders, holder{c: c, r: readThenClose(c)})
	}
	// The excess connections are answered (or dropped) at once; each
	// closes as soon as it has read to EOF, which ends the server's linger
	// and frees its place among the connections being answered 503.
	excess := sc.floodConns - sc.floodMaxConns
	flood := new(tally)
	deadline := time.Now().Add(20 * time.Second)
	for {
		answered := 0
		for _, h := range holders {
			if h.r.finished() {
				answered++
			}
		}
		if answered >= excess {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d excess connections answered", answered, excess)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var held []holder
	for _, h := range holders {
		if !h.r.finished() {
			held = append(held, h)
			continue
		}
		outcome := classify(h.r.raw, h.r.err)
		flood.add(outcome)
		if r, err := parseReply(h.r.raw); err == nil {
			if r.status != 503 || string(r.body) != "server busy: too many connections\n" {
				t.Errorf("excess connection got %d %q, want 503", r.status, r.body)
			}
		} else if len(h.r.raw) > 0 {
			t.Errorf("excess connection got an incomplete reply: %s", outcome)
		}
	}
	busyStatus := d.waitStatus("MAX_CONNS holders to be reading", 10*time.Second, func(s admin.Status) bool {
		return s.Connections.Reading == int64(sc.floodMaxConns) && s.Connections.Lingering == 0
	})
	if len(held) != sc.floodMaxConns {
		t.Errorf("%d connections hold a slot, want MAX_CONNS %d", len(held), sc.floodMaxConns)
	}

	// A second wave that keeps its connections open after reading the 503:
	// their lingers keep MAX_CONNS connections being answered 503, and the
	// server closes the ones beyond that unanswered.
	lingerers := new(tally)
	var wave []*reader
	var waveConns []*net.TCPConn
	for range floodLingerers {
		c, err := dial(d.addr)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(90 * time.Second))
		io.WriteString(c, "GET /hello HTTP/1.0\r\nX-Hold: ")
		wave = append(wave, readInBackground(c))
		waveConns = append(waveConns, c)
	}
	for i, r := range wave {
		<-r.done
		outcome := classify(r.raw, r.err)
		lingerers.add(outcome)
		if _, err := parseReply(r.raw); err != nil && len(r.raw) > 0 {
			t.Errorf("a lingering client got an incomplete reply: %s", outcome)
		}
		waveConns[i].Close()
	}
	d.waitStatus("the lingering 503s to end", 10*time.Second, func(s admin.Status) bool {
		return s.Connections.Lingering == 0
	})

	// While every slot is held, good clients get a complete 503.
	isBusy := func(r *reply) bool { return r.status == 503 }
	busyLoad := startLoad(d.addr, loadOptions{workers: 2, pause: 5 * time.Millisecond, requests: goodHello, check: checkHello, accept: isBusy})
	time.Sleep(time.Second)
	busyOK, busyFailed := busyLoad.finish(t)
	busyGood := busyLoad.accepted.Load()
	if busyOK != 0 {
		t.Errorf("%d good exchanges were served while MAX_CONNS connections were held", busyOK)
	}

	// The holders finish their requests: each gets its reply, and the
	// server serves good clients again.
	good := startLoad(d.addr, loadOptions{workers: 2, pause: 5 * time.Millisecond, requests: goodHello, check: checkHello, accept: isBusy})
	released := time.Now()
	holdersGot := new(tally)
	for _, h := range held {
		h.c.CloseWrite()
	}
	for _, h := range held {
		<-h.r.done
		outcome := classify(h.r.raw, h.r.err)
		holdersGot.add(outcome)
		if outcome != "200 intact" {
			t.Errorf("a holder got %s after its half-close", outcome)
		}
	}
	time.Sleep(time.Second)
	ok, failed := good.finish(t)
	if ok == 0 {
		t.Errorf("no good exchange was served after the holders left")
	}
	lateBusy := good.accepted.Load()

	after := d.waitStatus("every exchange to be counted", 10*time.Second, func(s admin.Status) bool {
		return s.Totals.Ends["delivered"]-before.Totals.Ends["delivered"] >= uint64(int64(sc.floodMaxConns)+ok+busyGood+lateBusy+int64(flood.get("503 intact")))
	})
	dropped := after.Totals.Dropped - before.Totals.Dropped
	busy := after.Totals.Busy - before.Totals.Busy
	replied503 := flood.get("503 intact") + lingerers.get("503 intact")
	clientDropped := flood.total() + lingerers.total() - replied503
	if int(dropped) != clientDropped {
		t.Errorf("server counted %d dropped connections, the clients saw %d closed without a reply", dropped, clientDropped)
	}
	if want := uint64(replied503) + uint64(busyGood+lateBusy); busy != want {
		t.Errorf("server counted %d 503 replies, the clients got %d", busy, want)
	}
	peak := peaks.peak()
	settled := d.settled(base)
	report(t, summary{
		scenario: "flood", scale: sc.name, good: ok, goodFailed: failed + busyFailed,
		misbehaving: fmt.Sprintf("%d connections against MAX_CONNS=%d: %d held a slot, then got %s; the %d excess, closing once answered, got %s; %d more that stayed open after their answer got %s",
			sc.floodConns, sc.floodMaxConns, len(held), holdersGot, excess, flood, floodLingerers, lingerers),
		before: base, peak: peak, after: settled,
		extra: fmt.Sprintf("while full: %d good exchanges got 503 intact (server connections %+v); after release %v: %d served, %d more 503 while slots freed; server counted dropped %d, busy %d",
			busyGood, busyStatus.Connections, time.Since(released).Round(time.Millisecond), ok, lateBusy, dropped, busy),
	})
}
