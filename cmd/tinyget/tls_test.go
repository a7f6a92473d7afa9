package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

// tlsRequest is a request as serveTLS read it.
type tlsRequest struct {
	text       string // the header section
	halfClosed bool   // the client sent close_notify after it
}

// serveTLS starts a TLS server with cfg that reads each request's header
// section, writes reply, notes whether the client then sends close_notify
// (waiting a moment for it), and closes with close_notify, or with a bare
// FIN unless closeNotify.
func serveTLS(t *testing.T, cfg *tls.Config, reply string, closeNotify bool) (string, <-chan tlsRequest) {
	requests := make(chan tlsRequest, 10)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		tc := tls.Server(c, cfg)
		var head []byte
		buf := make([]byte, 4096)
		for !bytes.Contains(head, []byte("\r\n\r\n")) {
			n, err := tc.Read(buf)
			head = append(head, buf[:n]...)
			if err != nil && !bytes.Contains(head, []byte("\r\n\r\n")) {
				return
			}
		}
		io.WriteString(tc, reply)
		tc.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		_, err := tc.Read(buf)
		select { // a test that reads none must not stall the server
		case requests <- tlsRequest{text: string(head), halfClosed: err == io.EOF}:
		default:
		}
		if closeNotify {
			tc.Close()
		}
	})
	return addr, requests
}

