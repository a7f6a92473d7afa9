//go:build faults

package faults

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// drainResult is the last line deploy's TestHAProxyRestartByHealthChecks
// logs: the restarts made and internal/loadgen's Result.
var drainResult = regexp.MustCompile(`(\d+) restarts of 2 instances behind HAProxy by health checks alone: attempted=(\d+) ok=(\d+) failed=(\d+) refused=(\d+) unanswered=(\d+) other_status=map\[([^\]]*)\].* longest_gap=(\S+)`)

// drainDown is the line it logs for each restart.
var drainDown = regexp.MustCompile(`restart \d+, t\d: DOWN (\S+) after the drain`)

// TestDrainThroughHAProxy is the drain through HAProxy in the suite's
// table: two instances behind HAProxy with deploy's template (option
// httpchk GET /readyz, inter 200ms fall 1 rise 2, retries 3, option
// redispatch) under 16 clients, each instance in turn drained (POST
// /api/drain), SIGTERMed once HAProxy marks it DOWN, and started again. The
// scenario is deploy's TestHAProxyRestartByHealthChecks, run as it is (for
// 12 s, or 4 s at the short scale), which fails on any exchange that is not
// a complete 200; this reports its figures.
func TestDrainThroughHAProxy(t *testing.T) {
	sc := currentScale(t)
	testenv.LookPath(t, "haproxy", "haproxy")
	for _, ip := range []byte{2, 3} {
		if err := probeSource(&net.TCPAddr{IP: net.IPv4(127, 0, 0, ip)}); err != nil {
			testenv.Unavailable(t, "the instances listen on 127.0.0.2 and 127.0.0.3, which cannot be used here: %v", err)
		}
	}
	args := []string{"test", "-count=1", "-v", "-run", "^TestHAProxyRestartByHealthChecks$"}
	if sc.name == "short" {
		args = append(args, "-short")
	}
	cmd := exec.Command("go", append(args, "github.com/tinyhttpd/tinyhttpd/deploy")...)
	cmd.Env = cleanEnviron()
	if v := os.Getenv(testenv.RequireToolsVar); v != "" {
		cmd.Env = append(cmd.Env, testenv.RequireToolsVar+"="+v)
	}
	start := time.Now()
	raw, err := cmd.CombinedOutput()
	out := string(raw)
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, tail(out, 8<<10))
	}
	if strings.Contains(out, "--- SKIP") {
		testenv.Unavailable(t, "deploy's TestHAProxyRestartByHealthChecks skipped:\n%s", tail(out, 2<<10))
	}
	m := drainResult.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no result line in the output of go %s:\n%s", strings.Join(args, " "), tail(out, 8<<10))
	}
	n := func(i int) int64 {
		v, err := strconv.ParseInt(m[i], 10, 64)
		if err != nil {
			t.Fatalf("result line %q: %v", m[0], err)
		}
		return v
	}
	restarts, ok, failed, refused, unanswered := n(1), n(3), n(4), n(5), n(6)
	other := 0
	for f := range strings.FieldsSeq(m[7]) {
		if _, count, found := strings.Cut(f, ":"); found {
			c, _ := strconv.Atoi(count)
			other += c
		}
	}
	var downMin, downMax time.Duration
	for i, d := range drainDown.FindAllStringSubmatch(out, -1) {
		v, err := time.ParseDuration(d[1])
		if err != nil {
			t.Fatalf("restart line %q: %v", d[0], err)
		}
		if i == 0 || v < downMin {
			downMin = v
		}
		downMax = max(downMax, v)
	}
	report(t, summary{
		scenario: "HAProxy drain", scale: sc.name, good: ok, goodFailed: failed + refused + unanswered + int64(other),
		misbehaving: fmt.Sprintf("none; %d restarts of 2 instances (drain, DOWN, SIGTERM, start, UP) under 16 clients: %d failed, %d refused, %d unanswered, %d not 200",
			restarts, failed, refused, unanswered, other),
		extra: fmt.Sprintf("marked DOWN %v to %v after the drain; longest gap between exchanges %s; deploy's TestHAProxyRestartByHealthChecks, %v in all",
			downMin, downMax, m[8], time.Since(start).Round(100*time.Millisecond)),
	})
}
