package config

import (
	"slices"
	"testing"
)

// TestUnknownVars checks that a TINYHTTPD_ variable that names no setting
// is reported, with the setting it most likely meant, and that settings and
// other variables are not.
func TestUnknownVars(t *testing.T) {
	got := UnknownVars(map[string]string{
		"TINYHTTPD_ADDR":              "127.0.0.1:0",
		"TINYHTTPD_ADMIN_TOKEN_FILE":  "/dev/null",
		"TINYHTTPD_ADMIN_TOKN":        "x",
		"TINYHTTPD_MAX_REQUEST_SIZE":  "64KiB",
		"TINYHTTPD_READTIMEOUT":       "1s",
		"TINYHTTPD_SOMETHING_ELSE":    "1",
		"TINYHTTPD_PID":               "1",
		"HOME":                        "/root",
		"OTHER_TINYHTTPD_MAX_CONNS_X": "1",
	})
	want := []string{
		"TINYHTTPD_ADMIN_TOKN is not a setting and is ignored (did you mean TINYHTTPD_ADMIN_TOKEN?)",
		"TINYHTTPD_MAX_REQUEST_SIZE is not a setting and is ignored (did you mean TINYHTTPD_MAX_REQUEST_BYTES?)",
		"TINYHTTPD_PID is not a setting and is ignored",
		"TINYHTTPD_READTIMEOUT is not a setting and is ignored (did you mean TINYHTTPD_READ_TIMEOUT?)",
		"TINYHTTPD_SOMETHING_ELSE is not a setting and is ignored",
	}
	var msgs []string
	for _, u := range got {
		msgs = append(msgs, u.String())
	}
	if !slices.Equal(msgs, want) {
		t.Errorf("UnknownVars:\n got %q\nwant %q", msgs, want)
	}
}