// TestTLSAgainstTinyhttpd runs tinyget's TLS flags against a tinyhttpd
// server over TLS, and against test servers for what tinyhttpd cannot
// show: each exit code of TLS, and the output of -v.
func TestTLSAgainstTinyhttpd(t *testing.T) {
	x := testenv.NewTLS(t)
	dir := t.TempDir()
	addr := startTinyhttpdTLS(t, x.ServerConfig(t))
	_, port, _ := net.SplitHostPort(addr)

	// Mutual TLS: the server asks for a client certificate from the
	// test authority.
	mcfg := x.ServerConfig(t)
	mcfg.ClientAuth, mcfg.ClientCAs = tls.RequireAndVerifyClientCert, x.ClientConfig().RootCAs
	mutual := startTinyhttpdTLS(t, mcfg)
	clientPair := x.Issue(t, tlscert.Options{CommonName: "alice", Client: true})
	clientDir := filepath.Join(dir, "client")
	clientCert, clientKey, err := clientPair.Write(clientDir)
	if err != nil {
		t.Fatal(err)
	}
	both := filepath.Join(dir, "both.pem")
	testenv.WriteFile(t, both, string(clientPair.CertPEM)+string(clientPair.KeyPEM))

	// A server of TLS 1.2 only, and a plain tiny server.
	c12 := x.ServerConfig(t)
	c12.MaxVersion = tls.VersionTLS12
	tls12, _ := serveTLS(t, c12, "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n1.2", true)
	plain := startTinyhttpd(t)
	notTLS := serveNotTLS(t)

	caDir := filepath.Join(dir, "cas")
	testenv.WriteFile(t, filepath.Join(caDir, "a.pem"), string(x.CA.CertPEM))
	testenv.WriteFile(t, filepath.Join(dir, "notpem"), "not a certificate\n")
	spki := x.Server.Cert.RawSubjectPublicKeyInfo
	pin, otherPin := pinOf(spki), pinOf(x.CA.Cert.RawSubjectPublicKeyInfo)
	pubPEM := filepath.Join(dir, "pub.pem")
	testenv.WriteFile(t, pubPEM, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})))
	pubDER := filepath.Join(dir, "pub.der")
	testenv.WriteFile(t, pubDER, string(x.CA.Cert.RawSubjectPublicKeyInfo))

	url := "tinys://" + addr + "/hello"
	tests := []struct {
		name   string
		args   []string
		code   exitCode
		stdout string
		stderr string // in stderr
	}{
		{"--cacert", []string{"--cacert", x.CAFile, url}, exitOK, "hello, world\n", ""},
		{"--capath", []string{"--capath", caDir, url}, exitOK, "hello, world\n", ""},
		{"localhost, default half-close", []string{"--cacert", x.CAFile, "-w", "%{scheme} %{http_version}", "tinys://localhost:" + port + "/hello"}, exitOK, "hello, world\ntinys 1", ""},
		{"-k", []string{"-k", url}, exitOK, "hello, world\n", ""},
		{"--tlsv1.3", []string{"-v", "--tlsv1.3", "--cacert", x.CAFile, url}, exitOK, "hello, world\n", "* SSL connection using TLSv1.3 / TLS_"},
		{"--tlsv1.2", []string{"-v", "--tlsv1.2", "--cacert", x.CAFile, "tinys://" + tls12 + "/"}, exitOK, "1.2", "* SSL connection using TLSv1.2 / TLS_ECDHE_"},
		{"-v", []string{"-v", "--cacert", x.CAFile, url}, exitOK, "hello, world\n", "*  subject: CN=localhost,O=tinyhttpd\n"},
		{"-v issuer", []string{"-v", "--cacert", x.CAFile, url}, exitOK, "hello, world\n", "*  issuer: CN=tinyhttpd test CA,O=tinyhttpd\n*  SSL certificate verify ok.\n"},
		{"-v close_notify sent", []string{"-v", "--cacert", x.CAFile, url}, exitOK, "hello, world\n", " (OUT), TLS alert, close notify (256)\n* write side closed with TLS close_notify"},
		{"-v close_notify received", []string{"-v", "--cacert", x.CAFile, url}, exitOK, "hello, world\n", " (IN), TLS alert, close notify (256)\n* closed by the server with TLS close_notify after "},
		{"-v -k", []string{"-v", "-k", url}, exitOK, "hello, world\n", "*  SSL certificate not verified (-k)\n"},
		{"--resolve checks the URL's name", []string{"--cacert", x.CAFile, "--resolve", "localhost:" + port + ":127.0.0.1", "tinys://localhost:" + port + "/hello"}, exitOK, "hello, world\n", ""},
		{"--pinnedpubkey", []string{"--cacert", x.CAFile, "--pinnedpubkey", otherPin + ";" + pin, url}, exitOK, "hello, world\n", ""},
		{"--pinnedpubkey -k", []string{"-k", "--pinnedpubkey", pin, url}, exitOK, "hello, world\n", ""},
		{"--pinnedpubkey PEM file", []string{"--cacert", x.CAFile, "--pinnedpubkey", pubPEM, url}, exitOK, "hello, world\n", ""},
		{"--cert and --key", []string{"--cacert", x.CAFile, "--cert", clientCert, "--key", clientKey, "tinys://" + mutual + "/hello"}, exitOK, "hello, world\n", ""},
		{"-E with the key in the file", []string{"--cacert", x.CAFile, "-E", both, "tinys://" + mutual + "/hello"}, exitOK, "hello, world\n", ""},
		{"-k reads no --cacert", []string{"-k", "--cacert", filepath.Join(dir, "nope.pem"), url}, exitOK, "hello, world\n", ""},
		{"--cacert ignored for tiny://", []string{"--cacert", "/nonexistent", plain + "/hello"}, exitOK, "hello, world\n", ""},

		{"not trusted", []string{url}, exitPeerVerification, "", "(60) SSL certificate problem: x509: certificate signed by unknown authority"},
		{"name not in the certificate", []string{"--cacert", x.CAFile, "--resolve", "example.com:" + port + ":127.0.0.1", "tinys://example.com:" + port + "/hello"}, exitPeerVerification, "", "(60) SSL certificate problem: x509: certificate is valid for localhost, not example.com"},
		{"--capath without the authority", []string{"--capath", clientDir, url}, exitPeerVerification, "", "(60) "},
		{"server without TLS", []string{"--cacert", x.CAFile, "tinys://" + notTLS + "/hello"}, exitTLSConnect, "", "(35) TLS handshake with 127.0.0.1 port "},
		{"--tlsv1.3 and a server of 1.2", []string{"--tlsv1.3", "--cacert", x.CAFile, "tinys://" + tls12 + "/"}, exitTLSConnect, "", "(35) TLS handshake with 127.0.0.1 port "},
		{"--cert missing", []string{"--cacert", x.CAFile, "--cert", filepath.Join(dir, "nope.pem"), url}, exitCertProblem, "", "(58) could not load the client certificate: cannot read " + filepath.Join(dir, "nope.pem") + ": no such file or directory"},
		{"--cert without its key", []string{"--cacert", x.CAFile, "--cert", clientCert, url}, exitCertProblem, "", "(58) could not load the client certificate: "},
		{"--key not PEM", []string{"--cacert", x.CAFile, "--cert", clientCert, "--key", filepath.Join(dir, "notpem"), url}, exitCertProblem, "", "(58) "},
		{"--cacert missing", []string{"--cacert", filepath.Join(dir, "nope.pem"), url}, exitCACertFile, "", "(77) error setting certificate file: cannot read "},
		{"--cacert not PEM", []string{"--cacert", filepath.Join(dir, "notpem"), url}, exitCACertFile, "", "(77) error setting certificate file: " + filepath.Join(dir, "notpem") + " holds no PEM certificate"},
		{"--capath missing", []string{"--capath", filepath.Join(dir, "nope"), url}, exitPeerVerification, "", "Warning: --capath " + filepath.Join(dir, "nope") + ": cannot read it: no such file or directory; no authority taken from it\ntinyget: (60) "},
		{"--pinnedpubkey another key", []string{"--cacert", x.CAFile, "--pinnedpubkey", otherPin, url}, exitPinnedKey, "", "(90) SSL: public key does not match pinned public key"},
		{"--pinnedpubkey -k another key", []string{"-k", "--pinnedpubkey", otherPin, url}, exitPinnedKey, "", "(90) "},
		{"--pinnedpubkey DER file of another key", []string{"--cacert", x.CAFile, "--pinnedpubkey", pubDER, url}, exitPinnedKey, "", "(90) "},
		{"--pinnedpubkey bad hash", []string{"--cacert", x.CAFile, "--pinnedpubkey", "sha256//abc", url}, exitPinnedKey, "", `(90) --pinnedpubkey sha256//abc: "sha256//abc" is not sha256// and the base64 of a SHA-256 hash`},
		{"--pinnedpubkey not a key", []string{"--cacert", x.CAFile, "--pinnedpubkey", filepath.Join(dir, "notpem"), url}, exitPinnedKey, "", "(90) "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tinyget("", tt.args...)
			if r.code != int(tt.code) || r.stdout != tt.stdout || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr with %q", r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
			}
		})
	}

	t.Run("time_pretransfer counts the handshake", func(t *testing.T) {
		r := tinyget("", "-s", "-o", "/dev/null", "--cacert", x.CAFile, "-w", "%{time_connect} %{time_pretransfer}", url)
		var connect, pretransfer float64
		if _, err := fmt.Sscan(r.stdout, &connect, &pretransfer); err != nil || r.code != 0 || pretransfer <= connect {
			t.Errorf("%+v (%v): want time_pretransfer after time_connect", r, err)
		}
	})

	t.Run("mutual TLS without --cert", func(t *testing.T) {
		// Under TLS 1.3 the server's refusal comes after the client's
		// handshake is done: a failure to read the reply, as in curl.
		r := tinyget("", "--cacert", x.CAFile, "tinys://"+mutual+"/hello")
		if r.code != int(exitRecvError) && r.code != int(exitTLSConnect) || !strings.Contains(r.stderr, "certificate required") {
			t.Errorf("%+v", r)
		}
	})
}

