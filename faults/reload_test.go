//go:build faults

package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/admin"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// Reload bodies: the good files alternate A and B; the broken one would
// serve C if it were ever taken.
const (
	bodyA = "A\n"
	bodyB = "B\n"
	bodyC = "C: from a broken file\n"
)

// reloadPause separates reloads, so that good exchanges run between them.
const reloadPause = 20 * time.Millisecond

func reloadRoutes(body string) string {
	return fmt.Sprintf("routes:\n  - path: /hello\n    body: %q\n  - path: /slow\n    body: %q\n    delay: 100ms\n", body, body)
}

// brokenRoutes is a routes file that fails validation: a route with two
// reply kinds. Were it taken, /hello would answer bodyC.
var brokenRoutes = fmt.Sprintf("routes:\n  - path: /hello\n    body: %q\n    echo: true\n  - path: /slow\n    body: %q\n", bodyC, bodyC)

// TestReloadUnderLoad reloads the routes many times, by SIGHUP and by
// POST /api/reload in turn, alternating a good routes file and a broken
// one, while good clients keep fetching. No exchange may fail, every reply
// must come from a good file (body A or B, never C), each good reload must
// take effect at once and each broken one must be refused.
func TestReloadUnderLoad(t *testing.T) {
	sc := currentScale(t)
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	testenv.WriteFile(t, routes, reloadRoutes(bodyA))
	d := startDaemon(t, daemonOptions{env: []string{"TINYHTTPD_ROUTES=" + routes}})
	base := d.baseline()
	peaks := d.sample()

	var seenMu sync.Mutex
	seen := make(map[string]int)
	checkAB := func(req string, r *reply) error {
		if err := expectReply(200, bodyA, bodyB)(r); err != nil {
			return err
		}
		seenMu.Lock()
		seen[string(r.body)]++
		seenMu.Unlock()
		return nil
	}
	good := startLoad(d.addr, loadOptions{
		workers: 4, pause: time.Millisecond,
		requests: []string{"GET /hello\n", "GET /slow\n", "GET /hello HTTP/1.0\r\n\r\n"},
		check:    checkAB,
	})

	triggers := new(tally)
	okReloads, failedReloads := 0, 0
	current := bodyA
	for i := range sc.reloads {
		// Even reloads take a good file, odd ones a broken file; the
		// trigger alternates every two, so both triggers see both kinds.
		broken := i%2 == 1
		viaSignal := (i/2)%2 == 0
		next := current
		if broken {
			testenv.WriteFile(t, routes, brokenRoutes)
		} else {
			next = map[string]string{bodyA: bodyB, bodyB: bodyA}[current]
			testenv.WriteFile(t, routes, reloadRoutes(next))
		}
		prev := d.status().Reloads
		if viaSignal {
			d.signal(syscall.SIGHUP)
			got := d.waitStatus("the SIGHUP reload", 10*time.Second, func(s admin.Status) bool {
				return s.Reloads.OK+s.Reloads.Failed > prev.OK+prev.Failed
			})
			if failed := got.Reloads.Failed > prev.Failed; failed != broken {
				t.Errorf("reload %d by SIGHUP of a %s file: failed=%v; last %+v", i, kind(broken), failed, got.Reloads.Last)
			}
			triggers.add("SIGHUP " + kind(broken))
		} else {
			code, body, err := d.reload()
			if err != nil {
				t.Fatalf("POST /api/reload: %v", err)
			}
			want := 200
			if broken {
				want = 400
			}
			if code != want {
				t.Errorf("reload %d by POST of a %s file: %d %s, want %d", i, kind(broken), code, body, want)
			}
			if bytes.Contains(body, []byte(d.token)) {
				t.Errorf("the reload answer shows the admin token")
			}
			if broken {
				var e struct{ Error string }
				json.Unmarshal(body, &e)
				if !strings.Contains(e.Error, "routes.yaml:4:5: body and echo both set") {
					t.Errorf("refused reload says %q, want the file:line:col of the problem", e.Error)
				}
			}
			triggers.add("POST " + kind(broken))
		}
		if broken {
			failedReloads++
		} else {
			okReloads++
			current = next
		}
		// A fresh exchange sees the table just loaded, or the one kept.
		r, err := exchange(d.addr, "GET /hello\n", 10*time.Second)
		if err != nil {
			t.Fatalf("exchange after reload %d: %v", i, err)
		}
		if string(r.body) != current {
			t.Errorf("after reload %d (%s file) /hello says %q, want %q", i, kind(broken), r.body, current)
		}
		time.Sleep(reloadPause) // let the good clients cross each swap
	}
	ok, failed := good.finish(t)
	final := d.status()
	if final.Reloads.OK != uint64(okReloads) || final.Reloads.Failed != uint64(failedReloads) {
		t.Errorf("server counted %d ok and %d failed reloads, want %d and %d", final.Reloads.OK, final.Reloads.Failed, okReloads, failedReloads)
	}
	seenMu.Lock()
	seenA, seenB := seen[bodyA], seen[bodyB]
	seenMu.Unlock()
	if seenA == 0 || seenB == 0 {
		t.Errorf("good clients saw body A %d times and B %d times: the swaps were not exercised", seenA, seenB)
	}
	if n := d.countLog("reload failed; keeping the current routes"); n != failedReloads {
		t.Errorf("server logged %d refused reloads, want %d", n, failedReloads)
	}
	peak := peaks.peak()
	settled := d.settled(base)
	report(t, summary{
		scenario: "reload", scale: sc.name, good: ok, goodFailed: failed,
		misbehaving: fmt.Sprintf("%d reloads: %s", sc.reloads, triggers),
		before:      base, peak: peak, after: settled,
		extra: fmt.Sprintf("server counted %d ok, %d refused; good replies A %d, B %d, broken file's C 0", final.Reloads.OK, final.Reloads.Failed, seenA, seenB),
	})
}

func kind(broken bool) string {
	if broken {
		return "broken"
	}
	return "good"
}
