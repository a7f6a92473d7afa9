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

// vanishBatch is how many vanishing peers are open at once.
const vanishBatch = 50

// TestVanishingPeers resets connections (SO_LINGER 0, then close: the
// kernel sends RST) at the two moments a peer can vanish: in the middle of
// its request, and after its half-close while the server prepares the
// reply. The server must count every one as client_gone, never as
// delivered, and free what each held.
func TestVanishingPeers(t *testing.T) {
	sc := currentScale(t)
	// The delay outlasts the resets by far, so that each reply is written
	// after its client vanished, however loaded the machine.
	const delay = 2 * time.Second
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	testenv.WriteFile(t, routes, fmt.Sprintf(helloRoutes, delay))
	d := startDaemon(t, daemonOptions{env: []string{"TINYHTTPD_ROUTES=" + routes}})
	base := d.baseline()
	peaks := d.sample()
	before := d.status()

	good := startLoad(d.addr, loadOptions{workers: 4, pause: 2 * time.Millisecond, requests: goodHello, check: checkHello})
	outcomes := new(tally)

	// Peers that reset in the middle of their request. The server must
	// have accepted them all before they vanish; a connection reset while
	// still in the listen queue is never seen.
	resetInBatches(t, d, sc.vanishing, outcomes, "reset mid-request", func(c *net.TCPConn) {
		io.WriteString(c, "GET /hello HTTP/1.0\r\nX-Half: ")
	}, "the partial requests to be read", func(s admin.Status, n int) bool {
		return s.Connections.Reading >= int64(n)
	}, 50*time.Millisecond)
	// Peers that half-close, then reset while the server waits out the
	// route's delay, before it writes the reply: each must be in the
	// delay, its request read to EOF.
	resetInBatches(t, d, sc.vanishing, outcomes, "reset after half-close", func(c *net.TCPConn) {
		io.WriteString(c, "GET /slow HTTP/1.0\r\n\r\n")
		c.CloseWrite()
	}, "the requests to be read", func(s admin.Status, n int) bool {
		return s.Connections.Writing >= int64(n)
	}, 0)

	ok, failed := good.finish(t)
	want := uint64(2 * sc.vanishing)
	after := d.waitStatus("every exchange to be counted", 15*time.Second, func(s admin.Status) bool {
		return s.Totals.ClientGone-before.Totals.ClientGone >= want &&
			s.Totals.Ends["delivered"]-before.Totals.Ends["delivered"] >= uint64(ok)
	})
	gone := after.Totals.ClientGone - before.Totals.ClientGone
	resets := after.Totals.Ends["reset"] - before.Totals.Ends["reset"]
	writesFailed := after.Totals.Ends["client_gone"] - before.Totals.Ends["client_gone"]
	if gone != want {
		t.Errorf("server counted %d client_gone, want %d", gone, want)
	}
	if n := after.Totals.Ends["delivered"] - before.Totals.Ends["delivered"]; n != uint64(ok) {
		t.Errorf("server counted %d delivered exchanges, the good clients made %d", n, ok)
	}
	peak := peaks.peak()
	settled := d.settled(base)
	report(t, summary{
		scenario: "vanishing peers", scale: sc.name, good: ok, goodFailed: failed,
		misbehaving: outcomes.String(),
		before:      base, peak: peak, after: settled,
		extra: fmt.Sprintf("server counted client_gone %d (reset while reading %d, reply write failed %d)", gone, resets, writesFailed),
	})
}

// resetInBatches opens total connections, vanishBatch at a time; it sends
// on each, waits until the server's status shows the batch (ready, for a
// batch of n) and then for settle, and resets them all, counting each as
// outcome.
func resetInBatches(t *testing.T, d *daemon, total int, outcomes *tally, outcome string, send func(*net.TCPConn), what string, ready func(s admin.Status, n int) bool, settle time.Duration) {
	t.Helper()
	for sent := 0; sent < total; sent += vanishBatch {
		n := min(vanishBatch, total-sent)
		conns := make([]*net.TCPConn, 0, n)
		for range n {
			c, err := dial(d.addr)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			send(c)
			conns = append(conns, c)
		}
		d.waitStatus(what, 10*time.Second, func(s admin.Status) bool { return ready(s, n) })
		time.Sleep(settle)
		for _, c := range conns {
			c.SetLinger(0)
			c.Close()
			outcomes.add(outcome)
		}
	}
}
