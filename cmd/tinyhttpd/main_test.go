package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/admin"
	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// runAsMainVar makes the test binary run tinyhttpd's main instead of the
// tests, so tests can start the real program as a process.
const runAsMainVar = "TEST_RUN_TINYHTTPD_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsMainVar) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// command returns tinyhttpd as a process with env added to a clean
// environment.
func command(t *testing.T, args []string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append([]string{runAsMainVar + "=1", "PATH=" + os.Getenv("PATH")}, env...)
	return cmd
}

// daemon is a running tinyhttpd process.
type daemon struct {
	cmd       *exec.Cmd
	addr      string
	adminAddr string
	logs      *testenv.SyncBuffer
	done      chan error
}

var listenLine = regexp.MustCompile(`msg="tinyhttpd listening".* addr=(\S+) admin=(\S+)`)

// startDaemon starts tinyhttpd on a free loopback port and waits for its
// start line. The process is killed when the test ends if still running.
func startDaemon(t *testing.T, env ...string) *daemon {
	t.Helper()
	return runDaemon(t, command(t, nil, append([]string{"TINYHTTPD_ADDR=127.0.0.1:0", "TINYHTTPD_ADMIN_ADDR=127.0.0.1:0"}, env...)...))
}

// runDaemon starts cmd, a tinyhttpd, and waits for its start line.
func runDaemon(t *testing.T, cmd *exec.Cmd) *daemon {
	t.Helper()
	d := launch(t, cmd)
	d.waitStarted(t)
	return d
}

// launch starts cmd, a tinyhttpd, without waiting for it to serve. The
// process is killed when the test ends if still running.
func launch(t *testing.T, cmd *exec.Cmd) *daemon {
	t.Helper()
	d := &daemon{cmd: cmd, logs: new(testenv.SyncBuffer), done: make(chan error, 1)}
	cmd.Stderr = d.logs
	cmd.Stdout = d.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-d.done
		}
	})
	return d
}

