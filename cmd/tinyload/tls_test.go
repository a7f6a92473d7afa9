package main

import (
	"bytes"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
	"github.com/tinyhttpd/tinyhttpd/respond"
	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/server"
)

// tlsServer serves /hello over TLS with tinyhttpd's server and returns its
// address and certificates.
func tlsServer(t *testing.T) (string, *testenv.TLS) {
	t.Helper()
	x := testenv.NewTLS(t)
	return serveHello(t, x.ServerConfig(t)), x
}

// serveHello serves /hello over TLS with cfg, with tinyhttpd's server,
// and returns its address.
func serveHello(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	srv := &server.Server{TLSConfig: cfg, Logger: slog.New(slog.DiscardHandler)}
	tbl, err := respond.NewTable(&route.Routes{Routes: []route.Route{{Path: "/hello", Kind: route.KindBody, Body: "hello, world\n"}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.SetRoutes(tbl)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-errc; !errors.Is(err, server.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return l.Addr().String()
}

func TestTLSLoad(t *testing.T) {
	addr, x := tlsServer(t)
	r, code := runJSON(t, "-tls", "-cacert", x.CAFile, "-n", "40", "-c", "2", addr+"/hello")
	if code != exitOK || r.OK != 40 || r.TLS == nil {
		t.Fatalf("exit %d: %+v", code, r)
	}
	if r.TLS.Full+r.TLS.Resumed != 40 || r.TLS.Resumed == 0 || r.TLS.Version != "TLS 1.3" || r.TLS.CipherSuite == "" {
		t.Errorf("with resumption: %+v", *r.TLS)
	}

	r, code = runJSON(t, "-tls", "-insecure", "-resume=false", "-n", "20", "-c", "2", addr+"/hello")
	if code != exitOK || r.OK != 20 || r.TLS == nil || r.TLS.Full != 20 || r.TLS.Resumed != 0 {
		t.Fatalf("without resumption: exit %d: %+v %+v", code, r, r.TLS)
	}

	// Against the system's roots the test authority is unknown.
	r, code = runJSON(t, "-tls", "-n", "2", "-c", "1", addr+"/hello")
	if code != exitFailed || r.OK != 0 || r.ErrorsByClass["connect"] != 2 {
		t.Errorf("untrusted certificate: exit %d: %+v", code, r)
	}
}

// TestTLSServerName checks that the certificate is checked against the
// URL's host name, not the address it resolved to: this one is valid for
// localhost only.
func TestTLSServerName(t *testing.T) {
	x := testenv.NewTLS(t)
	pair := x.Issue(t, tlscert.Options{Hosts: []string{"localhost"}})
	cert, err := tls.X509KeyPair(pair.CertPEM, pair.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	addr := serveHello(t, &tls.Config{Certificates: []tls.Certificate{cert}})
	_, port, _ := net.SplitHostPort(addr)
	r, code := runJSON(t, "-tls", "-cacert", x.CAFile, "-n", "4", "-c", "2", "localhost:"+port+"/hello")
	if code != exitOK || r.OK != 4 {
		t.Errorf("by name: exit %d: %+v", code, r)
	}
	r, code = runJSON(t, "-tls", "-cacert", x.CAFile, "-n", "2", "-c", "1", addr+"/hello")
	if code != exitFailed || r.ErrorsByClass["connect"] != 2 {
		t.Errorf("by address, which the certificate is not valid for: exit %d: %+v", code, r)
	}
}

// TestTLSBadCACert checks that a -cacert that cannot be read, or holds no
// certificate, stops the run before any exchange, saying why.
func TestTLSBadCACert(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "notpem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		filepath.Join(dir, "nope.pem"): "tinyload: -cacert: cannot read " + filepath.Join(dir, "nope.pem") + ": no such file or directory\n",
		notPEM:                         "tinyload: -cacert: " + notPEM + " holds no PEM certificate\n",
	} {
		var out, errb bytes.Buffer
		code := run(t.Context(), []string{"-tls", "-cacert", file, "-n", "1", "127.0.0.1:1/"}, &out, &errb, false)
		if code != exitFailed || out.Len() != 0 || errb.String() != want {
			t.Errorf("-cacert %s: exit %d, stdout %q, stderr %q; want exit %d, stderr %q", file, code, out.String(), errb.String(), exitFailed, want)
		}
	}
}

func TestTLSFlagsNeedTLS(t *testing.T) {
	for _, args := range [][]string{
		{"-insecure", "127.0.0.1/"},
		{"-cacert", "ca.pem", "127.0.0.1/"},
		{"-resume=false", "127.0.0.1/"},
		{"-tls", "-insecure", "-cacert", "ca.pem", "127.0.0.1/"},
	} {
		if _, err := parseArgs(args); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}
