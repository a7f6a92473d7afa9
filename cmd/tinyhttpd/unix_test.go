//go:build unix

package main

import (
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestUnixSocket serves on a Unix domain socket: the file gets the mode
// and group asked for, the exchange and its half-close work as over TCP (nc -U -N
// and socat too), an early reply (413) arrives whole, and the file is
// removed at exit.
func TestUnixSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "t.sock")
	gid := os.Getgid() // a group any user may give its files
	if os.Geteuid() == 0 {
		gid = 1 // as root, one that differs from the default
	}
	d := runDaemon(t, command(t, nil, "TINYHTTPD_ADDR=unix:"+sock, "TINYHTTPD_ADMIN_ADDR=", "TINYHTTPD_UNIX_MODE=0600",
		"TINYHTTPD_UNIX_OWNER=:"+strconv.Itoa(gid), "TINYHTTPD_MAX_REQUEST_BYTES=100"))
	if d.addr != sock {
		t.Errorf("listening on %q, want %q", d.addr, sock)
	}
	st, err := os.Lstat(sock)
	if err != nil || st.Mode()&fs.ModeSocket == 0 || st.Mode().Perm() != 0o600 || int(st.Sys().(*syscall.Stat_t).Gid) != gid {
		t.Fatalf("socket file: %v, %v; want a socket with mode 0600 and group %d", st, err, gid)
	}
	checkComplete(t, exchangeOn(t, "unix", sock, "GET /hello HTTP/1.0\r\n\r\n"), "hello, world\n")
	checkComplete(t, exchangeOn(t, "unix", sock, "POST /echo\n\nping"), "ping")
	waitLog(t, d, "remote=unix: method=POST") // not "invalid AddrPort"
	if reply := exchangeOn(t, "unix", sock, "POST /echo\n\n"+strings.Repeat("x", 200)); !strings.HasPrefix(reply, "HTTP/1.0 413 ") {
		t.Errorf("oversized request: %q", reply)
	}
	clients := []struct {
		name, program, pkg string
		args               []string
	}{
		{"nc -U -N", "nc", "netcat-openbsd", []string{"-U", "-N", sock}},
		{"socat", "socat", "socat", []string{"-t", "5", "-", "UNIX-CONNECT:" + sock}},
	}
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			path := testenv.LookPath(t, c.program, c.pkg)
			cmd := exec.Command(path, c.args...)
			cmd.Stdin = strings.NewReader("POST /echo HTTP/1.0\r\n\r\nping from " + c.name)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			checkComplete(t, string(out), "ping from "+c.name)
		})
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	if code := d.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("exit %d:\n%s", code, d.logs.String())
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("socket file left behind at exit: %v", err)
	}
}

// TestUnixSocketStartChecks checks what tinyhttpd finds at the socket's
// path: a stale socket file is replaced, while a socket something listens
// on, or a file that is not a socket, stops the start with exit 1.
func TestUnixSocketStartChecks(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "stale.sock")
	l, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	d := runDaemon(t, command(t, nil, "TINYHTTPD_ADDR=unix:"+stale, "TINYHTTPD_ADMIN_ADDR="))
	checkComplete(t, exchangeOn(t, "unix", stale, "GET /hello\n"), "hello, world\n")
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.wait(t, 10*time.Second)

	live := filepath.Join(dir, "live.sock")
	ll, err := net.Listen("unix", live)
	if err != nil {
		t.Fatal(err)
	}
	defer ll.Close()
	regular := filepath.Join(dir, "file")
	if err := os.WriteFile(regular, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		live:    "another process listens on " + live,
		regular: regular + " exists and is not a socket",
	} {
		cmd := command(t, nil, "TINYHTTPD_ADDR=unix:"+path, "TINYHTTPD_ADMIN_ADDR=")
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != exitFailed || !strings.Contains(string(out), want) {
			t.Errorf("%s: exit %d, want %d with %q: %s", path, code, exitFailed, want, out)
		}
	}
	if _, err := os.Lstat(live); err != nil {
		t.Errorf("the live socket was removed: %v", err)
	}
	if b, err := os.ReadFile(regular); string(b) != "keep me" {
		t.Errorf("the regular file was changed: %q, %v", b, err)
	}
}