// waitStarted waits for the start line of d and notes its addresses. A
// race-built tinyhttpd loading a large routes file on a loaded machine may
// take many seconds; one that ends first fails the test at once.
func (d *daemon) waitStarted(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := listenLine.FindStringSubmatch(d.logs.String()); m != nil {
			d.addr, d.adminAddr = m[1], m[2]
			return
		}
		select {
		case err := <-d.done:
			d.done <- err // for wait
			t.Fatalf("tinyhttpd ended before it served (%v):\n%s", err, d.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("tinyhttpd did not start:\n%s", d.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wait waits for the process to exit and returns its exit code.
func (d *daemon) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-d.done:
		return d.cmd.ProcessState.ExitCode()
	case <-time.After(within):
		t.Fatalf("tinyhttpd did not exit within %v:\n%s", within, d.logs.String())
		return -1
	}
}

// exchange makes one half-close exchange over TCP and returns the reply.
func exchange(t *testing.T, addr, req string) string {
	t.Helper()
	return exchangeOn(t, "tcp", addr, req)
}

// exchangeOn makes one half-close exchange on network ("tcp" or "unix")
// and returns the reply.
func exchangeOn(t *testing.T, network, addr, req string) string {
	t.Helper()
	c, err := net.DialTimeout(network, addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, req)
	c.(interface{ CloseWrite() error }).CloseWrite()
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading reply: %v", err)
	}
	return string(b)
}

// writeRoutes writes a routes file to dir with /hello answering body (in
// YAML), /slow answering "late\n" after 300ms, and the routes of more, each
// a YAML list entry, after them.
func writeRoutes(t *testing.T, dir, body string, more ...string) string {
	t.Helper()
	file := filepath.Join(dir, "routes.yaml")
	src := "routes:\n  - path: /hello\n    body: " + body + "\n  - path: /slow\n    body: \"late\\n\"\n    delay: 300ms\n" +
		strings.Join(more, "")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-h"}, &out, &errOut); code != exitOK {
		t.Fatalf("-h exited %d", code)
	}
	for _, want := range []string{"-check", "TINYHTTPD_ADDR", "TINYHTTPD_MAX_REQUEST_BYTES", "1MiB", "TINYHTTPD_SHUTDOWN_TIMEOUT", "nc -N"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h lacks %q", want)
		}
	}
	if errOut.Len() != 0 {
		t.Errorf("-h wrote to stderr: %q", errOut.String())
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("routes:\n  - path: /x\n    bdy: oops\n"), 0o644)
	tests := []struct {
		name string
		env  []string
		code int
		want string
	}{
		{"embedded default", nil, exitOK, "routes ok from embedded default"},
		{"routes file", []string{"TINYHTTPD_ROUTES=" + writeRoutes(t, dir, "hi")}, exitOK, "2 routes ok"},
		{"bad duration", []string{"TINYHTTPD_READ_TIMEOUT=ten"}, exitConfig, "TINYHTTPD_READ_TIMEOUT"},
		{"bad size", []string{"TINYHTTPD_MAX_REQUEST_BYTES=1MB"}, exitConfig, "TINYHTTPD_MAX_REQUEST_BYTES"},
		{"bad routes", []string{"TINYHTTPD_ROUTES=" + bad}, exitConfig, bad + ":3:5:"},
		{"missing routes", []string{"TINYHTTPD_ROUTES=" + filepath.Join(dir, "none.yaml")}, exitConfig, "none.yaml"},
		{"admin on the protocol port", []string{"TINYHTTPD_ADDR=127.0.0.1:7070", "TINYHTTPD_ADMIN_ADDR=127.0.0.1:7070"}, exitConfig, "the two listeners need ports of their own"},
		{"misspelt variable", []string{"TINYHTTPD_READTIMEOUT=1s"}, exitOK, "warning: TINYHTTPD_READTIMEOUT is not a setting and is ignored (did you mean TINYHTTPD_READ_TIMEOUT?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := command(t, []string{"-check"}, tt.env...)
			out, _ := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, out)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out)
			}
		})
	}
}

func TestCheckUnresolvableHost(t *testing.T) {
	host := testenv.UnresolvableHost(t)
	cmd := command(t, []string{"-check"}, "TINYHTTPD_ADDR="+host+":7070")
	out, _ := cmd.CombinedOutput()
	if want := `TINYHTTPD_ADDR="` + host + `:7070": cannot listen on this host`; cmd.ProcessState.ExitCode() != exitConfig || !strings.Contains(string(out), want) {
		t.Errorf("exit %d, want %d with %q: %s", cmd.ProcessState.ExitCode(), exitConfig, want, out)
	}
}

func TestUnknownFlagOrArgument(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-nope"}, &out, &errOut); code != exitConfig {
		t.Errorf("unknown flag exited %d", code)
	}
	if code := run([]string{"extra"}, &out, &errOut); code != exitConfig {
		t.Errorf("stray argument exited %d", code)
	}
	if !strings.Contains(errOut.String(), "TINYHTTPD_") {
		t.Errorf("stray argument message does not point to the settings: %q", errOut.String())
	}
}

func TestServesEmbeddedDefault(t *testing.T) {
	d := startDaemon(t)
	reply := exchange(t, d.addr, "GET /hello\n")
	if !strings.HasPrefix(reply, "HTTP/1.0 200 OK\r\n") || !strings.HasSuffix(reply, "\r\n\r\nhello, world\n") {
		t.Errorf("reply %q", reply)
	}
	if reply := exchange(t, d.addr, "GET /logo.svg\n"); !strings.Contains(reply, "Content-Type: image/svg+xml") {
		t.Errorf("file route reply %q", reply)
	}
	// The access log is written in batches, at most 100 ms late.
	waitLog(t, d, "msg=exchange")
	for _, want := range []string{`routes="embedded default`, "msg=exchange", "path=/hello", "status=200", "end=delivered"} {
		if !strings.Contains(d.logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, d.logs.String())
		}
	}
	res, err := http.Get("http://" + d.adminAddr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("admin /readyz: %d", res.StatusCode)
	}
	d.cmd.Process.Signal(syscall.SIGINT)
	if code := d.wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit %d after SIGINT:\n%s", code, d.logs.String())
	}
}

