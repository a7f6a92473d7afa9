//go:build unix

package main

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/loadgen"
	"github.com/tinyhttpd/tinyhttpd/internal/socket"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// activatedCommand returns tinyhttpd started as systemd starts the service
// of a socket unit: files from fd 3 on, LISTEN_FDS, LISTEN_FDNAMES, and
// LISTEN_PID set to tinyhttpd's own pid, which only the started process
// knows: a shell sets it to its own pid and then execs tinyhttpd in its
// place.
func activatedCommand(t *testing.T, files []*os.File, names string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := command(t, nil, append([]string{
		"LISTEN_FDS=" + strconv.Itoa(len(files)), "LISTEN_FDNAMES=" + names, "TINYHTTPD_ADMIN_ADDR=127.0.0.1:0",
	}, env...)...)
	cmd.Args = []string{"/bin/sh", "-c", `LISTEN_PID=$$ exec "$0"`, cmd.Path}
	cmd.Path = "/bin/sh"
	cmd.ExtraFiles = files
	return cmd
}

// socketFile returns a listening TCP socket on loopback, held for the test
// as systemd holds a socket unit's, and a file of it to pass on. It is a
// plain TCP socket, as systemd's ListenStream= makes, not the Multipath TCP
// one that net.Listen makes where the system has it, which refuses some
// options (a socket filter among them).
func socketFile(t *testing.T) (addr string, f *os.File) {
	t.Helper()
	var lc net.ListenConfig
	lc.SetMultipathTCP(false)
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	f, err = l.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return l.Addr().String(), f
}

// TestSocketActivationIgnoresAddr checks that TINYHTTPD_ADDR, unused with a
// socket from systemd, cannot stop the start: not even by naming the admin
// endpoint's port.
func TestSocketActivationIgnoresAddr(t *testing.T) {
	addr, f := socketFile(t)
	admin := testenv.ClosedAddr(t)
	d := runDaemon(t, activatedCommand(t, []*os.File{f}, "tinyhttpd.socket", "TINYHTTPD_ADDR="+admin, "TINYHTTPD_ADMIN_ADDR="+admin))
	if d.addr != addr || d.adminAddr != admin {
		t.Errorf("listening on %s, admin on %s; want %s and %s", d.addr, d.adminAddr, addr, admin)
	}
}

