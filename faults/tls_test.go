//go:build faults

package faults

import (
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/admin"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

// tlsExchange makes one exchange over TLS: connect, handshake, write the
// request, close_notify, read to the server's close_notify; the reply must
// be complete.
func tlsExchange(addr, req string, timeout time.Duration, cfg *tls.Config) (*reply, error) {
	raw, err := dial(addr)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	raw.SetDeadline(time.Now().Add(timeout))
	c := tls.Client(raw, cfg)
	if err := c.Handshake(); err != nil {
		return nil, fmt.Errorf("handshake: %w", err)
	}
	if _, err := io.WriteString(c, req); err != nil {
		return nil, err
	}
	if err := c.CloseWrite(); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(c)
	if err != nil {
		return nil, fmt.Errorf("after %d bytes: %w", len(b), err)
	}
	return parseReply(b)
}

// clientHelloStart is the start of a TLS record carrying a ClientHello: a
// handshake record of 512 bytes, of which only these arrive.
const clientHelloStart = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"

// TestTLSFaults runs tinyhttpd with TLS while clients misbehave in the
// ways TLS adds: handshakes trickled a byte at a time (slowloris before
// the first request byte), requests ended by a bare FIN without
// close_notify (the truncation case), connections reset mid-handshake,
// and reloads of a bad certificate, each followed by a good one. Good TLS
// clients alongside, checking the certificate against the test
// authority, must all be served; the server must return to its baseline.
func TestTLSFaults(t *testing.T) {
	sc := currentScale(t)
	if need := uint64(3*sc.tlsClients + 200); fileLimit() < need {
		testenv.Unavailable(t, "RLIMIT_NOFILE %d is below the %d this scenario needs", fileLimit(), need)
	}
	const readTimeout = 2 * time.Second
	x := testenv.NewTLS(t)
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	testenv.WriteFile(t, routes, fmt.Sprintf(helloRoutes, "200ms"))
	d := startDaemon(t, daemonOptions{env: []string{
		"TINYHTTPD_ROUTES=" + routes,
		"TINYHTTPD_READ_TIMEOUT=" + readTimeout.String(),
		"TINYHTTPD_MAX_CONNS=" + strconv.Itoa(3*sc.tlsClients+200),
		"TINYHTTPD_TLS_CERT=" + x.CertFile,
		"TINYHTTPD_TLS_KEY=" + x.KeyFile,
	}})
	base := d.baseline()
	peaks := d.sample()
	before := d.status()

	good := startLoad(d.addr, loadOptions{workers: 4, pause: 2 * time.Millisecond, requests: goodHello, check: checkHello, tls: x.ClientConfig()})

	slow, fin, resets := new(tally), new(tally), new(tally)
	var slowWaitMax time.Duration
	var slowMu sync.Mutex
	var wg sync.WaitGroup
	for i := range sc.tlsClients {
		// A handshake trickled a byte every 100ms: the server must close
		// it at READ_TIMEOUT.
		wg.Go(func() {
			start := time.Now()
			c, err := dial(d.addr)
			if err != nil {
				slow.add("connect failed: " + errName(err))
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(readTimeout + 30*time.Second))
			r := readInBackground(c)
			for j := 0; !r.finished() && time.Since(start) < readTimeout+20*time.Second; j++ {
				b := byte('a')
				if j < len(clientHelloStart) {
					b = clientHelloStart[j]
				}
				c.Write([]byte{b})
				time.Sleep(100 * time.Millisecond)
			}
			<-r.done
			wait := r.at.Sub(start)
			outcome := classify(r.raw, r.err)
			if wait < readTimeout-100*time.Millisecond || wait > readTimeout+10*time.Second {
				outcome += fmt.Sprintf(" after %v", wait.Round(100*time.Millisecond))
			}
			slow.add(outcome)
			slowMu.Lock()
			slowWaitMax = max(slowWaitMax, wait)
			slowMu.Unlock()
		})
		// A request ended by a bare FIN: 400, whole, with its reason.
		wg.Go(func() {
			time.Sleep(time.Duration(i) * readTimeout / time.Duration(sc.tlsClients))
			raw, err := dial(d.addr)
			if err != nil {
				fin.add("connect failed: " + errName(err))
				return
			}
			defer raw.Close()
			raw.SetDeadline(time.Now().Add(30 * time.Second))
			c := tls.Client(raw, x.ClientConfig())
			if err := c.Handshake(); err != nil {
				fin.add("handshake failed: " + errName(err))
				return
			}
			io.WriteString(c, "GET /hello\n")
			raw.CloseWrite()
			b, err := io.ReadAll(c)
			outcome := classify(b, err)
			if r, perr := parseReply(b); perr == nil && !strings.Contains(string(r.body), "without a TLS close_notify") {
				outcome += " with body " + strconv.Quote(string(r.body))
			}
			fin.add(outcome)
		})
		// Half a ClientHello, then a reset.
		wg.Go(func() {
			time.Sleep(time.Duration(i) * readTimeout / time.Duration(sc.tlsClients))
			c, err := dial(d.addr)
			if err != nil {
				resets.add("connect failed: " + errName(err))
				return
			}
			io.WriteString(c, clientHelloStart)
			time.Sleep(10 * time.Millisecond)
			c.SetLinger(0)
			c.Close()
			resets.add("reset sent")
		})
	}

	// Reloads: a bad pair, which must be refused and kept out, then a good
	// one, alternating between two certificates the good clients trust.
	pairs := []*tlscert.Pair{x.Server, x.Issue(t, tlscert.Options{Hosts: tlscert.LocalHosts, CommonName: "second"})}
	reloads := new(tally)
	for i := range sc.tlsReloads {
		os.WriteFile(x.CertFile, []byte("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"), 0o644)
		code, body, err := d.reload()
		switch {
		case err != nil:
			reloads.add("bad: " + err.Error())
		case code == 400 && strings.Contains(string(body), "protocol TLS certificate"):
			reloads.add("bad refused")
		default:
			reloads.add(fmt.Sprintf("bad: %d %s", code, body))
		}
		p := pairs[(i+1)%2]
		os.WriteFile(x.CertFile, p.CertPEM, 0o644)
		os.WriteFile(x.KeyFile, p.KeyPEM, 0o600)
		if code, body, err := d.reload(); err != nil || code != 200 {
			reloads.add(fmt.Sprintf("good: %d %v %s", code, err, body))
		} else {
			reloads.add("good taken")
		}
		time.Sleep(20 * time.Millisecond)
	}
	wg.Wait()
	ok, failed := good.finish(t)

	n := sc.tlsClients
	for _, c := range []struct {
		what  string
		tally *tally
		want  string
		count int
	}{
		{"slow handshake", slow, "closed without a reply", 0},
		{"bare FIN", fin, "400 intact", n},
		{"reset", resets, "reset sent", n},
		{"reload", reloads, "bad refused", sc.tlsReloads},
		{"reload", reloads, "good taken", sc.tlsReloads},
	} {
		got := c.tally.get(c.want)
		if c.count == 0 {
			// The trickler's next byte may meet the closed socket first.
			got += c.tally.get("reset without a reply")
			c.count = n
		}
		if got != c.count {
			t.Errorf("%s: %s, want %d %q", c.what, c.tally, c.count, c.want)
		}
	}
	after := d.waitStatus("every failed handshake to be counted", 10*time.Second, func(s admin.Status) bool {
		return s.Totals.Ends["tls_handshake"]-before.Totals.Ends["tls_handshake"] >= uint64(2*n)
	})
	if got := after.Totals.Ends["tls_handshake"] - before.Totals.Ends["tls_handshake"]; got != uint64(2*n) {
		t.Errorf("server counted %d failed handshakes, want %d", got, 2*n)
	}
	if got := after.Totals.Replies["400"] - before.Totals.Replies["400"]; got != uint64(n) {
		t.Errorf("server counted %d 400s, want %d", got, n)
	}
	peak := peaks.peak()
	settled := d.settled(base)
	report(t, summary{
		scenario: "tls", scale: sc.name, good: ok, goodFailed: failed,
		misbehaving: fmt.Sprintf("%d slow handshakes: %s; %d bare FINs: %s; %d resets mid-handshake; %d bad and %d good certificate reloads: %s",
			n, slow, n, fin, n, sc.tlsReloads, sc.tlsReloads, reloads),
		before: base, peak: peak, after: settled,
		extra: fmt.Sprintf("slow handshakes closed after at most %v (READ_TIMEOUT %v)", slowWaitMax.Round(time.Millisecond), readTimeout),
	})
}
