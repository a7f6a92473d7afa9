package main

import (
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/loadgen"
)

func TestReusePortNeedsTheSetting(t *testing.T) {
	a := startDaemon(t, "TINYHTTPD_REUSEPORT=1", "TINYHTTPD_ADMIN_ADDR=")
	cmd := command(t, nil, "TINYHTTPD_ADDR="+a.addr, "TINYHTTPD_ADMIN_ADDR=")
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != exitFailed || !strings.Contains(string(out), "address already in use") {
		t.Errorf("second tinyhttpd without REUSEPORT: exit %d: %s", code, out)
	}
}

// TestDefaultRefusesABusyAddress checks that two tinyhttpd with the default
// settings cannot share an address by mistake: the acceptors' SO_REUSEPORT
// sockets are not for other processes to join.
func TestDefaultRefusesABusyAddress(t *testing.T) {
	a := startDaemon(t, "TINYHTTPD_ACCEPTORS=2", "TINYHTTPD_ADMIN_ADDR=")
	cmd := command(t, nil, "TINYHTTPD_ADDR="+a.addr, "TINYHTTPD_ADMIN_ADDR=", "TINYHTTPD_ACCEPTORS=2")
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != exitFailed || !strings.Contains(string(out), "address already in use") {
		t.Errorf("second tinyhttpd with the default settings: exit %d: %s", code, out)
	}
}

// TestRefuseSharedConnectsToNothing checks that finding a busy address
// leaves the server listening there alone: no connection reaches it.
func TestRefuseSharedConnectsToNothing(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := refuseShared(l.Addr().String()); err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("refuseShared on a busy address: %v", err)
	}
	l.(*net.TCPListener).SetDeadline(time.Now().Add(200 * time.Millisecond))
	if c, err := l.Accept(); err == nil {
		c.Close()
		t.Error("refuseShared connected to the server listening there")
	}
	free := l.Addr().String()
	l.Close()
	if err := refuseShared(free); err != nil {
		t.Errorf("refuseShared on a free address: %v", err)
	}
}

// TestReusePortUpgrade replaces a running tinyhttpd with a new one on the
// same address under load, as an upgrade does: A serves, B starts beside it
// with SO_REUSEPORT, A gets SIGTERM and drains, B serves on. No exchange may
// fail. A connection the kernel completed for A's listener but that A had not
// accepted when Shutdown closed the listener is reset unanswered, unless
// net.ipv4.tcp_migrate_req=1 moves it to B; those are counted apart, and
// must be none when the sysctl is on.
func TestReusePortUpgrade(t *testing.T) {
	const phase = 300 * time.Millisecond // of load with A, A and B, then B
	a := startDaemon(t, "TINYHTTPD_REUSEPORT=1", "TINYHTTPD_ROUTES="+writeRoutes(t, t.TempDir(), "hi"))
	load := loadgen.Start(loadgen.Config{Addr: a.addr, Workers: 16, Request: "GET /hello\n", Body: "hi"})
	defer load.Stop()
	if !load.WaitOK(200, 10*time.Second) {
		t.Fatalf("no load through A: %v", load.Snapshot())
	}
	time.Sleep(phase)

	b := startDaemon(t, "TINYHTTPD_ADDR="+a.addr, "TINYHTTPD_REUSEPORT=1", "TINYHTTPD_ROUTES="+writeRoutes(t, t.TempDir(), "hi"))
	waitLog(t, b, "msg=exchange") // the kernel spreads connections over A and B
	time.Sleep(phase)
	if !load.WaitOK(200, 10*time.Second) {
		t.Fatalf("load stalled with A and B: %v", load.Snapshot())
	}

	before := load.Snapshot()
	a.cmd.Process.Signal(syscall.SIGTERM)
	if code := a.wait(t, 15*time.Second); code != 0 {
		t.Errorf("A exited %d:\n%s", code, a.logs.String())
	}
	time.Sleep(phase)
	if !load.WaitOK(200, 10*time.Second) {
		t.Fatalf("load stalled after A left: %v", load.Snapshot())
	}
	res := load.Stop()

	t.Logf("upgrade under load: %v", res)
	t.Logf("unanswered resets while A shut down: %d (tcp_migrate_req=%s)", res.Unanswered-before.Unanswered, migrateReq())
	if res.Failed > 0 || res.Refused > 0 || len(res.Statuses) > 0 {
		t.Errorf("lost exchanges: %v\n%s", res, strings.Join(res.Errors, "\n"))
	}
	if migrateReq() == "1" && res.Unanswered > 0 {
		t.Errorf("%d connections reset unanswered although tcp_migrate_req=1", res.Unanswered)
	}
	if c, err := net.Dial("tcp", a.addr); err != nil {
		t.Errorf("B no longer listening: %v", err)
	} else {
		c.Close()
	}
	b.cmd.Process.Signal(syscall.SIGTERM)
	if code := b.wait(t, 15*time.Second); code != 0 {
		t.Errorf("B exited %d", code)
	}
}

// migrateReq returns net.ipv4.tcp_migrate_req, which makes Linux (5.14 and
// later) hand connections queued on a closing SO_REUSEPORT listener to
// another listener of the group instead of resetting them.
func migrateReq() string {
	b, err := os.ReadFile("/proc/sys/net/ipv4/tcp_migrate_req")
	if err != nil {
		return "unavailable"
	}
	return strings.TrimSpace(string(b))
}
