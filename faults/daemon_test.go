//go:build faults

package faults

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/admin"
)

// daemon is a running tinyhttpd process started by a test.
type daemon struct {
	t         *testing.T
	cmd       *exec.Cmd
	pid       int
	addr      string // protocol listener
	adminAddr string
	token     string
	logPath   string
	done      chan struct{} // closed when the process has exited
	exitErr   error         // valid once done is closed
	admin     *http.Client
}

// daemonOptions are how a test starts tinyhttpd.
type daemonOptions struct {
	// env holds TINYHTTPD_* settings as "NAME=value", added to the
	// defaults: loopback listeners on port 0 and a random admin token.
	env []string
	// fileLimit, when not zero, starts the process with RLIMIT_NOFILE set
	// to it, soft and hard, so that the Go runtime cannot raise it.
	fileLimit int
}

var listenLine = regexp.MustCompile(`msg="tinyhttpd listening".* addr=(\S+) admin=(\S+)`)

// startDaemon starts tinyhttpd and waits for its start line. The process is
// killed, by its PID, when the test ends if it is still running.
func startDaemon(t *testing.T, opts daemonOptions) *daemon {
	t.Helper()
	token := randomToken(t)
	d := &daemon{
		t:       t,
		token:   token,
		logPath: filepath.Join(t.TempDir(), "tinyhttpd.log"),
		done:    make(chan struct{}),
		admin:   &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}},
	}
	logFile, err := os.Create(d.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close() // the process keeps its own descriptor

	env := append(cleanEnviron(),
		"TINYHTTPD_ADDR=127.0.0.1:0",
		"TINYHTTPD_ADMIN_ADDR=127.0.0.1:0",
		"TINYHTTPD_ADMIN_TOKEN="+token,
	)
	env = append(env, opts.env...)
	var cmd *exec.Cmd
	switch {
	case opts.fileLimit == 0:
		cmd = exec.Command(tinyhttpdBin)
	case lookPath("prlimit") != "":
		n := strconv.Itoa(opts.fileLimit)
		cmd = exec.Command(lookPath("prlimit"), "--nofile="+n+":"+n, "--", tinyhttpdBin)
	default:
		cmd = exec.Command("/bin/sh", "-c", `ulimit -n "$1" && exec "$0"`, tinyhttpdBin, strconv.Itoa(opts.fileLimit))
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.cmd, d.pid = cmd, cmd.Process.Pid
	go func() {
		d.exitErr = cmd.Wait()
		close(d.done)
	}()
	t.Cleanup(func() {
		select {
		case <-d.done:
		default:
			cmd.Process.Kill()
			<-d.done
		}
		logs := d.logs()
		if strings.Contains(logs, d.token) {
			t.Errorf("the admin token appears in the server's log")
		}
		if t.Failed() {
			t.Logf("tinyhttpd log (last 4 KiB):\n%s", tail(logs, 4<<10))
		}
	})

	deadline := time.Now().Add(15 * time.Second)
	for {
		if m := listenLine.FindStringSubmatch(d.logs()); m != nil {
			d.addr, d.adminAddr = m[1], m[2]
			return d
		}
		select {
		case <-d.done:
			t.Fatalf("tinyhttpd exited before listening (%v):\n%s", d.exitErr, d.logs())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("tinyhttpd did not start within 15s:\n%s", d.logs())
		}
	}
}

// cleanEnviron is this process's environment without TINYHTTPD_ settings,
// so that a developer's own settings cannot change a scenario.
func cleanEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TINYHTTPD_") {
			env = append(env, kv)
		}
	}
	return env
}

func lookPath(name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	return p
}