// TestTLSServerFIN checks that -v says when a server ends a TLS reply with
// a bare FIN rather than close_notify, and that https:// does not
// half-close.
func TestTLSServerFIN(t *testing.T) {
	x := testenv.NewTLS(t)
	for _, closeNotify := range []bool{true, false} {
		addr, requests := serveTLS(t, x.ServerConfig(t), "HTTP/1.1 200 OK\r\n\r\nto the close\n", closeNotify)
		r := tinyget("", "-v", "--cacert", x.CAFile, "https://"+addr+"/")
		if r.code != 0 || r.stdout != "to the close\n" {
			t.Fatalf("%+v", r)
		}
		want := "closed by the server with TLS close_notify"
		if !closeNotify {
			want = "without a TLS close_notify: a bare FIN"
		}
		if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "write side left open") {
			t.Errorf("close_notify %v: stderr %q lacks %q", closeNotify, r.stderr, want)
		}
		if req := <-requests; req.halfClosed || !strings.HasPrefix(req.text, "GET / HTTP/1.1\r\n") {
			t.Errorf("server read %+v", req)
		}
	}
}

// TestParsePins checks --pinnedpubkey's forms.
func TestParsePins(t *testing.T) {
	x := testenv.NewTLS(t)
	spki, err := x509.MarshalPKIXPublicKey(x.Server.Key.Public())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(spki)
	b64 := base64.StdEncoding.EncodeToString(sum[:])
	pins, err := parsePins("sha256//" + b64 + ";sha256//" + b64)
	if err != nil || len(pins) != 2 || pins[0] != sum {
		t.Errorf("hashes: %v, %v", pins, err)
	}
	for _, bad := range []string{"sha256//", "sha256//" + b64 + ";", "sha1//" + b64, "sha256//" + b64[:10]} {
		if _, err := parsePins(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, err := parsePins(filepath.Join(t.TempDir(), "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// pinOf returns a public key's hash as --pinnedpubkey takes it:
// sha256//BASE64.
func pinOf(spki []byte) string {
	sum := sha256.Sum256(spki)
	return "sha256//" + base64.StdEncoding.EncodeToString(sum[:])
}

// serveNotTLS starts a plain server that answers at once, as tinyhttpd
// would only after its read timeout: it waits for the EOF that a
// handshake never sends.
func serveNotTLS(t *testing.T) string {
	return testenv.Serve(t, func(c *net.TCPConn) {
		io.WriteString(c, "HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
	})
}
