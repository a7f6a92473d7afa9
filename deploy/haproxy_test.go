package deploy

import (
	"encoding/csv"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/loadgen"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// haproxyData fills haproxy/haproxy.cfg.tmpl.
type haproxyData struct {
	Listen      string
	StatsSocket string
	AdminPort   int
	Servers     []*instance
}

// haproxy is a running HAProxy with its runtime API socket.
type haproxy struct {
	proc   *process
	socket string
}

func startHAProxy(t *testing.T, bin string, data haproxyData) *haproxy {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	render(t, "haproxy/haproxy.cfg.tmpl", cfg, data)
	return startHAProxyFile(t, bin, cfg, data.StatsSocket)
}

// startHAProxyFile starts HAProxy with the configuration file cfg, whose
// runtime API listens on socket.
func startHAProxyFile(t *testing.T, bin, cfg, socket string) *haproxy {
	t.Helper()
	if out, err := runOutput(bin, "-c", "-f", cfg); err != nil {
		t.Fatalf("haproxy -c: %v\n%s", err, out)
	}
	h := &haproxy{proc: startProcess(t, bin, []string{"-db", "-f", cfg}, nil), socket: socket}
	waitFor(t, 10*time.Second, "HAProxy's runtime API", func() bool {
		_, err := h.command("show info")
		return err == nil
	})
	return h
}

// command sends one command to HAProxy's runtime API and returns the answer.
func (h *haproxy) command(cmd string) (string, error) {
	c, err := net.DialTimeout("unix", h.socket, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, cmd+"\n"); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	return string(b), err
}

// status returns the status column of `show stat` for backend/server, such
// as "UP", "DOWN", "DRAIN" or "UP 1/2" (going down).
func (h *haproxy) status(t *testing.T, backend, server string) string {
	t.Helper()
	return h.stat(t, backend, server, "status")
}

// stat returns a column of `show stat` for backend/server.
func (h *haproxy) stat(t *testing.T, backend, server, column string) string {
	t.Helper()
	out, err := h.command("show stat")
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "# ")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("show stat: %v\n%s", err, out)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, row := range rows[1:] {
		if len(row) > col[column] && row[col["pxname"]] == backend && row[col["svname"]] == server {
			return row[col[column]]
		}
	}
	t.Fatalf("no %s/%s in show stat:\n%s", backend, server, out)
	return ""
}

// setState sets a server's admin state through the runtime API.
func (h *haproxy) setState(t *testing.T, server, state string) {
	t.Helper()
	out, err := h.command("set server tinyhttpd/" + server + " state " + state)
	if err != nil || strings.TrimSpace(out) != "" {
		t.Fatalf("set server %s state %s: %q, %v", server, state, out, err)
	}
}

func runOutput(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

// startBehindHAProxy starts n instances and HAProxy in front of them from
// haproxy/haproxy.cfg.tmpl, and waits until HAProxy has marked every
// instance UP. It returns the address clients connect to.
func startBehindHAProxy(t *testing.T, bin string, n int) ([]*instance, *haproxy, string) {
	t.Helper()
	instances, adminPort := newInstances(t, n)
	for _, in := range instances {
		in.start(t)
	}
	front := net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort(t)))
	h := startHAProxy(t, bin, haproxyData{
		Listen:      front,
		StatsSocket: filepath.Join(t.TempDir(), "haproxy.sock"),
		AdminPort:   adminPort,
		Servers:     instances,
	})
	for _, in := range instances {
		waitFor(t, 10*time.Second, in.Name+" UP in HAProxy", func() bool { return h.status(t, "tinyhttpd", in.Name) == "UP" })
	}
	return instances, h, front
}

// waitOut waits until HAProxy has marked the instance DOWN and returns how
// long that took. Sessions HAProxy connected just before the failed check
// may still be in the instance's listen queue: tinyhttpd accepts and
// serves them before it closes its listener, so SIGTERM need not wait for
// them.
func (h *haproxy) waitOut(t *testing.T, in *instance) time.Duration {
	t.Helper()
	return waitFor(t, 10*time.Second, in.Name+" DOWN in HAProxy", func() bool {
		return strings.HasPrefix(h.status(t, "tinyhttpd", in.Name), "DOWN")
	})
}