func randomToken(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "faults-" + hex.EncodeToString(b)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// logs returns the process's log so far.
func (d *daemon) logs() string {
	b, _ := os.ReadFile(d.logPath)
	return string(b)
}

// countLog counts the log lines that contain every one of parts.
func (d *daemon) countLog(parts ...string) int {
	f, err := os.Open(d.logPath)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
lines:
	for sc.Scan() {
		for _, p := range parts {
			if !strings.Contains(sc.Text(), p) {
				continue lines
			}
		}
		n++
	}
	return n
}

// signal sends sig to the process.
func (d *daemon) signal(sig syscall.Signal) {
	d.t.Helper()
	if err := d.cmd.Process.Signal(sig); err != nil {
		d.t.Fatalf("signal %v: %v", sig, err)
	}
}

// wait waits up to within for the process to exit and returns its exit
// code and how long it waited.
func (d *daemon) wait(within time.Duration) (code int, waited time.Duration, ok bool) {
	start := time.Now()
	select {
	case <-d.done:
		return d.cmd.ProcessState.ExitCode(), time.Since(start), true
	case <-time.After(within):
		return -1, time.Since(start), false
	}
}

// adminGet fetches path from the admin endpoint.
func (d *daemon) adminGet(path string) (int, []byte, error) {
	return d.adminDo("GET", path, nil)
}

// adminDo sends a request to the admin endpoint with the given headers.
func (d *daemon) adminDo(method, path string, header map[string]string) (int, []byte, error) {
	req, err := http.NewRequest(method, "http://"+d.adminAddr+path, nil)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := d.admin.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, body, err
}

// reload asks the admin API to reload the routes.
func (d *daemon) reload() (int, []byte, error) {
	return d.adminDo("POST", "/api/reload", map[string]string{"Authorization": "Bearer " + d.token})
}

// status returns the admin API's status.
func (d *daemon) status() admin.Status {
	d.t.Helper()
	code, body, err := d.adminGet("/api/status")
	if err != nil || code != 200 {
		d.t.Fatalf("GET /api/status: %d %v %s", code, err, body)
	}
	if bytes.Contains(body, []byte(d.token)) {
		d.t.Errorf("/api/status shows the admin token")
	}
	var s admin.Status
	if err := json.Unmarshal(body, &s); err != nil {
		d.t.Fatalf("GET /api/status: %v", err)
	}
	return s
}

// waitStatus polls the status until cond holds, for up to within.
func (d *daemon) waitStatus(what string, within time.Duration, cond func(admin.Status) bool) admin.Status {
	d.t.Helper()
	deadline := time.Now().Add(within)
	for {
		s := d.status()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("timed out after %v waiting for %s; status totals %+v, connections %+v", within, what, s.Totals, s.Connections)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// resources are the server's goroutines, open file descriptors and
// resident memory at one moment.
type resources struct {
	goroutines int
	fds        int
	rssKiB     int
}

func (r resources) String() string {
	if r == (resources{}) {
		return "not measured"
	}
	return fmt.Sprintf("goroutines %d, fds %d, RSS %.1f MiB", r.goroutines, r.fds, float64(r.rssKiB)/1024)
}

// goroutines reads go_goroutines from the admin's /metrics.
func (d *daemon) goroutines() (int, error) {
	code, body, err := d.adminGet("/metrics")
	if err != nil {
		return 0, err
	}
	if code != 200 {
		return 0, fmt.Errorf("GET /metrics: %d", code)
	}
	for line := range strings.SplitSeq(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, "go_goroutines "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int(f), err
		}
	}
	return 0, errors.New("no go_goroutines in /metrics")
}

// fds counts the process's open file descriptors in /proc/PID/fd.
func (d *daemon) fds() (int, error) {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", d.pid))
	return len(entries), err
}

// rssKiB reads VmRSS from /proc/PID/status.
func (d *daemon) rssKiB() (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", d.pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
	return 0, errors.New("no VmRSS")
}

// clockTicks is the unit of /proc/PID/stat's CPU times (USER_HZ), fixed at
// 100 by the Linux ABI.
const clockTicks = 100

// cpuTime reads the process's user plus system CPU time from /proc/PID/stat.
func (d *daemon) cpuTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", d.pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15, so 12 and 13 after it.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("malformed /proc/PID/stat")
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 13 {
		return 0, errors.New("short /proc/PID/stat")
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// openFileLimit reads the process's "Max open files" soft limit.
func (d *daemon) openFileLimit() (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", d.pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Max open files"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				return strconv.Atoi(f[0])
			}
		}
	}
	return 0, errors.New("no Max open files")
}

