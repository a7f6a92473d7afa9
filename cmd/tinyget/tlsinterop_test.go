package main

import (
	"bytes"
	"crypto/tls"
	"encoding/pem"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

// TestTLSFromNginx fetches from nginx with ssl_certificate through https://
// URLs: a large file (no half-close, so nginx sends it whole; its last
// bytes come with nginx's close_notify), a 404 with -f, the certificate
// checks, and nginx's close_notify in -v.
func TestTLSFromNginx(t *testing.T) {
	x := testenv.NewTLS(t)
	root := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 512<<10) // 8 MiB
	testenv.WriteFile(t, filepath.Join(root, "big.bin"), string(big))
	testenv.WriteFile(t, filepath.Join(root, "hello.txt"), "hello over TLS\n")
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
	return startListening(t, "socat", func(addr string) *exec.Cmd {
		_, port, _ := net.SplitHostPort(addr)
		return exec.Command(socat, args(port)...)
	})
}

// TestCurlDiffTLS runs curl and tinyget with the same TLS flags against
// the same https:// servers, trusting the same test authority, and
// compares their exit codes and stdout: 35, 58, 60, 77 and 90 must be
// curl's.
func TestCurlDiffTLS(t *testing.T) {
	curl := testenv.LookPath(t, "curl", "curl")
	x := testenv.NewTLS(t)
	dir := t.TempDir()
	const reply = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
	good, _ := serveTLS(t, x.ServerConfig(t), reply, true)
	_, port, _ := net.SplitHostPort(good)

	c12 := x.ServerConfig(t)
	c12.MaxVersion = tls.VersionTLS12
	tls12, _ := serveTLS(t, c12, reply, true)

	mutualCfg := func(max uint16) *tls.Config {
		c := x.ServerConfig(t)
		c.MaxVersion = max
		c.ClientAuth, c.ClientCAs = tls.RequireAndVerifyClientCert, x.ClientConfig().RootCAs
		return c
	}
	mutual, _ := serveTLS(t, mutualCfg(tls.VersionTLS13), reply, true)
	mutual12, _ := serveTLS(t, mutualCfg(tls.VersionTLS12), reply, true)

	old := x.Issue(t, tlscert.Options{Hosts: tlscert.LocalHosts, NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
	oldPair, err := tls.X509KeyPair(old.CertPEM, old.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	expired, _ := serveTLS(t, &tls.Config{Certificates: []tls.Certificate{oldPair}}, reply, true)

	notTLS := serveNotTLS(t)
	silent := testenv.Serve(t, func(c *net.TCPConn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.Copy(io.Discard, c)
	})

	clientPair := x.Issue(t, tlscert.Options{CommonName: "alice", Client: true})
	clientCert, clientKey, err := clientPair.Write(filepath.Join(dir, "client"))
	if err != nil {
		t.Fatal(err)
	}
	testenv.WriteFile(t, filepath.Join(dir, "notpem"), "not a certificate\n")
	pin, otherPin := pinOf(x.Server.Cert.RawSubjectPublicKeyInfo), pinOf(x.CA.Cert.RawSubjectPublicKeyInfo)
	pubPEM := filepath.Join(dir, "pub.pem")
	testenv.WriteFile(t, pubPEM, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: x.Server.Cert.RawSubjectPublicKeyInfo})))

	ca := x.CAFile
	tests := []struct {
		name string
		args []string
	}{
		{"--cacert", []string{"--cacert", ca, "https://" + good + "/"}},
		{"--cacert, by name", []string{"--cacert", ca, "https://localhost:" + port + "/"}},
		{"not trusted", []string{"https://" + good + "/"}},
		{"-k", []string{"-k", "https://" + good + "/"}},
		{"--insecure -w", []string{"--insecure", "-w", "%{http_code}", "https://" + good + "/"}},
		{"--resolve to a name not in the certificate", []string{"--cacert", ca, "--resolve", "example.com:" + port + ":127.0.0.1", "https://example.com:" + port + "/"}},
		{"--resolve to a name in the certificate", []string{"--cacert", ca, "--resolve", "localhost:" + port + ":127.0.0.1", "https://localhost:" + port + "/"}},
		{"expired", []string{"--cacert", ca, "https://" + expired + "/"}},
		{"expired -k", []string{"-k", "https://" + expired + "/"}},
		{"--cacert missing", []string{"--cacert", filepath.Join(dir, "nope.pem"), "https://" + good + "/"}},
		{"--cacert not PEM", []string{"--cacert", filepath.Join(dir, "notpem"), "https://" + good + "/"}},
		{"--capath missing", []string{"--capath", filepath.Join(dir, "nope"), "https://" + good + "/"}},
		{"--cert missing", []string{"--cacert", ca, "--cert", filepath.Join(dir, "nope.pem"), "https://" + mutual + "/"}},
		{"--cert without its key", []string{"--cacert", ca, "--cert", clientCert, "https://" + mutual + "/"}},
		{"--key not PEM", []string{"--cacert", ca, "--cert", clientCert, "--key", filepath.Join(dir, "notpem"), "https://" + mutual + "/"}},
		{"--cert and --key", []string{"--cacert", ca, "--cert", clientCert, "--key", clientKey, "https://" + mutual + "/"}},
		{"-E and --key, TLS 1.2", []string{"--cacert", ca, "-E", clientCert, "--key", clientKey, "https://" + mutual12 + "/"}},
		{"no client certificate, TLS 1.2", []string{"--cacert", ca, "https://" + mutual12 + "/"}},
		{"--tlsv1.2 and a server of 1.2", []string{"--tlsv1.2", "--cacert", ca, "https://" + tls12 + "/"}},
		{"--tlsv1.3 and a server of 1.2", []string{"--tlsv1.3", "--cacert", ca, "https://" + tls12 + "/"}},
		{"--tlsv1.3", []string{"--tlsv1.3", "--cacert", ca, "https://" + good + "/"}},
		{"a server without TLS", []string{"--cacert", ca, "https://" + notTLS + "/"}},
		{"--connect-timeout and a server that never answers the handshake", []string{"--cacert", ca, "--connect-timeout", "0.3", "https://" + silent + "/"}},
		{"--pinnedpubkey", []string{"--cacert", ca, "--pinnedpubkey", pin, "https://" + good + "/"}},
		{"--pinnedpubkey, several", []string{"--cacert", ca, "--pinnedpubkey", otherPin + ";" + pin, "https://" + good + "/"}},
		{"--pinnedpubkey PEM file", []string{"--cacert", ca, "--pinnedpubkey", pubPEM, "https://" + good + "/"}},
		{"--pinnedpubkey another key", []string{"--cacert", ca, "--pinnedpubkey", otherPin, "https://" + good + "/"}},
		{"--pinnedpubkey another key -k", []string{"-k", "--pinnedpubkey", otherPin, "https://" + good + "/"}},
		{"--pinnedpubkey bad hash", []string{"--cacert", ca, "--pinnedpubkey", "sha256//abc", "https://" + good + "/"}},
		{"--pinnedpubkey missing file", []string{"--cacert", ca, "--pinnedpubkey", filepath.Join(dir, "nope.pem"), "https://" + good + "/"}},
		{"--cacert and http://", []string{"--cacert", filepath.Join(dir, "nope.pem"), "-o", "/dev/null", "-w", "%{http_code}", "http://" + notTLS + "/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-s"}, tt.args...)
			got := tinyget("", args...)
			code, stdout, stderr := runCurl(t, curl, args, t.TempDir(), "")
			if got.code != code || got.stdout != stdout {
				t.Errorf("%q: tinyget exit %d, stdout %q; curl exit %d, stdout %q (curl said %q)", args, got.code, got.stdout, code, stdout, stderr)
			}
			if got.code == 0 && !strings.Contains(tt.name, "http://") && got.stdout == "" {
				t.Errorf("%q: no body", args)
			}
		})
	}
}