// TestAdminHosts checks that TINYHTTPD_ADMIN_HOSTS reaches the admin
// endpoint's Host check: a listed name is answered, another refused.
func TestAdminHosts(t *testing.T) {
	d := startDaemon(t, "TINYHTTPD_ADMIN_HOSTS=Admin.Test, other.test:1")
	_, port, _ := net.SplitHostPort(d.adminAddr)
	for host, want := range map[string]int{
		"admin.test:" + port: 200,
		"admin.test":         200,
		"other.test:1":       200,
		"localhost:" + port:  200,
		"evil.test:" + port:  403,
		"other.test:" + port: 403,
	} {
		req, _ := http.NewRequest("GET", "http://"+d.adminAddr+"/livez", nil)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("Host %s: status %d, want %d", host, res.StatusCode, want)
		}
	}
}

func TestAdminBeyondLoopbackNeedsToken(t *testing.T) {
	cmd := command(t, []string{"-check"}, "TINYHTTPD_ADMIN_ADDR=0.0.0.0:0")
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != exitConfig || !strings.Contains(string(out), "TINYHTTPD_ADMIN_TOKEN") {
		t.Errorf("exit %d: %s", code, out)
	}
}

func TestSIGTERMAnswersAcceptedExchanges(t *testing.T) {
	d := startDaemon(t, "TINYHTTPD_ROUTES="+writeRoutes(t, t.TempDir(), "hi"))
	checkSIGTERMAnswersAccepted(t, d, func() halfCloser {
		c, err := net.DialTimeout("tcp", d.addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(10 * time.Second))
		return c.(*net.TCPConn)
	})
}

// halfCloser is a connection whose write side can be shut down on its own:
// a *net.TCPConn, or a *tls.Conn, which sends close_notify.
type halfCloser interface {
	net.Conn
	CloseWrite() error
}

// checkSIGTERMAnswersAccepted opens ten connections to d with dial, starts
// a GET /slow on each, sends SIGTERM while they are in their delay, and
// checks that every one gets its whole reply and that tinyhttpd then exits
// 0 after its shutdown line.
func checkSIGTERMAnswersAccepted(t *testing.T, d *daemon, dial func() halfCloser) {
	t.Helper()
	const n = 10
	replies := make(chan string, n)
	for range n {
		c := dial()
		go func() {
			io.WriteString(c, "GET /slow\n")
			c.CloseWrite()
			b, _ := io.ReadAll(c)
			replies <- string(b)
		}()
	}
	time.Sleep(100 * time.Millisecond) // the exchanges are accepted and in their delay
	d.cmd.Process.Signal(syscall.SIGTERM)
	for range n {
		if r := <-replies; !strings.HasSuffix(r, "\r\n\r\nlate\n") {
			t.Errorf("in-flight exchange got %q", r)
		}
	}
	if code := d.wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit %d:\n%s", code, d.logs.String())
	}
	if !strings.Contains(d.logs.String(), "shutdown complete") {
		t.Errorf("no shutdown line:\n%s", d.logs.String())
	}
}