// resources measures the server now.
func (d *daemon) resources() resources {
	d.t.Helper()
	g, err := d.goroutines()
	if err != nil {
		d.t.Fatalf("goroutines: %v", err)
	}
	fds, err := d.fds()
	if err != nil {
		d.t.Fatalf("fds: %v", err)
	}
	rss, err := d.rssKiB()
	if err != nil {
		d.t.Fatalf("RSS: %v", err)
	}
	return resources{goroutines: g, fds: fds, rssKiB: rss}
}

// sampler records the highest goroutines, descriptors and memory seen
// while a scenario runs.
type sampler struct {
	stop chan struct{}
	done chan resources
}

// sample starts measuring the server every 100ms until the returned
// sampler is stopped. Goroutines come from the admin endpoint and are
// skipped when it cannot answer (out of descriptors).
func (d *daemon) sample() *sampler {
	s := &sampler{stop: make(chan struct{}), done: make(chan resources, 1)}
	quick := &http.Client{Timeout: 500 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	go func() {
		var peak resources
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			if n, err := d.fds(); err == nil {
				peak.fds = max(peak.fds, n)
			}
			if n, err := d.rssKiB(); err == nil {
				peak.rssKiB = max(peak.rssKiB, n)
			}
			if res, err := quick.Get("http://" + d.adminAddr + "/metrics"); err == nil {
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				for line := range strings.SplitSeq(string(body), "\n") {
					if v, ok := strings.CutPrefix(line, "go_goroutines "); ok {
						if f, err := strconv.ParseFloat(v, 64); err == nil {
							peak.goroutines = max(peak.goroutines, int(f))
						}
					}
				}
			}
			select {
			case <-s.stop:
				s.done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// peak stops the sampler and returns the highest values it saw.
func (s *sampler) peak() resources {
	close(s.stop)
	return <-s.done
}

// Leak tolerances: after a scenario the server must come back within these
// of its baseline. Goroutines and descriptors allow for the admin request
// that measures them and a connection still closing; memory allows for the
// Go runtime keeping freed pages a while before returning them.
const (
	goroutineSlack = 5
	fdSlack        = 5
	rssSlackKiB    = 24 << 10
	settleTime     = 15 * time.Second
)

// baseline measures the server once it is idle, as the reference for
// settled.
func (d *daemon) baseline() resources {
	d.t.Helper()
	return d.resources()
}

// settled waits up to settleTime for the server to return to within the
// tolerances of base, and reports a leak if it does not.
func (d *daemon) settled(base resources) resources {
	d.t.Helper()
	return d.settledWithin(base, rssSlackKiB)
}

// settledWithin is settled with a tolerance of rssSlack KiB of resident
// memory; a negative rssSlack checks goroutines and descriptors only, for
// a scenario after which the Go runtime keeps much of its heap until a
// later collection.
func (d *daemon) settledWithin(base resources, rssSlack int) resources {
	d.t.Helper()
	deadline := time.Now().Add(settleTime)
	for {
		r := d.resources()
		ok := r.goroutines <= base.goroutines+goroutineSlack &&
			r.fds <= base.fds+fdSlack &&
			(rssSlack < 0 || r.rssKiB <= base.rssKiB+rssSlack)
		if ok {
			return r
		}
		if time.Now().After(deadline) {
			d.t.Errorf("server did not return to its baseline within %v: before %s, after %s (tolerance +%d goroutines, +%d fds, +%d MiB RSS)",
				settleTime, base, r, goroutineSlack, fdSlack, rssSlack>>10)
			return r
		}
		time.Sleep(200 * time.Millisecond)
	}
}
