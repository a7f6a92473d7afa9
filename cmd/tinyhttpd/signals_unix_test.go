//go:build unix

package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bigRoutes writes a routes file of 9000 routes, long enough to reload
// that signals arrive while a reload runs.
func bigRoutes(t *testing.T) string {
	var b strings.Builder
	b.WriteString("routes:\n")
	for i := range 9000 {
		fmt.Fprintf(&b, "  - path: /r%d\n    body: \"%d\\n\"\n", i, i)
	}
	file := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestSIGHUPDuringShutdown keeps sending SIGHUP through a shutdown: the
// signal must never end the process by its default action while the last
// reload finishes, and the shutdown is logged to the end.
func TestSIGHUPDuringShutdown(t *testing.T) {
	d := startDaemon(t, "TINYHTTPD_ROUTES="+bigRoutes(t), "TINYHTTPD_DEFER_ACCEPT=false")
	d.cmd.Process.Signal(syscall.SIGHUP)
	time.Sleep(10 * time.Millisecond)
	d.cmd.Process.Signal(syscall.SIGTERM)
	for range 300 {
		if d.cmd.Process.Signal(syscall.SIGHUP) != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code := d.wait(t, 20*time.Second); code != 0 || !strings.Contains(d.logs.String(), "shutdown complete") {
		t.Errorf("exit %d:\n%s", code, d.logs.String())
	}
}

// TestStopNotLostBehindReloads sends SIGTERM right behind a burst of
// SIGHUPs, each a reload of a large routes file: the stop must not be
// dropped while the reloads are worked through.
func TestStopNotLostBehindReloads(t *testing.T) {
	d := startDaemon(t, "TINYHTTPD_ROUTES="+bigRoutes(t))
	for range 6 {
		d.cmd.Process.Signal(syscall.SIGHUP)
		time.Sleep(5 * time.Millisecond)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	if code := d.wait(t, 20*time.Second); code != 0 {
		t.Errorf("exit %d:\n%s", code, d.logs.String())
	}
}

// TestReloadOfFIFO replaces the routes file by a FIFO and reloads: the
// reload must fail at once, keeping the table, and SIGTERM still stop the
// server, where opening the FIFO used to wait for a writer for good.
func TestReloadOfFIFO(t *testing.T) {
	dir := t.TempDir()
	file := writeRoutes(t, dir, "one")
	d := startDaemon(t, "TINYHTTPD_ROUTES="+file)
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(file, 0o600); err != nil {
		t.Fatal(err)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, d, "not a regular file")
	if r := exchange(t, d.addr, "GET /hello\n"); !strings.HasSuffix(r, "\r\n\r\none") {
		t.Errorf("after the failed reload: %q", r)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	if code := d.wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit %d:\n%s", code, d.logs.String())
	}
}

// TestNotifiesSystemd runs tinyhttpd as systemd's Type=notify does, with a
// datagram socket in NOTIFY_SOCKET: it must say READY=1 once it serves,
// and STOPPING=1 when SIGTERM starts its shutdown.
func TestNotifiesSystemd(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	next := func(want string) {
		t.Helper()
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		buf := make([]byte, 256)
		n, err := conn.Read(buf)
		if err != nil || string(buf[:n]) != want {
			t.Fatalf("systemd was told %q, %v; want %q", buf[:n], err, want)
		}
	}
	d := startDaemon(t, "NOTIFY_SOCKET="+sock)
	next("READY=1")
	if r := exchange(t, d.addr, "GET /hello\n"); !strings.Contains(r, " 200 ") {
		t.Errorf("once ready: %q", r)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	next("STOPPING=1")
	if code := d.wait(t, 20*time.Second); code != 0 {
		t.Errorf("exit %d:\n%s", code, d.logs.String())
	}
}
