// Package tlscert holds the certificates tinyhttpd's TLS listeners present:
// a certificate and key read from PEM files, swapped atomically when they
// are read again (SIGHUP, POST /api/reload) and kept when the new pair is
// bad; the client CA pool for mutual TLS; and self-signed pairs for trying
// TLS out and for tests.
package tlscert

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/fileerr"
	"github.com/tinyhttpd/tinyhttpd/internal/regfile"
)

// Load reads a certificate chain and its private key from PEM files, as
// tls.LoadX509KeyPair does, and checks that the chain's first certificate
// (the leaf) parses and matches the key. Errors name the file at fault.
func Load(certFile, keyFile string) (*tls.Certificate, error) {
	var pem [2][]byte
	for i, f := range []string{certFile, keyFile} {
		data, err := regfile.Read(f, maxPEMSize)
		switch {
		case err != nil:
			return nil, &ReadError{File: f, Err: fileerr.Cause(err)}
		case len(data) > maxPEMSize:
			return nil, &ReadError{File: f, Err: fmt.Errorf("larger than %d bytes", maxPEMSize)}
		}
		pem[i] = data
	}
	cert, err := tls.X509KeyPair(pem[0], pem[1])
	if err != nil {
		return nil, fmt.Errorf("%s and %s are not a certificate and its key: %w", certFile, keyFile, fileerr.Cause(err))
	}
	if cert.Leaf == nil {
		leaf, err := x509.ParseCertificate(cert.Certificate[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", certFile, err)
		}
		cert.Leaf = leaf
	}
	return &cert, nil
}

// ReadError is Load's error for a file it cannot read, which names the
// file: the certificate's or the key's.
type ReadError struct {
	File string
	Err  error
}

func (e *ReadError) Error() string { return "cannot read " + e.File + ": " + e.Err.Error() }

// Unwrap returns the cause, such as fs.ErrNotExist.
func (e *ReadError) Unwrap() error { return e.Err }

// maxPEMSize bounds each PEM file Load and LoadPool read.
const maxPEMSize = 4 << 20

// LoadPool reads the PEM certificates of file into a pool, as the
// authorities client certificates must chain to.
func LoadPool(file string) (*x509.CertPool, error) {
	data, err := regfile.Read(file, maxPEMSize)
	switch {
	case err != nil:
		return nil, fmt.Errorf("cannot read %s: %w", file, fileerr.Cause(err))
	case len(data) > maxPEMSize:
		return nil, fmt.Errorf("cannot read %s: larger than %d bytes", file, maxPEMSize)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return pool, nil
}

// Store is the certificate of one TLS listener, read from CertFile and
// KeyFile. Its GetCertificate hands out the pair last read well, so that a
// reload changes the certificate of the handshakes that start after it.
type Store struct {
	// Name says which listener the certificate is for ("protocol",
	// "admin"), in reloads' messages and metrics.
	Name              string
	CertFile, KeyFile string

	mu  sync.Mutex // one Reload at a time; Read and Use leave it to the caller
	cur atomic.Pointer[tls.Certificate]
}

// NewStore reads the pair of files and returns a store holding it.
func NewStore(name, certFile, keyFile string) (*Store, error) {
	s := &Store{Name: name, CertFile: certFile, KeyFile: keyFile}
	if err := s.Reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// Reload reads the files again and, if they hold a good pair, makes it the
// one handed out; otherwise it keeps the current one and returns why.
func (s *Store) Reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cert, err := s.Read()
	if err != nil {
		return err
	}
	s.Use(cert)
	return nil
}

// Read reads the files again and returns their pair, without handing it
// out: a reload of several files reads them all before it uses any.
func (s *Store) Read() (*tls.Certificate, error) {
	cert, err := Load(s.CertFile, s.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("%s TLS certificate: %w", s.Name, err)
	}
	return cert, nil
}

// Use makes cert, which Read returned, the certificate handed out.
func (s *Store) Use(cert *tls.Certificate) { s.cur.Store(cert) }

// GetCertificate returns the current certificate, for tls.Config.
func (s *Store) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return s.cur.Load(), nil
}

// Leaf returns the current certificate's leaf.
func (s *Store) Leaf() *x509.Certificate { return s.cur.Load().Leaf }

// Info describes a listener's current certificate, for the admin endpoint.
type Info struct {
	Listener string    `json:"listener"`
	Subject  string    `json:"subject"`
	Issuer   string    `json:"issuer"`
	NotAfter time.Time `json:"not_after"`
	CertFile string    `json:"cert_file"`
}

// Info describes the current certificate.
func (s *Store) Info() Info {
	leaf := s.Leaf()
	return Info{Listener: s.Name, Subject: leaf.Subject.String(), Issuer: leaf.Issuer.String(), NotAfter: leaf.NotAfter, CertFile: s.CertFile}
}

// ServerConfig returns the TLS configuration of a listener presenting the
// store's certificate: TLS 1.2 and 1.3, crypto/tls's default cipher
// suites. With clientCAs, clients must present a certificate that chains
// to one of them.
func (s *Store) ServerConfig(clientCAs *x509.CertPool) *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: s.GetCertificate}
	if clientCAs != nil {
		cfg.ClientCAs = clientCAs
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg
}