// TestSocketActivationRestart restarts tinyhttpd as systemd restarts a
// socket-activated service, under a half-close load of 16 clients: the
// test holds the listening socket, starts tinyhttpd on it, then twice
// SIGTERMs it, waits for its exit and, after a pause, starts a new one on
// the same socket. The socket never closes, so connections made while no
// tinyhttpd runs wait in its queue (the longest exchange lasts about the
// pause): no exchange may fail, be refused or be reset.
func TestSocketActivationRestart(t *testing.T) {
	const gap = 200 * time.Millisecond // with no tinyhttpd running
	addr, f := socketFile(t)
	routes := writeRoutes(t, t.TempDir(), "hi")
	start := func() *daemon {
		t.Helper()
		// TINYHTTPD_ADDR is ignored when systemd passes a socket.
		d := runDaemon(t, activatedCommand(t, []*os.File{f}, "protocol", "TINYHTTPD_ROUTES="+routes, "TINYHTTPD_ADDR=127.0.0.1:0"))
		if d.addr != addr || !strings.Contains(d.logs.String(), "systemd_socket=protocol") {
			t.Fatalf("tinyhttpd did not take the socket on %s:\n%s", addr, d.logs.String())
		}
		return d
	}
	d := start()
	load := loadgen.Start(loadgen.Config{Addr: addr, Workers: 16, Request: "GET /hello\n", Body: "hi"})
	defer load.Stop()
	if !load.WaitOK(500, 10*time.Second) {
		t.Fatalf("no load: %v", load.Snapshot())
	}
	for i := range 2 {
		before := load.Snapshot()
		d.cmd.Process.Signal(syscall.SIGTERM)
		if code := d.wait(t, 15*time.Second); code != 0 {
			t.Fatalf("restart %d: exit %d after SIGTERM:\n%s", i+1, code, d.logs.String())
		}
		time.Sleep(gap) // as RestartSec= would
		d = start()
		if !load.WaitOK(500, 10*time.Second) {
			t.Fatalf("restart %d: load stalled: %v", i+1, load.Snapshot())
		}
		t.Logf("restart %d: %d exchanges completed since the SIGTERM", i+1, load.Snapshot().OK-before.OK)
	}
	res := load.Stop()
	t.Logf("two restarts on one socket under load: %v", res)
	if res.Failed > 0 || res.Refused > 0 || res.Unanswered > 0 || len(res.Statuses) > 0 {
		t.Errorf("lost exchanges: %v\n%s", res, strings.Join(res.Errors, "\n"))
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	if code := d.wait(t, 15*time.Second); code != 0 {
		t.Errorf("exit %d after SIGTERM", code)
	}
}

// TestSocketActivationRepairsPausedSocket starts tinyhttpd on a socket
// left paused (socket.PauseAccepting), as an earlier tinyhttpd killed
// while draining it leaves one: new connections must be taken again.
func TestSocketActivationRepairsPausedSocket(t *testing.T) {
	addr, f := socketFile(t)
	fl, err := net.FileListener(f)
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	if _, err := socket.PauseAccepting(fl.(*net.TCPListener)); errors.Is(err, errors.ErrUnsupported) {
		t.Skip("this system has no socket filter to leave behind")
	} else if err != nil {
		t.Fatal(err)
	}
	routes := writeRoutes(t, t.TempDir(), "hi")
	d := runDaemon(t, activatedCommand(t, []*os.File{f}, "protocol", "TINYHTTPD_ROUTES="+routes))
	defer func() {
		d.cmd.Process.Signal(syscall.SIGTERM)
		d.wait(t, 15*time.Second)
	}()
	c, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		t.Fatalf("a connect to the socket tinyhttpd took: %v", err)
	}
	c.Close()
}

// TestSocketActivationRefusals checks the sockets tinyhttpd does not take:
// more than one, or one that is not a TCP listener, stop it with exit 2 and
// the reason; sockets meant for another process (LISTEN_PID) are left
// alone, with a warning, and tinyhttpd listens on TINYHTTPD_ADDR.
func TestSocketActivationRefusals(t *testing.T) {
	_, f1 := socketFile(t)
	_, f2 := socketFile(t)
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	fu, err := udp.(*net.UDPConn).File()
	if err != nil {
		t.Fatal(err)
	}
	defer fu.Close()
	for _, tt := range []struct {
		name  string
		files []*os.File
		names string
		want  string
	}{
		{"two sockets", []*os.File{f1, f2}, "protocol:admin", "systemd passed 2 sockets (protocol, admin); tinyhttpd takes one"},
		{"a UDP socket", []*os.File{fu}, "tinyhttpd.socket", `systemd socket \"tinyhttpd.socket\" (fd 3) is not a listening socket`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cmd := activatedCommand(t, tt.files, tt.names)
			out, _ := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != exitConfig || !strings.Contains(string(out), tt.want) {
				t.Errorf("exit %d, want %d with %q:\n%s", code, exitConfig, tt.want, out)
			}
		})
	}

	cmd := command(t, nil, "LISTEN_FDS=1", "LISTEN_PID=1", "TINYHTTPD_ADDR=127.0.0.1:0", "TINYHTTPD_ADMIN_ADDR=")
	cmd.ExtraFiles = []*os.File{f1}
	d := runDaemon(t, cmd)
	if !strings.Contains(d.logs.String(), "LISTEN_FDS is set but the sockets are not for this process") ||
		!strings.Contains(d.logs.String(), "systemd_socket=none") {
		t.Errorf("sockets for another process:\n%s", d.logs.String())
	}
	if r := exchange(t, d.addr, "GET /hello\n"); !strings.HasPrefix(r, "HTTP/1.0 200 ") {
		t.Errorf("on TINYHTTPD_ADDR: %q", r)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.wait(t, 15*time.Second)
}
