package main

import (
	"crypto/tls"
	"fmt"
	"sync/atomic"

	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

// handshakes counts a run's TLS handshakes by kind, and notes the version
// and cipher suite the last one agreed.
type handshakes struct {
	full, resumed  atomic.Int64
	version, suite atomic.Uint32
}

// counts returns the full and resumed handshakes so far.
func (h *handshakes) counts() (full, resumed int64) { return h.full.Load(), h.resumed.Load() }

// observe is the tls.Config's VerifyConnection: crypto/tls calls it for
// every handshake, resumed ones included, once the certificate checks
// have passed.
func (h *handshakes) observe(cs tls.ConnectionState) error {
	if cs.DidResume {
		h.resumed.Add(1)
	} else {
		h.full.Add(1)
	}
	h.version.Store(uint32(cs.Version))
	h.suite.Store(uint32(cs.CipherSuite))
	return nil
}

// tlsConfig returns the client configuration -tls asks for: the server's
// certificate checked against the system's roots, or -cacert's, or not at
// all with -insecure; sessions resumed from a cache shared by every worker
// unless -resume=false, so each exchange then makes a full handshake.
func (o *options) tlsConfig(h *handshakes) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.insecure, VerifyConnection: h.observe}
	if o.caCert != "" {
		pool, err := tlscert.LoadPool(o.caCert)
		if err != nil {
			return nil, fmt.Errorf("-cacert: %w", err)
		}
		cfg.RootCAs = pool
	}
	if o.resume {
		cfg.ClientSessionCache = tls.NewLRUClientSessionCache(0)
	}
	return cfg, nil
}

// tlsReport describes the TLS of a run's measured phase.
type tlsReport struct {
	Version     string `json:"version"`
	CipherSuite string `json:"cipher_suite"`
	Resume      bool   `json:"resume"` // -resume: sessions were offered for resumption
	Full        int64  `json:"full_handshakes"`
	Resumed     int64  `json:"resumed_handshakes"`
}

// newTLSReport describes the handshakes counted since full0 and resumed0.
func newTLSReport(o *options, h *handshakes, full0, resumed0 int64) *tlsReport {
	full, resumed := h.counts()
	r := &tlsReport{Resume: o.resume, Full: full - full0, Resumed: resumed - resumed0}
	if v := h.version.Load(); v != 0 {
		r.Version = tls.VersionName(uint16(v))
		r.CipherSuite = tls.CipherSuiteName(uint16(h.suite.Load()))
	}
	return r
}
