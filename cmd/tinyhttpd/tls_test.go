package main

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

const testToken = "tls-test-token"

// tlsRoutes writes a routes file with a quick, a slow and a reset route.
func tlsRoutes(t *testing.T) string {
	t.Helper()
	return writeRoutes(t, t.TempDir(), `"hi\n"`, "  - path: /reset\n    fault: reset\n")
}

// tlsDial connects to addr over TLS, the handshake done.
func tlsDial(t *testing.T, addr string, cfg *tls.Config) (*tls.Conn, *net.TCPConn) {
	t.Helper()
	raw, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	raw.SetDeadline(time.Now().Add(10 * time.Second))
	c := tls.Client(raw, cfg)
	if err := c.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	return c, raw.(*net.TCPConn)
}

// tlsExchange makes one exchange over TLS: the request, close_notify, the
// reply to the server's close_notify.
func tlsExchange(t *testing.T, addr string, cfg *tls.Config, req string) string {
	t.Helper()
	c, _ := tlsDial(t, addr, cfg)
	io.WriteString(c, req)
	c.CloseWrite()
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading reply: %v (got %q)", err, b)
	}
	return string(b)
}

func tlsEnv(x *testenv.TLS) []string {
	return []string{"TINYHTTPD_TLS_CERT=" + x.CertFile, "TINYHTTPD_TLS_KEY=" + x.KeyFile}
}

