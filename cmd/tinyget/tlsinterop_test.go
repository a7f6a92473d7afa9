package main

import (
	"bytes"
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestTLSFromNginx fetches from nginx with ssl_certificate through https://
// URLs: a large file (no half-close, so nginx sends it whole; its last
// bytes come with nginx's close_notify), a 404 with -f, the certificate
// checks, and nginx's close_notify in -v.
func TestTLSFromNginx(t *testing.T) {
	x := testenv.NewTLS(t)
	root := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 512<<10) // 8 MiB
	writeFile(t, filepath.Join(root, "big.bin"), string(big))
	writeFile(t, filepath.Join(root, "hello.txt"), "hello over TLS\n")
	prefix := t.TempDir()
	addr := runNginx(t, prefix, func(addr string) string {
		return nginxConf(prefix, root, addr, "ssl_certificate "+x.CertFile+";\n        ssl_certificate_key "+x.KeyFile+";\n        ssl_protocols TLSv1.2 TLSv1.3;")
	})
	_, port, _ := net.SplitHostPort(addr)

	r := tinyget("", "-sS", "--cacert", x.CAFile, "https://"+addr+"/big.bin")
	if r.code != 0 || r.stdout != string(big) {
		t.Errorf("big.bin: exit %d, %d bytes of %d; stderr %q", r.code, len(r.stdout), len(big), r.stderr)
	}
	r = tinyget("", "-v", "--cacert", x.CAFile, "https://localhost:"+port+"/hello.txt")
	for _, want := range []string{
		"* SSL connection using TLSv1.3 / TLS_",
		"*  subject: CN=localhost,O=tinyhttpd\n",
		"*  issuer: CN=tinyhttpd test CA,O=tinyhttpd\n",
		"> GET /hello.txt HTTP/1.1\n> Host: localhost:" + port + "\n",
		"* write side left open (no half-close)",
		"* TLSv1.3 (IN), TLS alert, close notify (256)\n* closed by the server with TLS close_notify after ",
	} {
		if r.code != 0 || r.stdout != "hello over TLS\n" || !strings.Contains(r.stderr, want) {
			t.Errorf("-v: exit %d, stdout %q, stderr %q lacks %q", r.code, r.stdout, r.stderr, want)
		}
	}
	if r := tinyget("", "-sf", "--cacert", x.CAFile, "https://"+addr+"/missing"); r.code != int(exitHTTPError) {
		t.Errorf("-f on a 404: %+v", r)
	}
	if r := tinyget("", "-s", "https://"+addr+"/hello.txt"); r.code != int(exitPeerVerification) {
		t.Errorf("without --cacert: %+v", r)
	}
	if r := tinyget("", "-s", "--tlsv1.2", "--cacert", x.CAFile, "-w", "%{http_code}", "https://"+addr+"/hello.txt"); r.code != 0 || r.stdout != "hello over TLS\n200" {
		t.Errorf("--tlsv1.2: %+v", r)
	}
}

// TestTLSFromSocat runs tinyget against socat's OPENSSL-LISTEN, whose
// program reads the request to its end: the end socat gives it when
// tinyget's close_notify arrives. The program then counts the bytes, and
// socat ends its own side with close_notify.
func TestTLSFromSocat(t *testing.T) {
	socat := testenv.LookPath(t, "socat", "socat")
	x := testenv.NewTLS(t)
	prog := `wc -c | { read n; printf 'HTTP/1.0 200 OK\r\n\r\nread %s bytes\n' "$n"; }`
	addr := startSocat(t, socat, func(port string) []string {
		return []string{"OPENSSL-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork,cert=" + x.CertFile + ",key=" + x.KeyFile + ",verify=0", "SYSTEM:" + prog}
	})
	r := tinyget("", "-v", "--cacert", x.CAFile, "-d", "ping", "tinys://"+addr+"/echo")
	sent := regexp.MustCompile(`Request completely sent off \((\d+) bytes\)`).FindStringSubmatch(r.stderr)
	if r.code != 0 || sent == nil || r.stdout != "read "+sent[1]+" bytes\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q: want the request's length back", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"(OUT), TLS alert, close notify (256)\n* write side closed with TLS close_notify",
		"(IN), TLS alert, close notify (256)\n* closed by the server with TLS close_notify",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q lacks %q", r.stderr, want)
		}
	}
	if r := tinyget("", "-s", "tinys://"+addr+"/echo"); r.code != int(exitPeerVerification) {
		t.Errorf("without --cacert: %+v", r)
	}
}

// startSocat runs socat with the arguments args returns for a free
// loopback port, and returns the address once socat listens; socat is
// killed when the test ends.
func startSocat(t *testing.T, socat string, args func(port string) []string) string {
	for range 3 { // the free port found may be taken before socat binds it
		addr := freePort(t)
		_, port, _ := net.SplitHostPort(addr)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := exec.CommandContext(ctx, socat, args(port)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			cancel()
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
				cancel()
				if t.Failed() {
					t.Logf("socat said: %s", stderr.String())
				}
			})
			return addr
		}
		cmd.Process.Kill()
		<-exited
		cancel()
		t.Logf("socat did not start: %s", stderr.String())
	}
	t.Fatal("socat did not start")
	return ""
}
