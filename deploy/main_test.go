package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"

	"go.uber.org/goleak"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the rendered .example files")

// tinyhttpdBin is the tinyhttpd binary built for these tests.
var tinyhttpdBin string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "tinyhttpd-deploy-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tinyhttpdBin = filepath.Join(dir, "tinyhttpd")
	build := exec.Command("go", "build", "-o", tinyhttpdBin, "github.com/tinyhttpd/tinyhttpd/cmd/tinyhttpd")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building tinyhttpd:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// process is a program started by a test and stopped when the test ends.
type process struct {
	cmd  *exec.Cmd
	out  *testenv.SyncBuffer
	done chan struct{}
}

func startProcess(t *testing.T, name string, args []string, env []string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(name, args...), out: new(testenv.SyncBuffer), done: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// exited waits for the process to exit and returns its exit code, or fails
// the test after within.
func (p *process) exited(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(within):
		t.Fatalf("%s did not exit within %v:\n%s", p.cmd.Path, within, tail(p.out.String()))
		return -1
	}
}

// waitFor polls cond until it holds, or fails the test after within.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

// tail returns the last lines of a log, for failure messages.
func tail(s string) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-30):], "\n")
}

// freePort returns a TCP port free on loopback.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

const adminToken = "deploy-test-token"

// instance is one tinyhttpd process behind a proxy, on its own loopback
// address with the same ports as the others, as the templates expect.
type instance struct {
	Name, Addr string
	AdminPort  int  // for the HAProxy template, when not the instances' shared one
	Down       bool // for the nginx template
	admin      string
	env        []string
	proc       *process
}

var listening = regexp.MustCompile(`msg="tinyhttpd listening"`)

// newInstances makes n instances on 127.0.0.2, 127.0.0.3, ... that trust
// PROXY headers from 127.0.0.1.
func newInstances(t *testing.T, n int) (instances []*instance, adminPort int) {
	t.Helper()
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(routes, []byte("routes:\n  - path: /hello\n    body: \"hello, world\\n\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	port, adminPort := freePort(t), freePort(t)
	for i := range n {
		ip := fmt.Sprintf("127.0.0.%d", i+2)
		in := &instance{
			Name:  fmt.Sprintf("t%d", i+1),
			Addr:  net.JoinHostPort(ip, strconv.Itoa(port)),
			admin: net.JoinHostPort(ip, strconv.Itoa(adminPort)),
		}
		in.env = []string{
			"PATH=" + os.Getenv("PATH"),
			"TINYHTTPD_ADDR=" + in.Addr,
			"TINYHTTPD_ADMIN_ADDR=" + in.admin,
			"TINYHTTPD_ADMIN_TOKEN=" + adminToken,
			"TINYHTTPD_ROUTES=" + routes,
			"TINYHTTPD_PROXY_PROTOCOL=true",
			"TINYHTTPD_PROXY_PROTOCOL_FROM=127.0.0.1",
			"TINYHTTPD_SHUTDOWN_TIMEOUT=10s",
		}
		instances = append(instances, in)
	}
	return instances, adminPort
}

// start starts the instance and waits for its start line.
func (in *instance) start(t *testing.T) {
	t.Helper()
	in.proc = startProcess(t, tinyhttpdBin, nil, in.env)
	waitFor(t, 10*time.Second, in.Name+" start", func() bool {
		select {
		case <-in.proc.done:
			t.Fatalf("%s exited:\n%s", in.Name, in.proc.out.String())
		default:
		}
		return listening.MatchString(in.proc.out.String())
	})
}

// stop sends SIGTERM and checks that the instance drains and exits 0.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	in.proc.cmd.Process.Signal(syscall.SIGTERM)
	if code := in.proc.exited(t, 15*time.Second); code != 0 {
		t.Fatalf("%s exited %d after SIGTERM:\n%s", in.Name, code, tail(in.proc.out.String()))
	}
}

var adminClient = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// drain posts /api/drain to the instance's admin endpoint.
func (in *instance) drain(t *testing.T) {
	t.Helper()
	in.adminWrite(t, "POST", "/api/drain", http.StatusAccepted)
}

// endDrain ends the instance's drain (DELETE /api/drain).
func (in *instance) endDrain(t *testing.T) {
	t.Helper()
	in.adminWrite(t, "DELETE", "/api/drain", http.StatusOK)
}

// adminWrite sends a write with the token to the instance's admin
// endpoint and fails the test unless it answers want.
func (in *instance) adminWrite(t *testing.T, method, path string, want int) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+in.admin+path, nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	res, err := adminClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != want {
		t.Fatalf("%s: %s %s: %s", in.Name, method, path, res.Status)
	}
}

// waitIdle waits until the proxy has stopped sending the instance new
// connections: none open, and none accepted between two looks 50ms apart.
func (in *instance) waitIdle(t *testing.T) {
	t.Helper()
	var last uint64
	waitFor(t, 10*time.Second, in.Name+" idle", func() bool {
		res, err := adminClient.Get("http://" + in.admin + "/api/status")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var st struct {
			Connections struct{ Reading, Writing, Lingering int64 }
			Totals      struct{ Accepted uint64 }
		}
		if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
			t.Fatal(err)
		}
		c := st.Connections
		idle := c.Reading+c.Writing+c.Lingering == 0 && st.Totals.Accepted == last
		last = st.Totals.Accepted
		if !idle {
			time.Sleep(40 * time.Millisecond)
		}
		return idle
	})
}

// render executes a template file from this directory into a file in dir.
func render(t *testing.T, tmpl, dst string, data any) {
	t.Helper()
	b, err := renderBytes(tmpl, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func renderBytes(tmpl string, data any) ([]byte, error) {
	tp, err := template.New(filepath.Base(tmpl)).Option("missingkey=error").ParseFiles(tmpl)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := tp.Execute(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// probe makes one exchange through the proxy at front from 127.0.0.5, a
// loopback address nothing else uses, and returns the client's address, so
// that a test can look for it in the instances' exchange logs.
func probe(t *testing.T, front string) string {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 5)}, Timeout: 5 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := d.DialContext(ctx, "tcp", front)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /hello HTTP/1.0\r\n\r\n")
	c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c)
	if err != nil || !strings.HasSuffix(string(b), "\r\n\r\nhello, world\n") {
		t.Fatalf("probe through %s: %q, %v", front, b, err)
	}
	return c.LocalAddr().String()
}

// servedBy returns the instance whose exchange log names remote.
func servedBy(instances []*instance, remote string) *instance {
	for _, in := range instances {
		if strings.Contains(in.proc.out.String(), "remote="+remote+" ") {
			return in
		}
	}
	return nil
}
