package testenv

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

// TLS is a certificate authority made for one test, with a server
// certificate for 127.0.0.1, ::1 and localhost that it signed, written to
// files in a temporary directory.
type TLS struct {
	CA, Server        *tlscert.Pair
	CAFile            string // the authority's certificate
	CertFile, KeyFile string // the server's certificate and key
}

// NewTLS makes a TLS for t; nothing outlives the test.
func NewTLS(t testing.TB) *TLS {
	t.Helper()
	ca, err := tlscert.SelfSigned(tlscert.Options{CommonName: "tinyhttpd test CA", IsCA: true})
	if err != nil {
		t.Fatal(err)
	}
	x := &TLS{CA: ca}
	x.Server = x.Issue(t, tlscert.Options{Hosts: tlscert.LocalHosts})
	dir := t.TempDir()
	x.CertFile, x.KeyFile, err = x.Server.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	x.CAFile = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(x.CAFile, ca.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return x
}

// Issue makes a certificate signed by the test authority.
func (x *TLS) Issue(t testing.TB, o tlscert.Options) *tlscert.Pair {
	t.Helper()
	o.Parent, o.ParentKey = x.CA.Cert, x.CA.Key
	p, err := tlscert.SelfSigned(o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// ServerConfig returns a server configuration presenting the server
// certificate.
func (x *TLS) ServerConfig(t testing.TB) *tls.Config {
	t.Helper()
	cert, err := tls.X509KeyPair(x.Server.CertPEM, x.Server.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
}

// ClientConfig returns a client configuration that trusts the authority.
func (x *TLS) ClientConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(x.CA.Cert)
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}