// TestHAProxyRollingRestart runs deploy/haproxy/haproxy.cfg.tmpl in front of
// three tinyhttpd instances and restarts them one after another under load.
//
// "lb-first" is the procedure docs/DEPLOY.md gives: tell HAProxy to send the
// instance no new connections (runtime API: state drain), wait until it has
// no session left through HAProxy, POST /api/drain,
// see HAProxy's check against /readyz mark it DOWN, SIGTERM, wait for exit 0,
// start it, set it ready, wait for UP. No exchange may fail.
//
// "checks-only" leaves HAProxy to notice the drain by its health check
// alone. Between the drain and the failed check (inter 200ms, fall 1)
// HAProxy still sends the instance new connections, which a draining
// tinyhttpd serves as usual; SIGTERM comes once HAProxy has marked it
// DOWN, and tinyhttpd serves what is still in its listen queue before it
// closes its listener. No exchange may fail either.
func TestHAProxyRollingRestart(t *testing.T) {
	bin := testenv.LookPath(t, "haproxy", "haproxy")
	for _, mode := range []string{"lb-first", "checks-only"} {
		t.Run(mode, func(t *testing.T) {
			instances, h, front := startBehindHAProxy(t, bin, 3)

			client := probe(t, front)
			waitFor(t, 5*time.Second, "the client's address in an exchange log", func() bool { return servedBy(instances, client) != nil })

			load := loadgen.Start(loadgen.Config{Addr: front, Workers: 8, Body: "hello, world\n"})
			defer load.Stop()
			if !load.WaitOK(200, 10*time.Second) {
				t.Fatalf("no load through HAProxy: %v", load.Snapshot())
			}
			start := time.Now()
			for _, in := range instances {
				if mode == "lb-first" {
					// No new connections; then wait for those HAProxy
					// had already sent (scur, connects in progress
					// included) before tinyhttpd starts answering 503.
					h.setState(t, in.Name, "drain")
					waitFor(t, 10*time.Second, in.Name+" without sessions", func() bool {
						return h.stat(t, "tinyhttpd", in.Name, "scur") == "0"
					})
				}
				in.drain(t)
				down := h.waitOut(t, in)
				in.stop(t)
				in.start(t)
				if mode == "lb-first" {
					h.setState(t, in.Name, "ready")
				}
				up := waitFor(t, 10*time.Second, in.Name+" UP in HAProxy", func() bool { return h.status(t, "tinyhttpd", in.Name) == "UP" })
				t.Logf("%s: marked DOWN %v after the drain, UP %v after the restart", in.Name, down.Round(time.Millisecond), up.Round(time.Millisecond))
				if !load.WaitOK(100, 10*time.Second) {
					t.Fatalf("load stalled after restarting %s: %v", in.Name, load.Snapshot())
				}
			}
			rolling := time.Since(start)
			res := load.Stop()
			t.Logf("rolling restart of 3 behind HAProxy (%s) in %v: %v", mode, rolling.Round(time.Millisecond), res)
			if res.Failed > 0 || res.Refused > 0 || res.Unanswered > 0 {
				t.Errorf("lost exchanges: %v\n%s", res, strings.Join(res.Errors, "\n"))
			}
			for status, n := range res.Statuses {
				t.Errorf("%d replies with status %d", n, status)
			}
		})
	}
}

// TestHAProxyRestartByHealthChecks is a rolling restart that HAProxy
// follows by its health checks alone, with the template's settings
// (option httpchk GET /readyz, inter 200ms fall 1 rise 2, retries 3,
// option redispatch): two instances, 16 clients for 12 s (4 s with
// -short), and while the load runs each instance in turn is drained (POST
// /api/drain), SIGTERMed as soon as HAProxy marks it DOWN, started again,
// and waited for until UP; then the other. A draining instance serves what
// HAProxy still sends it until the failed check, a stopping one serves its
// listen queue before it closes its listener, and a connect refused while
// it is stopped is redispatched, so no exchange may fail.
func TestHAProxyRestartByHealthChecks(t *testing.T) {
	bin := testenv.LookPath(t, "haproxy", "haproxy")
	duration := 12 * time.Second
	if testing.Short() {
		duration = 4 * time.Second
	}
	instances, h, front := startBehindHAProxy(t, bin, 2)
	isUp := func(in *instance) func() bool {
		return func() bool { return h.status(t, "tinyhttpd", in.Name) == "UP" }
	}

	load := loadgen.Start(loadgen.Config{Addr: front, Workers: 16, Body: "hello, world\n"})
	defer load.Stop()
	start := time.Now()
	restarts := 0
	// A restart takes one to three seconds (a stop waits about 1.25 s for
	// connections TCP_DEFER_ACCEPT holds back); each instance restarts at
	// least once, and no further restart starts in the last two seconds.
	for restarts < len(instances) || time.Since(start) < duration-2*time.Second {
		in := instances[restarts%len(instances)]
		in.drain(t)
		down := h.waitOut(t, in)
		in.stop(t)
		in.start(t)
		up := waitFor(t, 10*time.Second, in.Name+" UP in HAProxy", isUp(in))
		restarts++
		t.Logf("restart %d, %s: DOWN %v after the drain, UP %v after the start", restarts, in.Name, down.Round(time.Millisecond), up.Round(time.Millisecond))
		if !load.WaitOK(100, 10*time.Second) {
			t.Fatalf("load stalled after restarting %s: %v", in.Name, load.Snapshot())
		}
	}
	time.Sleep(max(duration-time.Since(start), 500*time.Millisecond))
	res := load.Stop()
	t.Logf("%d restarts of 2 instances behind HAProxy by health checks alone: %v", restarts, res)
	if res.OK == 0 {
		t.Errorf("%d restarts, no exchange: the test did not run", restarts)
	}
	if res.Failed > 0 || res.Refused > 0 || res.Unanswered > 0 || len(res.Statuses) > 0 {
		t.Errorf("failed exchanges: %v\n%s", res, strings.Join(res.Errors, "\n"))
	}
}