// TestShutdownDelay checks TINYHTTPD_SHUTDOWN_DELAY: after SIGTERM /readyz
// fails at once, new connections are still served for the delay, then the
// listener closes and tinyhttpd exits 0. A second signal during the delay
// closes everything at once, exit 1.
func TestShutdownDelay(t *testing.T) {
	const delay = time.Second
	const token = "0123456789abcdef"
	d := startDaemon(t, "TINYHTTPD_SHUTDOWN_DELAY="+delay.String(), "TINYHTTPD_ADMIN_TOKEN="+token, "TINYHTTPD_ROUTES="+writeRoutes(t, t.TempDir(), "hi"))
	if code := readyz(t, d); code != 200 {
		t.Fatalf("readyz before SIGTERM: %d", code)
	}
	start := time.Now()
	d.cmd.Process.Signal(syscall.SIGTERM)
	waitLog(t, d, "shutting down after a delay")
	if code := readyz(t, d); code != 503 {
		t.Errorf("readyz during the delay: %d", code)
	}
	endDrain, _ := http.NewRequest("DELETE", "http://"+d.adminAddr+"/api/drain", nil)
	endDrain.Header.Set("Authorization", "Bearer "+token)
	if res, err := http.DefaultClient.Do(endDrain); err != nil {
		t.Error(err)
	} else if res.Body.Close(); res.StatusCode != 409 {
		t.Errorf("DELETE /api/drain during the delay: %d, want 409", res.StatusCode)
	}
	if code := readyz(t, d); code != 503 {
		t.Errorf("readyz after DELETE /api/drain during the delay: %d", code)
	}
	served := 0
	for time.Since(start) < delay*3/4 {
		if r := exchange(t, d.addr, "GET /hello\n"); !strings.HasPrefix(r, "HTTP/1.0 200 ") || !strings.HasSuffix(r, "\r\n\r\nhi") {
			t.Fatalf("exchange %d during the delay: %q", served, r)
		}
		served++
		time.Sleep(20 * time.Millisecond)
	}
	if code := d.wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit %d:\n%s", code, d.logs.String())
	}
	if took := time.Since(start); took < delay {
		t.Errorf("exited %v after SIGTERM, before the %v delay", took, delay)
	}
	if c, err := net.Dial("tcp", d.addr); err == nil {
		c.Close()
		t.Error("still listening after exit")
	}
	t.Logf("%d exchanges served during the delay", served)

	d = startDaemon(t, "TINYHTTPD_SHUTDOWN_DELAY=1m")
	d.cmd.Process.Signal(syscall.SIGTERM)
	waitLog(t, d, "shutting down after a delay")
	d.cmd.Process.Signal(syscall.SIGINT)
	if code := d.wait(t, 10*time.Second); code != exitFailed {
		t.Errorf("second signal during the delay: exit %d, want %d:\n%s", code, exitFailed, d.logs.String())
	}
}

// readyz returns the status of the daemon's GET /readyz.
func readyz(t *testing.T, d *daemon) int {
	t.Helper()
	res, err := http.Get("http://" + d.adminAddr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestSIGHUPReloadsAndKeepsTableOnError(t *testing.T) {
	dir := t.TempDir()
	file := writeRoutes(t, dir, "one")
	d := startDaemon(t, "TINYHTTPD_ROUTES="+file)
	if r := exchange(t, d.addr, "GET /hello\n"); !strings.HasSuffix(r, "\r\n\r\none") {
		t.Fatalf("before reload: %q", r)
	}

	writeRoutes(t, dir, "two")
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, d, "routes reloaded")
	if r := exchange(t, d.addr, "GET /hello\n"); !strings.HasSuffix(r, "\r\n\r\ntwo") {
		t.Errorf("after reload: %q", r)
	}

	os.WriteFile(file, []byte("routes:\n  - path: /hello\n    body: three\n    echo: true\n"), 0o644)
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, d, "reload failed")
	if !strings.Contains(d.logs.String(), "routes.yaml:4:5: body and echo both set") {
		t.Errorf("reload error lacks file:line:col:\n%s", d.logs.String())
	}
	if r := exchange(t, d.addr, "GET /hello\n"); !strings.HasSuffix(r, "\r\n\r\ntwo") {
		t.Errorf("after a failed reload: %q", r)
	}
}

