package deploy

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/loadgen"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// nginxData fills nginx/tinyhttpd-stream.conf.tmpl.
type nginxData struct {
	Listen  string
	Servers []*instance
}

// streamModule is where Debian's libnginx-mod-stream puts the module.
const streamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"

// nginx is a running nginx master with the stream template included.
type nginx struct {
	proc    *process
	dir     string
	data    nginxData
	reloads int
}

// mainConf wraps the stream block in the rest of an nginx.conf: foreground,
// one worker, logs to stderr, files in the test's directory.
func mainConf(dir string) string {
	var b strings.Builder
	if _, err := os.Stat(streamModule); err == nil {
		fmt.Fprintf(&b, "load_module %s;\n", streamModule)
	}
	fmt.Fprintf(&b, "daemon off;\nmaster_process on;\nworker_processes 1;\npid %s;\nerror_log stderr notice;\n", filepath.Join(dir, "nginx.pid"))
	fmt.Fprintf(&b, "events { worker_connections 1024; }\ninclude %s;\n", filepath.Join(dir, "stream.conf"))
	return b.String()
}

func startNginx(t *testing.T, bin string, data nginxData) *nginx {
	t.Helper()
	n := &nginx{dir: t.TempDir(), data: data}
	conf := filepath.Join(n.dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(mainConf(n.dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	render(t, "nginx/tinyhttpd-stream.conf.tmpl", filepath.Join(n.dir, "stream.conf"), data)
	args := []string{"-p", n.dir + "/", "-c", conf, "-e", "stderr"}
	if out, err := runOutput(bin, append(args, "-t")...); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	n.proc = startProcess(t, bin, args, nil)
	t.Cleanup(func() {
		n.proc.cmd.Process.Signal(syscall.SIGQUIT)
		n.proc.exited(t, 10*time.Second)
	})
	waitFor(t, 10*time.Second, "nginx listening", func() bool {
		c, err := net.Dial("tcp", data.Listen)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return n
}

// reload renders the stream block again and has nginx load it: SIGHUP makes
// the master start workers with the new upstreams and tell the old ones to
// stop accepting. reload returns once the old worker has logged that it is
// shutting down, so that every new connection is routed by the new block.
func (n *nginx) reload(t *testing.T) {
	t.Helper()
	render(t, "nginx/tinyhttpd-stream.conf.tmpl", filepath.Join(n.dir, "stream.conf"), n.data)
	n.reloads++
	n.proc.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, 10*time.Second, "nginx reload", func() bool {
		return strings.Count(n.proc.out.String(), "gracefully shutting down") >= n.reloads
	})
}

// TestNginxRollingRestart runs deploy/nginx/tinyhttpd-stream.conf.tmpl in
// front of three tinyhttpd instances and restarts them one after another
// under load: mark the instance down and reload nginx, wait until the
// instance gets no new connection, POST /api/drain,
// SIGTERM, wait for exit 0, start it, mark it up and reload. No exchange may
// fail.
func TestNginxRollingRestart(t *testing.T) {
	bin := testenv.LookPath(t, "nginx", "nginx and libnginx-mod-stream")
	instances, _ := newInstances(t, 3)
	for _, in := range instances {
		in.start(t)
	}
	front := net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort(t)))
	n := startNginx(t, bin, nginxData{Listen: front, Servers: instances})

	client := probe(t, front)
	waitFor(t, 5*time.Second, "the client's address in an exchange log", func() bool { return servedBy(instances, client) != nil })

	load := loadgen.Start(loadgen.Config{Addr: front, Workers: 8, Body: "hello, world\n"})
	defer load.Stop()
	if !load.WaitOK(200, 10*time.Second) {
		t.Fatalf("no load through nginx: %v", load.Snapshot())
	}
	start := time.Now()
	for _, in := range instances {
		in.Down = true
		n.reload(t)
		in.waitIdle(t)
		in.drain(t)
		in.stop(t)
		in.start(t)
		in.Down = false
		n.reload(t)
		if !load.WaitOK(100, 10*time.Second) {
			t.Fatalf("load stalled after restarting %s: %v", in.Name, load.Snapshot())
		}
	}
	rolling := time.Since(start)
	res := load.Stop()
	t.Logf("rolling restart of 3 behind nginx in %v: %v", rolling.Round(time.Millisecond), res)
	if res.Failed > 0 || res.Refused > 0 || res.Unanswered > 0 || len(res.Statuses) > 0 {
		t.Errorf("lost exchanges: %v\n%s", res, strings.Join(res.Errors, "\n"))
	}
}

// TestNginxExampleIsValid checks tinyhttpd-stream.conf.example with nginx -t.
func TestNginxExampleIsValid(t *testing.T) {
	bin := testenv.LookPath(t, "nginx", "nginx and libnginx-mod-stream")
	dir := t.TempDir()
	example, err := os.ReadFile("nginx/tinyhttpd-stream.conf.example")
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "nginx.conf")
	os.WriteFile(filepath.Join(dir, "stream.conf"), example, 0o644)
	os.WriteFile(conf, []byte(mainConf(dir)), 0o644)
	if out, err := runOutput(bin, "-p", dir+"/", "-c", conf, "-e", "stderr", "-t"); err != nil {
		t.Errorf("nginx -t: %v\n%s", err, out)
	}
}