func TestGenCert(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	var out, errOut bytes.Buffer
	if code := run([]string{"-gen-cert", dir}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if !strings.Contains(out.String(), "TINYHTTPD_TLS_CERT="+certFile+" TINYHTTPD_TLS_KEY="+keyFile+" tinyhttpd") {
		t.Errorf("output: %s", out.String())
	}
	cert, err := tlscert.Load(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range tlscert.LocalHosts {
		if err := cert.Leaf.VerifyHostname(h); err != nil {
			t.Errorf("not valid for %s: %v", h, err)
		}
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, %v", fi.Mode(), err)
	}
	errOut.Reset()
	if code := run([]string{"-gen-cert", dir}, &out, &errOut); code != exitFailed || !strings.Contains(errOut.String(), "exists") {
		t.Errorf("over existing files: exit %d, %s", code, errOut.String())
	}
}

// TestTLSDaemon runs tinyhttpd with TLS on both listeners and checks the
// exchange's ends, the admin endpoint over HTTPS, the certificate's reload
// and the handshake failures' metric.
func TestTLSDaemon(t *testing.T) {
	x := testenv.NewTLS(t)
	d := startDaemon(t, append(tlsEnv(x), "TINYHTTPD_ROUTES="+tlsRoutes(t), "TINYHTTPD_READ_TIMEOUT=500ms",
		"TINYHTTPD_MAX_REQUEST_BYTES=1KiB", "TINYHTTPD_ADMIN_TOKEN="+testToken,
		"TINYHTTPD_ADMIN_TLS_CERT="+x.CertFile, "TINYHTTPD_ADMIN_TLS_KEY="+x.KeyFile)...)
	if !strings.Contains(d.logs.String(), "tls=on admin_tls=on") {
		t.Errorf("start line: %s", d.logs.String())
	}
	cfg := x.ClientConfig()
	if r := tlsExchange(t, d.addr, cfg, "GET /hello\n"); !strings.HasSuffix(r, "\r\n\r\nhi\n") {
		t.Errorf("exchange: %q", r)
	}
	if r := tlsExchange(t, d.addr, cfg, "GET /hello\n"+strings.Repeat("x", 2000)); !strings.HasPrefix(r, "HTTP/1.0 413 ") {
		t.Errorf("too large: %q", r)
	}

	c, raw := tlsDial(t, d.addr, cfg)
	io.WriteString(c, "GET /hello\n")
	raw.CloseWrite() // a bare FIN
	if b, _ := io.ReadAll(c); !bytes.HasPrefix(b, []byte("HTTP/1.0 400 ")) || !bytes.Contains(b, []byte("close_notify")) {
		t.Errorf("bare FIN: %q", b)
	}

	c, _ = tlsDial(t, d.addr, cfg)
	io.WriteString(c, "GET /hello\n") // and no close_notify
	if b, _ := io.ReadAll(c); !bytes.HasPrefix(b, []byte("HTTP/1.0 408 ")) {
		t.Errorf("no close_notify: %q", b)
	}
	c.CloseWrite()

	c, _ = tlsDial(t, d.addr, cfg)
	io.WriteString(c, "GET /reset\n")
	c.CloseWrite()
	if _, err := io.ReadAll(c); err == nil {
		t.Error("reset fault: clean end")
	}

	exchange(t, d.addr, "GET /hello\n") // clear text: the handshake fails

	admin := &http.Client{Transport: &http.Transport{TLSClientConfig: x.ClientConfig()}, Timeout: 10 * time.Second}
	defer admin.CloseIdleConnections()
	get := func(path string) string {
		t.Helper()
		res, err := admin.Get("https://" + d.adminAddr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("never: %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("the failed handshake in /metrics", func() bool {
		return strings.Contains(get("/metrics"), `tinyhttpd_exchanges_total{end="tls_handshake"} 1`)
	})
	if m := get("/metrics"); !strings.Contains(m, `tinyhttpd_tls_certificate_expiry_timestamp_seconds{listener="protocol"}`) ||
		!strings.Contains(m, `tinyhttpd_tls_certificate_expiry_timestamp_seconds{listener="admin"}`) {
		t.Error("no certificate expiry metrics")
	}

	// A bad pair is kept out, with its reason; a good one is taken.
	os.WriteFile(x.CertFile, []byte("garbage"), 0o644)
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, d, "keeping the current routes and certificates")
	if r := tlsExchange(t, d.addr, cfg, "GET /hello\n"); !strings.HasSuffix(r, "\r\n\r\nhi\n") {
		t.Errorf("after a bad reload: %q", r)
	}
	next := x.Issue(t, tlscert.Options{Hosts: tlscert.LocalHosts, CommonName: "next"})
	os.WriteFile(x.CertFile, next.CertPEM, 0o644)
	os.WriteFile(x.KeyFile, next.KeyPEM, 0o600)
	reload := func(origin string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", "https://"+d.adminAddr+"/api/reload", nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Origin", origin) // as the dashboard's button sends it
		res, err := admin.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if code, body := reload("http://" + d.adminAddr); code != 403 {
		t.Errorf("reload from an http origin over https: %d %s", code, body)
	}
	if code, body := reload("https://" + d.adminAddr); code != 200 || !strings.Contains(body, `"certificates": 2`) {
		t.Errorf("reload: %d %s", code, body)
	}
	c, _ = tlsDial(t, d.addr, cfg)
	if cn := c.ConnectionState().PeerCertificates[0].Subject.CommonName; cn != "next" {
		t.Errorf("certificate after reload: CN %q", cn)
	}
}

// TestTLSBehindProxyProtocol checks the PROXY protocol in front of TLS:
// the header in clear, then the handshake, and the client's address from
// the header in the log.
func TestTLSBehindProxyProtocol(t *testing.T) {
	x := testenv.NewTLS(t)
	d := startDaemon(t, append(tlsEnv(x), "TINYHTTPD_PROXY_PROTOCOL=true", "TINYHTTPD_PROXY_PROTOCOL_FROM=127.0.0.1")...)
	raw, err := net.DialTimeout("tcp", d.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(raw, "PROXY TCP4 192.0.2.7 127.0.0.1 5555 7070\r\n")
	c := tls.Client(raw, x.ClientConfig())
	io.WriteString(c, "GET /hello\n")
	c.CloseWrite()
	if b, err := io.ReadAll(c); err != nil || !bytes.HasSuffix(b, []byte("\r\n\r\nhello, world\n")) {
		t.Errorf("reply %q, %v", b, err)
	}
	waitLog(t, d, "remote=192.0.2.7:5555 method=GET path=/hello")
}

func TestMutualTLSDaemon(t *testing.T) {
	x := testenv.NewTLS(t)
	d := startDaemon(t, append(tlsEnv(x), "TINYHTTPD_TLS_CLIENT_CA="+x.CAFile)...)
	client := x.Issue(t, tlscert.Options{CommonName: "bob", Client: true})
	kp, err := tls.X509KeyPair(client.CertPEM, client.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	cfg := x.ClientConfig()
	cfg.Certificates = []tls.Certificate{kp}
	if r := tlsExchange(t, d.addr, cfg, "GET /hello\n"); !strings.HasPrefix(r, "HTTP/1.0 200 ") {
		t.Errorf("with a client certificate: %q", r)
	}
	waitLog(t, d, `client_subject="CN=bob,O=tinyhttpd"`)
	if !strings.Contains(d.logs.String(), "tls=mutual") {
		t.Errorf("start line: %s", d.logs.String())
	}
}

func TestTLSSIGTERMAnswersAcceptedExchanges(t *testing.T) {
	x := testenv.NewTLS(t)
	d := startDaemon(t, append(tlsEnv(x), "TINYHTTPD_ROUTES="+tlsRoutes(t))...)
	checkSIGTERMAnswersAccepted(t, d, func() halfCloser {
		c, _ := tlsDial(t, d.addr, x.ClientConfig())
		return c
	})
}

func TestStartFailsOnBadCertificate(t *testing.T) {
	x := testenv.NewTLS(t)
	cmd := command(t, []string{"-check"}, "TINYHTTPD_TLS_CERT="+x.KeyFile, "TINYHTTPD_TLS_KEY="+x.KeyFile)
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != exitConfig || !strings.Contains(string(out), "TINYHTTPD_TLS_CERT") {
		t.Errorf("exit %d: %s", code, out)
	}
}

func TestAdminTLSWarning(t *testing.T) {
	base := config.Settings{AdminAddr: "0.0.0.0:7071", AdminToken: "t"}
	if adminTLSWarning(base) == "" {
		t.Error("no warning beyond loopback with a token and no TLS")
	}
	for name, s := range map[string]config.Settings{
		"loopback":  {AdminAddr: "127.0.0.1:7071", AdminToken: "t"},
		"admin TLS": {AdminAddr: "0.0.0.0:7071", AdminToken: "t", AdminTLSCert: "c", AdminTLSKey: "k"},
		"disabled":  {AdminAddr: "", AdminToken: "t"},
	} {
		if w := adminTLSWarning(s); w != "" {
			t.Errorf("%s: warning %q", name, w)
		}
	}
}

// TestTLSInterop has real TLS peers make the exchange: socat's OPENSSL
// address sends close_notify at the end of its input and reads on; with
// shut-down it sends a bare FIN instead, the truncation case. openssl
// s_client sends close_notify at the end of input only with -no_ign_eof,
// and then stops reading: the server's log shows the exchange; without it,
// it never ends the request and reads the 408.
func TestTLSInterop(t *testing.T) {
	x := testenv.NewTLS(t)
	d := startDaemon(t, append(tlsEnv(x), "TINYHTTPD_READ_TIMEOUT=1s")...)
	t.Run("socat", func(t *testing.T) {
		socat := testenv.LookPath(t, "socat", "socat")
		out := runTool(t, socat, "POST /echo\n\nping over TLS", "-t", "5", "-", "OPENSSL:"+d.addr+",cafile="+x.CAFile)
		checkComplete(t, out, "ping over TLS")
		out = runTool(t, socat, "GET /hello\n", "-t", "5", "-", "OPENSSL:"+d.addr+",verify=0,shut-down")
		if !strings.HasPrefix(out, "HTTP/1.0 400 ") || !strings.Contains(out, "without a TLS close_notify") {
			t.Errorf("shut-down: %q", out)
		}
	})
	t.Run("openssl s_client", func(t *testing.T) {
		openssl := testenv.LookPath(t, "openssl", "openssl")
		runTool(t, openssl, "GET /hello?from=s_client\n", "s_client", "-quiet", "-no_ign_eof", "-CAfile", x.CAFile, "-connect", d.addr)
		waitLog(t, d, `path="/hello?from=s_client" route=/hello status=200`)
		out := runTool(t, openssl, "GET /hello\n", "s_client", "-quiet", "-CAfile", x.CAFile, "-connect", d.addr)
		if !strings.HasPrefix(out, "HTTP/1.0 408 ") || !strings.Contains(out, "close_notify") {
			t.Errorf("without close_notify: %q", out)
		}
	})
}

// runTool runs a program with input on its standard input, within 15 s,
// and returns its standard output.
func runTool(t *testing.T, path, input string, args ...string) string {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Stdin = strings.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	done := time.AfterFunc(15*time.Second, func() { cmd.Process.Kill() })
	defer done.Stop()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(path), strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
