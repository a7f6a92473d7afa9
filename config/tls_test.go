package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

func TestLoadTLS(t *testing.T) {
	x := testenv.NewTLS(t)
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not PEM\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")

	s, err := Load(map[string]string{"TINYHTTPD_TLS_CERT": x.CertFile, "TINYHTTPD_TLS_KEY": x.KeyFile,
		"TINYHTTPD_TLS_CLIENT_CA": x.CAFile, "TINYHTTPD_ADMIN_TLS_CERT": x.CertFile, "TINYHTTPD_ADMIN_TLS_KEY": x.KeyFile})
	if err != nil {
		t.Fatal(err)
	}
	if !s.TLS() || s.TLSClientCA != x.CAFile || s.AdminTLSKey != x.KeyFile {
		t.Errorf("settings %+v", s)
	}

	tests := []struct {
		name    string
		environ map[string]string
		want    []string
	}{
		{"cert without key", map[string]string{"TINYHTTPD_TLS_CERT": x.CertFile}, []string{"TINYHTTPD_TLS_KEY", "required with TINYHTTPD_TLS_CERT"}},
		{"key without cert", map[string]string{"TINYHTTPD_TLS_KEY": x.KeyFile}, []string{"TINYHTTPD_TLS_CERT", "required with TINYHTTPD_TLS_KEY"}},
		{"missing file", map[string]string{"TINYHTTPD_TLS_CERT": missing, "TINYHTTPD_TLS_KEY": x.KeyFile}, []string{"TINYHTTPD_TLS_CERT", "cannot read", "no such file"}},
		{"missing key file", map[string]string{"TINYHTTPD_TLS_CERT": x.CertFile, "TINYHTTPD_TLS_KEY": missing}, []string{"TINYHTTPD_TLS_KEY", "cannot read " + missing, "no such file"}},
		{"missing admin key file", map[string]string{"TINYHTTPD_ADMIN_TLS_CERT": x.CertFile, "TINYHTTPD_ADMIN_TLS_KEY": missing}, []string{"TINYHTTPD_ADMIN_TLS_KEY", "cannot read " + missing}},
		{"not PEM", map[string]string{"TINYHTTPD_TLS_CERT": garbage, "TINYHTTPD_TLS_KEY": x.KeyFile}, []string{"TINYHTTPD_TLS_CERT", "not a certificate and its key"}},
		{"swapped", map[string]string{"TINYHTTPD_TLS_CERT": x.KeyFile, "TINYHTTPD_TLS_KEY": x.CertFile}, []string{"TINYHTTPD_TLS_CERT", "not a certificate and its key"}},
		{"client CA without TLS", map[string]string{"TINYHTTPD_TLS_CLIENT_CA": x.CAFile}, []string{"TINYHTTPD_TLS_CLIENT_CA", "needs TINYHTTPD_TLS_CERT"}},
		{"client CA not PEM", map[string]string{"TINYHTTPD_TLS_CERT": x.CertFile, "TINYHTTPD_TLS_KEY": x.KeyFile, "TINYHTTPD_TLS_CLIENT_CA": garbage}, []string{"TINYHTTPD_TLS_CLIENT_CA", "no PEM certificate"}},
		{"admin key without cert", map[string]string{"TINYHTTPD_ADMIN_TLS_KEY": x.KeyFile}, []string{"TINYHTTPD_ADMIN_TLS_CERT", "required with TINYHTTPD_ADMIN_TLS_KEY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.environ)
			checkOneError(t, err, tt.want...)
		})
	}

	// A key that belongs to another certificate.
	other := x.Issue(t, tlscert.Options{Hosts: tlscert.LocalHosts})
	otherCert, _, err := other.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = Load(map[string]string{"TINYHTTPD_TLS_CERT": otherCert, "TINYHTTPD_TLS_KEY": x.KeyFile})
	checkOneError(t, err, "TINYHTTPD_TLS_CERT", "private key does not match public key")
}

// checkOneError checks that err is one *SettingsError for the variable
// want[0] whose message holds each of the rest.
func checkOneError(t *testing.T, err error, want ...string) {
	t.Helper()
	var se *SettingsError
	if !errors.As(err, &se) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want one *SettingsError", err)
	}
	if se.Var != want[0] {
		t.Errorf("error for %s, want %s: %v", se.Var, want[0], err)
	}
	for _, w := range want[1:] {
		if !strings.Contains(se.Reason, w) {
			t.Errorf("reason %q lacks %q", se.Reason, w)
		}
	}
}
