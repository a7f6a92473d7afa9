package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGHUPWhileStarting sends SIGHUP while tinyhttpd loads a large routes
// file, as systemd's reload may right after a restart: the signal must not
// end the process by its default action, and the reload it asks for runs
// once the server serves.
func TestSIGHUPWhileStarting(t *testing.T) {
	d := launch(t, command(t, nil, "TINYHTTPD_ADDR=127.0.0.1:0", "TINYHTTPD_ADMIN_ADDR=", "TINYHTTPD_ROUTES="+heavyRoutes(t)))
	// The runtime starts in well under 30 ms of CPU; loading the routes
	// file takes far longer (0.5 to 2 s here, with the race detector), so
	// the signal comes while it is loaded.
	for cpuTicks(t, d.cmd.Process.Pid) < 3 {
		if strings.Contains(d.logs.String(), "tinyhttpd listening") {
			t.Fatal("tinyhttpd served before it had used 30 ms of CPU; the routes file is too small to load while the signal comes")
		}
		time.Sleep(time.Millisecond)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitStarted(t)
	waitLog(t, d, "routes reloaded")
	if r := exchange(t, d.addr, "GET /r7\n"); !strings.HasSuffix(r, "\r\n\r\n7\n") {
		t.Errorf("GET /r7: %q", r)
	}
}

// heavyRoutes writes a routes file of 10000 routes with three headers
// each, the most a file may hold, slow to load.
func heavyRoutes(t *testing.T) string {
	var b strings.Builder
	b.WriteString("routes:\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "  - path: /r%d\n    headers:\n      X-A: %s\n      X-B: %s\n      X-C: %s\n    body: \"%d\\n\"\n",
			i, strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40), i)
	}
	file := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// cpuTicks returns the CPU time process pid has used, in clock ticks.
func cpuTicks(t *testing.T, pid int) int {
	t.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("tinyhttpd ended: %v", err)
	}
	// The fields after the command name, which is in parentheses: state
	// is the first, utime the 12th and stime the 13th.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	var utime, stime int
	fmt.Sscan(fields[11], &utime)
	fmt.Sscan(fields[12], &stime)
	return utime + stime
}
