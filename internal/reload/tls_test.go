package reload

import (
	"crypto/tls"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
	"github.com/tinyhttpd/tinyhttpd/server"
)

// TestReloadCertificate checks that a reload swaps in a good new pair and
// keeps the current one, saying why, when the files are bad; and that a
// reload is whole: a bad certificate keeps the new routes out, and bad
// routes the new certificate.
func TestReloadCertificate(t *testing.T) {
	x := testenv.NewTLS(t)
	store, err := tlscert.NewStore("protocol", x.CertFile, x.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	routes := filepath.Join(t.TempDir(), "routes.yaml")
	write := func(name string, data []byte) {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(routes, []byte("routes:\n  - path: /a\n    body: a\n"))
	srv := &server.Server{}
	r := &Reloader{Server: srv, File: routes, Certs: []*tlscert.Store{store}, Logger: slog.New(slog.DiscardHandler)}
	current := func() *tls.Certificate { c, _ := store.GetCertificate(nil); return c }
	first := current()

	next := x.Issue(t, tlscert.Options{Hosts: tlscert.LocalHosts, CommonName: "next"})
	write(x.CertFile, next.CertPEM)
	write(x.KeyFile, next.KeyPEM)
	if err := r.Reload("test"); err != nil {
		t.Fatal(err)
	}
	second, table := current(), srv.Routes()
	if second == first || second.Leaf.Subject.CommonName != "next" {
		t.Fatalf("after a good reload: %v", second.Leaf.Subject)
	}

	write(routes, []byte("routes:\n  - path: /b\n    body: b\n"))
	write(x.KeyFile, x.Server.KeyPEM) // the old key: no longer the pair
	err = r.Reload("test")
	if err == nil || !strings.Contains(err.Error(), "protocol TLS certificate") || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("bad pair: %v", err)
	}
	if current() != second {
		t.Error("a bad pair replaced the certificate")
	}
	if srv.Routes() != table {
		t.Error("good routes were swapped in beside a bad certificate")
	}

	write(x.KeyFile, next.KeyPEM)
	write(routes, []byte("routes:\n  - path: /b\n    nope: b\n"))
	write(x.CertFile, x.Server.CertPEM)
	write(x.KeyFile, x.Server.KeyPEM)
	err = r.Reload("test")
	if err == nil || !strings.Contains(err.Error(), "routes.yaml:3:5:") || strings.Contains(err.Error(), "TLS certificate") {
		t.Fatalf("bad routes, good pair: %v", err)
	}
	if current() != second || srv.Routes() != table {
		t.Error("a good pair was swapped in beside bad routes")
	}
	if ok, failed := r.Counts(); ok != 1 || failed != 2 {
		t.Errorf("counts %d ok, %d failed", ok, failed)
	}
}
