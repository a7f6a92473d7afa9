//go:build faults

package faults

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/admin"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// bigFileSize is the size of the file the never-reading clients ask for:
// far more than the socket buffers between them and the server hold.
const bigFileSize = 64 << 20

// TestNeverReadingClients asks for a large file, half-closes and never
// reads: the server's write blocks on full socket buffers until
// WRITE_TIMEOUT frees it. Meanwhile good clients fetch /hello and the
// whole file.
func TestNeverReadingClients(t *testing.T) {
	sc := currentScale(t)
	// Long enough for the good client's whole download of the file, which
	// the same timeout bounds, on a loaded machine.
	const writeTimeout = 5 * time.Second
	dir := t.TempDir()
	big := filepath.Join(dir, "big.bin")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(bigFileSize); err != nil {
		t.Fatal(err)
	}
	f.Close()
	routes := filepath.Join(dir, "routes.yaml")
	testenv.WriteFile(t, routes, fmt.Sprintf(helloRoutes, "200ms")+"  - path: /big\n    file: big.bin\n")
	d := startDaemon(t, daemonOptions{env: []string{
		"TINYHTTPD_ROUTES=" + routes,
		"TINYHTTPD_WRITE_TIMEOUT=" + writeTimeout.String(),
	}})
	base := d.baseline()
	peaks := d.sample()
	before := d.status()

	good := startLoad(d.addr, loadOptions{workers: 4, pause: 2 * time.Millisecond, requests: goodHello, check: checkHello})
	// One more good client downloads the whole file, again and again.
	bigGood := startLoad(d.addr, loadOptions{
		workers: 1, pause: 100 * time.Millisecond,
		requests: []string{"GET /big HTTP/1.0\r\n\r\n"},
		check: func(req string, r *reply) error {
			if r.status != 200 || len(r.body) != bigFileSize {
				return fmt.Errorf("got %d with %d body bytes, want 200 with %d", r.status, len(r.body), bigFileSize)
			}
			return nil
		},
	})

	start := time.Now()
	conns := make([]*net.TCPConn, 0, sc.neverReading)
	for range sc.neverReading {
		c, err := dial(d.addr)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer c.Close()
		c.SetReadBuffer(16 << 10) // a small window, as a slow phone has
		io.WriteString(c, "GET /big HTTP/1.0\r\n\r\n")
		c.CloseWrite()
		conns = append(conns, c)
	}
	d.waitStatus("every never-reading client to time out", writeTimeout+20*time.Second, func(s admin.Status) bool {
		return s.Totals.Ends["write_timeout"]-before.Totals.Ends["write_timeout"] >= uint64(sc.neverReading)
	})
	freed := time.Since(start)

	// Now read, for a moment, what each was sent before the server gave
	// up. Once the server has closed, the kernel still holds the bytes
	// queued for the client, and hands them over as the window opens or
	// resets the connection; either way the server's part is over.
	outcomes := new(tally)
	readers := make([]*reader, len(conns))
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(time.Second))
		readers[i] = readInBackground(c)
	}
	var maxBytes int
	for _, r := range readers {
		<-r.done
		maxBytes = max(maxBytes, len(r.raw))
		switch {
		case len(r.raw) >= bigFileSize:
			outcomes.add("whole file")
		case r.err == nil:
			outcomes.add("cut short, then closed")
		default:
			outcomes.add("cut short, then " + errName(r.err))
		}
	}
	for _, c := range conns {
		c.Close()
	}
	ok, failed := good.finish(t)
	bigOK, bigFailed := bigGood.finish(t)

	after := d.waitStatus("every exchange to be counted", 10*time.Second, func(s admin.Status) bool {
		return s.Totals.Ends["delivered"]-before.Totals.Ends["delivered"] >= uint64(ok+bigOK)
	})
	if n := after.Totals.Ends["write_timeout"] - before.Totals.Ends["write_timeout"]; n != uint64(sc.neverReading) {
		t.Errorf("server counted %d write timeouts, want %d", n, sc.neverReading)
	}
	if bigOK == 0 {
		t.Errorf("no good client downloaded the whole file")
	}
	peak := peaks.peak()
	settled := d.settled(base)
	report(t, summary{
		scenario: "never-reading", scale: sc.name, good: ok + bigOK, goodFailed: failed + bigFailed,
		misbehaving: fmt.Sprintf("%d clients of a %d MiB file: %s (at most %d KiB received in 1s of reading after)", sc.neverReading, bigFileSize>>20, outcomes, maxBytes>>10),
		before:      base, peak: peak, after: settled,
		extra: fmt.Sprintf("all freed %v after the first connect (WRITE_TIMEOUT %v); %d whole-file downloads by a good client", freed.Round(time.Millisecond), writeTimeout, bigOK),
	})
}
