package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestFetchFromPythonHTTPServer fetches a file from `python3 -m
// http.server`, an ordinary HTTP server that replies and closes, through an
// http:// URL: tinyget must not half-close there and must get every byte.
func TestFetchFromPythonHTTPServer(t *testing.T) {
	python := testenv.LookPath(t, "python3", "python3")
	dir := t.TempDir()
	content := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), content, 0o644); err != nil {
		t.Fatal(err)
	}
	addr := startPythonHTTP(t, python, dir)

	var stdout, stderr bytes.Buffer
	if code := run([]string{"-sS", "http://" + addr + "/big.bin"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !bytes.Equal(stdout.Bytes(), content) {
		t.Errorf("got %d bytes, want the file's %d", stdout.Len(), len(content))
	}

	stdout.Reset()
	if code := run([]string{"-sf", "http://" + addr + "/missing"}, nil, &stdout, &stderr); code != 22 {
		t.Errorf("-f on a 404: exit %d", code)
	}
}

// startPythonHTTP starts `python3 -m http.server` serving dir on a
// loopback port, and returns its address; the process is killed when the
// test ends.
func startPythonHTTP(t *testing.T, python, dir string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	// Port 0: the server prints the port it bound.
	cmd := exec.CommandContext(ctx, python, "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, "0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		cancel()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("python3 -m http.server did not start: %v", err)
	}
	// "Serving HTTP on 127.0.0.1 port 43211 (http://127.0.0.1:43211/) ..."
	_, rest, ok := strings.Cut(line, "(http://")
	addr, _, _ := strings.Cut(rest, "/")
	if !ok || addr == "" {
		t.Fatalf("cannot find the address in %q", line)
	}
	return addr
}

// startNginx starts nginx in the foreground, as one process, with its own
// prefix, configuration and logs in a temporary directory, serving root on
// a loopback port and on a Unix domain socket. It returns the address and
// the socket's path; the process is killed when the test ends.
func startNginx(t *testing.T, root string) (addr, sock string) {
	prefix := t.TempDir()
	addr = runNginx(t, prefix, func(addr string) string { return nginxConf(prefix, root, addr, "") })
	return addr, filepath.Join(prefix, "nginx.sock")
}

// runNginx runs nginx with prefix and the configuration conf returns for a
// free loopback address, and returns that address once nginx listens.
func runNginx(t *testing.T, prefix string, conf func(addr string) string) string {
	nginx := testenv.LookPath(t, "nginx", "nginx")
	for _, d := range []string{"logs", "tmp"} {
		if err := os.Mkdir(filepath.Join(prefix, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return startListening(t, "nginx", func(addr string) *exec.Cmd {
		file := filepath.Join(prefix, "nginx.conf")
		if err := os.WriteFile(file, []byte(conf(addr)), 0o644); err != nil {
			t.Fatal(err)
		}
		return exec.Command(nginx, "-p", prefix, "-c", file, "-e", "stderr")
	})
}

// startListening runs the program that newCmd makes for a free loopback
// address, and returns the address once the program listens there; the
// program is killed when the test ends. It tries three addresses, since a
// free port found may be taken before the program binds it.
func startListening(t *testing.T, name string, newCmd func(addr string) *exec.Cmd) string {
	t.Helper()
	var lastErr string
	for range 3 {
		addr := freePort(t)
		cmd := newCmd(addr)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() {
			cmd.Wait()
			close(exited)
		}()
		if waitListening(addr, exited) {
			t.Cleanup(func() {
				cmd.Process.Kill()
				<-exited
				if t.Failed() {
					t.Logf("%s said: %s", name, stderr.String())
				}
			})
			return addr
		}
		cmd.Process.Kill()
		<-exited
		lastErr = stderr.String()
	}
	t.Fatalf("%s did not start: %s", name, lastErr)
	return ""
}

// nginxConf returns a configuration for one nginx process with everything
// under prefix: no daemon, no workers (so no user switch when root), pid,
// temporary files and logs in the prefix. /ssi/ runs the SSI filter, which
// drops Content-Length: nginx then sends HTTP/1.1 clients a chunked body.
// It also listens on prefix/nginx.sock; /old answers 301 to /big.bin and
// /again 302 to /old; text files are gzipped for clients that ask. With
// tls, nginx speaks TLS on addr: tls holds the ssl_certificate and
// ssl_certificate_key lines, and there is no socket.
func nginxConf(prefix, root, addr, tls string) string {
	listen := "listen " + addr + ";\n        listen unix:" + prefix + "/nginx.sock;"
	if tls != "" {
		listen = "listen " + addr + " ssl;\n        " + tls
	}
	return `daemon off;
master_process off;
pid ` + prefix + `/nginx.pid;
error_log stderr;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path ` + prefix + `/tmp/body;
    proxy_temp_path ` + prefix + `/tmp/proxy;
    fastcgi_temp_path ` + prefix + `/tmp/fastcgi;
    uwsgi_temp_path ` + prefix + `/tmp/uwsgi;
    scgi_temp_path ` + prefix + `/tmp/scgi;
    types { text/html html; text/plain txt; application/octet-stream bin; }
    gzip on;
    gzip_types text/plain;
    server {
        ` + listen + `
        root ` + root + `;
        location /ssi/ { ssi on; }
        location = /old { return 301 /big.bin; }
        location = /again { return 302 /old; }
    }
}
`
}

// freePort returns a loopback address that was free a moment ago.
func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitListening waits up to five seconds for addr to accept connections,
// and reports whether it did before exited was closed.
func waitListening(addr string, exited <-chan struct{}) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		select {
		case <-exited:
			return false
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// TestFetchFromNginx fetches from nginx through http:// URLs: a file
// larger than nginx delivers to a client that half-closes (DESIGN.md §8),
// a chunked reply, which tinyget decodes, and a 404.
func TestFetchFromNginx(t *testing.T) {
	root := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 512<<10) // 8 MiB
	page := []byte("<p>served through the SSI filter</p>\n")
	if err := os.WriteFile(filepath.Join(root, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "ssi"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "ssi", "page.html"), page, 0o644); err != nil {
		t.Fatal(err)
	}
	addr, _ := startNginx(t, root)

	var stdout, stderr bytes.Buffer
	if code := run([]string{"-sS", "http://" + addr + "/big.bin"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("big.bin: exit %d: %s", code, stderr.String())
	}
	if !bytes.Equal(stdout.Bytes(), big) {
		t.Errorf("big.bin: got %d bytes, want %d", stdout.Len(), len(big))
	}

	stdout.Reset()
	format := `\n%{http_code} %{http_version} %header{transfer-encoding} %{size_download}`
	if code := run([]string{"-sS", "-w", format, "http://" + addr + "/ssi/page.html"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("chunked page: exit %d: %s", code, stderr.String())
	}
	want := string(page) + "\n200 1.1 chunked " + strconv.Itoa(len(page))
	if stdout.String() != want {
		t.Errorf("chunked page: got %q, want %q", stdout.String(), want)
	}

	stdout.Reset()
	if code := run([]string{"-sS", "-0", "-w", format, "http://" + addr + "/ssi/page.html"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("page over HTTP/1.0: exit %d: %s", code, stderr.String())
	}
	if want := string(page) + "\n200 1.1  " + strconv.Itoa(len(page)); stdout.String() != want {
		t.Errorf("page over HTTP/1.0: got %q, want %q (no chunks: the body ends at close)", stdout.String(), want)
	}

	if code := run([]string{"-sf", "http://" + addr + "/missing"}, nil, io.Discard, &stderr); code != int(exitHTTPError) {
		t.Errorf("-f on a 404: exit %d", code)
	}
}