// waitLog waits for a log line of d that holds want: a reload of a large
// routes file may take many seconds on a loaded machine.
func waitLog(t *testing.T, d *daemon, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(d.logs.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("logs never showed %q:\n%s", want, d.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestListenFailureExits1(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cmd := command(t, nil, "TINYHTTPD_ADDR="+l.Addr().String(), "TINYHTTPD_ADMIN_ADDR=")
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != exitFailed || !strings.Contains(string(out), "cannot listen") {
		t.Errorf("exit %d: %s", code, out)
	}
}

// TestDefaultSettingsListen checks that the default settings listen on
// this system: an option it lacks is off by default, never a failed start.
// CI builds and vets this test for darwin, freebsd and windows too.
func TestDefaultSettingsListen(t *testing.T) {
	s, err := config.Load(map[string]string{"TINYHTTPD_ADDR": "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := listen(s, nil, nil)
	if err != nil {
		t.Fatalf("default settings: %v", err)
	}
	l.Close()
}

// TestCheckAdminBound checks the rule on the address an admin listener
// bound, which a name such as localhost may have made other than loopback:
// without a token, only loopback is served.
func TestCheckAdminBound(t *testing.T) {
	for _, tt := range []struct {
		ip    string
		token string
		ok    bool
	}{
		{"127.0.0.1", "", true},
		{"::1", "", true},
		{"192.0.2.7", "", false},
		{"0.0.0.0", "", false},
		{"192.0.2.7", "s3cret", false},
		{"192.0.2.7", "a-token-of-sixteen", true},
	} {
		err := checkAdminBound(&net.TCPAddr{IP: net.ParseIP(tt.ip), Port: 7071}, tt.token)
		if (err == nil) != tt.ok || err != nil && !errors.Is(err, errAdminBeyondLoopback) {
			t.Errorf("%s, token %q: %v; want ok %v", tt.ip, tt.token, err, tt.ok)
		}
	}
}

// TestAdminConnectionsBounded checks that idle connections to the admin
// endpoint beyond admin.MaxConns wait in the kernel's queue instead of
// taking a descriptor each, and that the endpoint serves again once they
// close.
func TestAdminConnectionsBounded(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts descriptors in /proc")
	}
	d := startDaemon(t)
	fds := func() int {
		entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", d.cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	before := fds()
	const idle = admin.MaxConns + 200
	conns := make([]net.Conn, 0, idle)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range idle {
		c, err := net.Dial("tcp", d.adminAddr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	// Give the server time to accept what it will.
	time.Sleep(200 * time.Millisecond)
	if n := fds() - before; n > admin.MaxConns+8 {
		t.Errorf("%d idle admin connections took %d descriptors; want at most %d", idle, n, admin.MaxConns)
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	// The source's slots come back as the server sees the closes: until
	// then a connection over admin.MaxConnsPerSource is closed unanswered.
	client := &http.Client{Timeout: 10 * time.Second}
	var res *http.Response
	var err error
	for deadline := time.Now().Add(admin.HeaderTimeout + time.Second); ; time.Sleep(20 * time.Millisecond) {
		if res, err = client.Get("http://" + d.adminAddr + "/livez"); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("after the idle connections closed: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("after the idle connections closed: status %d", res.StatusCode)
	}
}

// TestAdminProbeWithIdleClients checks that clients which made a request
// each and kept their connections hold none of the admin endpoint's
// admin.MaxConns: a health probe with a one-second timeout is still
// answered.
func TestAdminProbeWithIdleClients(t *testing.T) {
	d := startDaemon(t)
	for range admin.MaxConns {
		c, err := net.Dial("tcp", d.adminAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write([]byte("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close() // the client keeps its connection
	}
	res, err := (&http.Client{Timeout: time.Second}).Get("http://" + d.adminAddr + "/livez")
	if err != nil {
		t.Fatalf("a probe after %d clients kept their connections: %v", admin.MaxConns, err)
	}
	res.Body.Close()
}
