package admin

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/reload"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

// TestTLSCertificateExpiry checks that the status and the metrics name
// each TLS listener's certificate and when it expires.
func TestTLSCertificateExpiry(t *testing.T) {
	x := testenv.NewTLS(t)
	store, err := tlscert.NewStore("protocol", x.CertFile, x.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, true, Options{Reloader: &reload.Reloader{Certs: []*tlscert.Store{store}}})
	notAfter := x.Server.Cert.NotAfter

	_, body := f.do(t, "GET", "/api/status", nil)
	var s Status
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.TLS) != 1 || s.TLS[0].Listener != "protocol" || !s.TLS[0].NotAfter.Equal(notAfter) ||
		!strings.Contains(s.TLS[0].Subject, "CN=localhost") || s.TLS[0].Issuer != "CN=tinyhttpd test CA,O=tinyhttpd" {
		t.Errorf("status tls %+v, want the protocol certificate expiring %v", s.TLS, notAfter)
	}

	_, body = f.do(t, "GET", "/metrics", nil)
	want := `tinyhttpd_tls_certificate_expiry_timestamp_seconds{listener="protocol"} ` + strconv.FormatFloat(float64(notAfter.Unix()), 'g', -1, 64)
	if !strings.Contains(body, want) {
		t.Errorf("metrics lack %s:\n%s", want, grepLines(body, "tls_"))
	}
	if time.Until(notAfter) < 300*24*time.Hour {
		t.Errorf("test certificate expires %v", notAfter)
	}
}

// TestNoTLSNoCertificates checks that without TLS the status lists no
// certificate and the metric is absent.
func TestNoTLSNoCertificates(t *testing.T) {
	f := newFixture(t, true, Options{})
	_, body := f.do(t, "GET", "/api/status", nil)
	if !strings.Contains(body, `"tls": []`) {
		t.Errorf("status without TLS: %s", grepLines(body, "tls"))
	}
	_, body = f.do(t, "GET", "/metrics", nil)
	if strings.Contains(body, "tls_certificate_expiry") {
		t.Error("certificate expiry metric without TLS")
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
