package tlscert

import (
	"crypto/x509"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadChain checks that a certificate file holding the leaf and its
// intermediate loads, leaf first, and verifies up to the root.
func TestLoadChain(t *testing.T) {
	root, err := SelfSigned(Options{CommonName: "root", IsCA: true})
	if err != nil {
		t.Fatal(err)
	}
	mid, err := SelfSigned(Options{CommonName: "intermediate", IsCA: true, Parent: root.Cert, ParentKey: root.Key})
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := SelfSigned(Options{Hosts: LocalHosts, Parent: mid.Cert, ParentKey: mid.Key})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "chain.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, append(append([]byte{}, leaf.CertPEM...), mid.CertPEM...), 0o644)
	os.WriteFile(keyFile, leaf.KeyPEM, 0o600)
	s, err := NewStore("protocol", certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := s.GetCertificate(nil)
	if len(cert.Certificate) != 2 || s.Leaf().Subject.CommonName != "localhost" {
		t.Fatalf("chain of %d, leaf %v", len(cert.Certificate), s.Leaf().Subject)
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root.Cert)
	inter.AddCert(mid.Cert)
	if _, err := s.Leaf().Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: "127.0.0.1"}); err != nil {
		t.Errorf("verify: %v", err)
	}
	if info := s.Info(); info.Issuer != "CN=intermediate,O=tinyhttpd" || info.Listener != "protocol" {
		t.Errorf("info %+v", info)
	}
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	if _, err := Load(missing, missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing: %v", err)
	}
	p, err := SelfSigned(Options{Hosts: LocalHosts})
	if err != nil {
		t.Fatal(err)
	}
	certFile, _, err := p.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var re *ReadError
	if _, err := Load(certFile, missing); !errors.As(err, &re) || re.File != missing || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing key: %v, want a *ReadError for %s", err, missing)
	}
	if _, err := LoadPool(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing pool: %v", err)
	}
}

func TestWriteRefusesToOverwrite(t *testing.T) {
	p, err := SelfSigned(Options{Hosts: LocalHosts})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, _, err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "key.pem"))
	if _, _, err := p.Write(dir); err == nil || !strings.Contains(err.Error(), "cert.pem exists") {
		t.Errorf("over cert.pem: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "key.pem")); err == nil {
		t.Error("a key was written beside a certificate kept")
	}
}
