package reload

import (
	"crypto/tls"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
	"github.com/tinyhttpd/tinyhttpd/server"
)

// TestReloadCertificate checks that a reload swaps in a good new pair and
// keeps the current one, saying why, when the files are bad; the routes
// reload on their own.
func TestReloadCertificate(t *testing.T) {
	x := testenv.NewTLS(t)
	store, err := tlscert.NewStore("protocol", x.CertFile, x.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{}
	r := &Reloader{Server: srv, Certs: []*tlscert.Store{store}, Logger: slog.New(slog.DiscardHandler)}
	current := func() *tls.Certificate { c, _ := store.GetCertificate(nil); return c }
	first := current()

	next := x.Issue(t, tlscert.Options{Hosts: tlscert.LocalHosts, CommonName: "next"})
	write := func(name string, data []byte) {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(x.CertFile, next.CertPEM)
	write(x.KeyFile, next.KeyPEM)
	if err := r.Reload("test"); err != nil {
		t.Fatal(err)
	}
	second := current()
	if second == first || second.Leaf.Subject.CommonName != "next" {
		t.Fatalf("after a good reload: %v", second.Leaf.Subject)
	}

	write(x.KeyFile, x.Server.KeyPEM) // the old key: no longer the pair
	err = r.Reload("test")
	if err == nil || !strings.Contains(err.Error(), "protocol TLS certificate") || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("bad pair: %v", err)
	}
	if current() != second {
		t.Error("a bad pair replaced the certificate")
	}
	if srv.Routes() == nil {
		t.Error("the routes were not reloaded beside the bad certificate")
	}
	if ok, failed := r.Counts(); ok != 1 || failed != 1 {
		t.Errorf("counts %d ok, %d failed", ok, failed)
	}
}
