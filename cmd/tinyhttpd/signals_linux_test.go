package main

import (
	"fmt"
	"os"
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
	d := launch(t, command(t, nil, "TINYHTTPD_ADDR=127.0.0.1:0", "TINYHTTPD_ADMIN_ADDR=", "TINYHTTPD_ROUTES="+bigRoutes(t)))
	// The runtime starts in well under 30 ms of CPU; loading the routes
	// file takes far longer, so the signal comes while it is loaded.
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