// TestHAProxyExampleIsValid checks haproxy.cfg.example with haproxy -c.
func TestHAProxyExampleIsValid(t *testing.T) {
	bin := testenv.LookPath(t, "haproxy", "haproxy")
	b, err := os.ReadFile("haproxy/haproxy.cfg.example")
	if err != nil {
		t.Fatal(err)
	}
	// The example's socket directory may not exist here.
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	sock := filepath.Join(t.TempDir(), "haproxy.sock")
	if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(string(b), exampleHAProxy.StatsSocket, sock)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runOutput(bin, "-c", "-f", cfg); err != nil {
		t.Errorf("haproxy -c: %v\n%s", err, out)
	}
}

// TestHAProxyHealthChecks points HAProxy's health checks, written as
// operators write them, at one tinyhttpd instance's /readyz on a loopback
// admin address: each must mark the instance UP, DOWN once it drains and
// UP again once the drain ends. The first is HAProxy's plain option
// httpchk, an HTTP/1.0 request without a Host header; the others send
// Host localhost or an IP address without a port.
func TestHAProxyHealthChecks(t *testing.T) {
	bin := testenv.LookPath(t, "haproxy", "haproxy")
	instances, adminPort := newInstances(t, 1)
	in := instances[0]
	in.start(t)
	for _, tt := range []struct{ name, check string }{
		{"no Host", "option httpchk GET /readyz"},
		{"Host localhost", "option httpchk\n    http-check send meth GET uri /readyz hdr Host localhost"},
		{"HEAD with Host an IP", "option httpchk\n    http-check send meth HEAD uri /readyz ver HTTP/1.1 hdr Host 127.0.0.2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			socket := filepath.Join(dir, "haproxy.sock")
			cfg := filepath.Join(dir, "haproxy.cfg")
			text := "global\n    stats socket " + socket + " mode 600 level admin\n" +
				"defaults\n    mode tcp\n    timeout connect 2s\n    timeout client 15s\n    timeout server 15s\n" +
				"backend tinyhttpd\n    " + tt.check + "\n    http-check expect status 200\n" +
				"    server " + in.Name + " " + in.Addr + " check port " + strconv.Itoa(adminPort) + " inter 100ms fall 1 rise 1\n"
			if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			h := startHAProxyFile(t, bin, cfg, socket)
			isUp := func() bool { return h.status(t, "tinyhttpd", in.Name) == "UP" }
			isDown := func() bool { return strings.HasPrefix(h.status(t, "tinyhttpd", in.Name), "DOWN") }
			waitFor(t, 10*time.Second, in.Name+" UP", isUp)
			in.drain(t)
			waitFor(t, 10*time.Second, in.Name+" DOWN while draining", isDown)
			in.endDrain(t)
			waitFor(t, 10*time.Second, in.Name+" UP after the drain", isUp)
		})
	}
}

// TestHAProxyAdminPortPerInstance runs two instances on one IP address,
// each with its admin endpoint on a port of its own, as instances on one
// host without addresses of their own must: HAProxy checks each on its
// port and marks both UP.
func TestHAProxyAdminPortPerInstance(t *testing.T) {
	bin := testenv.LookPath(t, "haproxy", "haproxy")
	instances, _ := newInstances(t, 2)
	for _, in := range instances {
		in.AdminPort = freePort(t)
		in.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort(t)))
		in.admin = net.JoinHostPort("127.0.0.1", strconv.Itoa(in.AdminPort))
		in.env = append(in.env, "TINYHTTPD_ADDR="+in.Addr, "TINYHTTPD_ADMIN_ADDR="+in.admin)
		in.start(t)
	}
	h := startHAProxy(t, bin, haproxyData{
		Listen:      net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort(t))),
		StatsSocket: filepath.Join(t.TempDir(), "haproxy.sock"),
		Servers:     instances,
	})
	for _, in := range instances {
		waitFor(t, 10*time.Second, in.Name+" UP in HAProxy", func() bool { return h.status(t, "tinyhttpd", in.Name) == "UP" })
	}
}
