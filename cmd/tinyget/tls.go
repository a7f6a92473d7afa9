package main

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tinyhttpd/tinyhttpd/client"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

// tlsSetup is what the TLS flags make: the client configuration and the
// pinned keys. It is built at the first tinys:// or https:// exchange, as
// curl reads these files only when it needs them: a bad --cacert does not
// stop an http:// transfer.
type tlsSetup struct {
	once sync.Once
	cfg  *tls.Config
	pins [][sha256.Size]byte
	err  error
}

// tlsClient sets c up for an exchange over TLS with t: the TLS flags'
// configuration, with t's host as the name the certificate must be valid
// for (not the address --resolve or --connect-to dials). Its errors are
// *exitError.
func (r *runner) tlsClient(c *client.Client, t target) error {
	s := &r.tls
	s.once.Do(func() { s.cfg, s.pins, s.err = buildTLS(r.o, r.warn) })
	if s.err != nil {
		return s.err
	}
	cfg := s.cfg.Clone()
	cfg.ServerName, _, _ = strings.Cut(t.Host, "%") // no IPv6 zone
	c.TLSConfig, c.PinnedKeys = cfg, s.pins
	return nil
}

// buildTLS makes the TLS configuration of the command line: the
// authorities of --cacert and --capath (else the system's), -k, the
// client certificate of --cert and --key, the lowest version (TLS 1.2
// unless --tlsv1.3), and the keys of --pinnedpubkey. A --capath it cannot
// read is a warning.
func buildTLS(o *options, warn func(format string, args ...any)) (*tls.Config, [][sha256.Size]byte, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.insecure}
	if o.tlsMin != 0 {
		cfg.MinVersion = o.tlsMin
	}
	if !o.insecure && (o.caCert != "" || o.caPath != "") { // -k reads neither, as in curl
		pool := x509.NewCertPool()
		if o.caCert != "" {
			p, err := tlscert.LoadPool(o.caCert)
			if err != nil {
				return nil, nil, fail(exitCACertFile, "error setting certificate file: %v", err)
			}
			pool = p
		}
		if o.caPath != "" {
			if err := addCAPath(pool, o.caPath); err != nil {
				// As in curl, whose OpenSSL skips a directory it
				// cannot read: the certificate then does not
				// verify (60), and the warning says why.
				warn("--capath %s: %v; no authority taken from it", o.caPath, err)
			}
		}
		cfg.RootCAs = pool
	}
	if o.cert != "" {
		key := o.key
		if key == "" {
			key = o.cert // curl's default: the key in the certificate's file
		}
		pair, err := tlscert.Load(o.cert, key)
		if err != nil {
			return nil, nil, fail(exitCertProblem, "could not load the client certificate: %v", err)
		}
		cfg.Certificates = []tls.Certificate{*pair}
	}
	pins, err := parsePins(o.pinnedPubKey)
	if err != nil {
		return nil, nil, fail(exitPinnedKey, "--pinnedpubkey %s: %v", o.pinnedPubKey, err)
	}
	return cfg, pins, nil
}

// addCAPath adds to pool the PEM certificates of every regular file in
// dir, as --capath reads a directory of authorities (OpenSSL's hashed
// names, or any others).
func addCAPath(pool *x509.CertPool, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("cannot read it: %w", unwrapPath(err))
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
		}
		pool.AppendCertsFromPEM(data)
	}
	return nil
}

// parsePins parses --pinnedpubkey as curl does: "sha256//BASE64" hashes
// separated by ";", or the path of a file holding one public key, PEM or
// DER. It returns the keys' SHA-256 hashes; none for "".
func parsePins(v string) ([][sha256.Size]byte, error) {
	if v == "" {
		return nil, nil
	}
	if !strings.HasPrefix(v, "sha256//") {
		data, err := os.ReadFile(v)
		if err != nil {
			return nil, fmt.Errorf("cannot read the public key file: %w", unwrapPath(err))
		}
		der := data
		if b, _ := pem.Decode(data); b != nil {
			der = b.Bytes
		}
		if _, err := x509.ParsePKIXPublicKey(der); err != nil {
			return nil, errors.New("not a public key, PEM (BEGIN PUBLIC KEY) or DER")
		}
		return [][sha256.Size]byte{sha256.Sum256(der)}, nil
	}
	var pins [][sha256.Size]byte
	for h := range strings.SplitSeq(v, ";") {
		b64, ok := strings.CutPrefix(h, "sha256//")
		sum, err := base64.StdEncoding.DecodeString(b64)
		if !ok || err != nil || len(sum) != sha256.Size {
			return nil, fmt.Errorf("%q is not sha256// and the base64 of a SHA-256 hash", h)
		}
		pins = append(pins, [sha256.Size]byte(sum))
	}
	return pins, nil
}

// tlsVersionNames are the TLS versions as curl's -v names them.
var tlsVersionNames = map[uint16]string{
	tls.VersionTLS10: "TLSv1.0",
	tls.VersionTLS11: "TLSv1.1",
	tls.VersionTLS12: "TLSv1.2",
	tls.VersionTLS13: "TLSv1.3",
}

// printTLS prints the handshake's outcome for -v, in curl's words: the
// version and cipher suite, the server certificate's subject, dates and
// issuer, and whether it was verified.
func printTLS(w io.Writer, st *tls.ConnectionState) {
	fmt.Fprintf(w, "* SSL connection using %s / %s\n", tlsVersionNames[st.Version], tls.CipherSuiteName(st.CipherSuite))
	if st.NegotiatedProtocol != "" {
		fmt.Fprintf(w, "* ALPN: server accepted %s\n", st.NegotiatedProtocol)
	}
	if len(st.PeerCertificates) > 0 {
		leaf := st.PeerCertificates[0]
		const date = "Jan _2 15:04:05 2006 GMT"
		fmt.Fprintln(w, "* Server certificate:")
		fmt.Fprintf(w, "*  subject: %s\n", leaf.Subject)
		fmt.Fprintf(w, "*  start date: %s\n", leaf.NotBefore.UTC().Format(date))
		fmt.Fprintf(w, "*  expire date: %s\n", leaf.NotAfter.UTC().Format(date))
		if names := subjectAltNames(leaf); names != "" {
			fmt.Fprintf(w, "*  subjectAltName: %s\n", names)
		}
		fmt.Fprintf(w, "*  issuer: %s\n", leaf.Issuer)
	}
	if len(st.VerifiedChains) > 0 {
		fmt.Fprintln(w, "*  SSL certificate verify ok.")
	} else {
		fmt.Fprintln(w, "*  SSL certificate not verified (-k)")
	}
}

// subjectAltNames lists a certificate's DNS names and IP addresses.
func subjectAltNames(c *x509.Certificate) string {
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return strings.Join(names, ", ")
}
