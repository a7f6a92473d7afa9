package main

import "testing"

// TestParseTarget checks the exit codes of bad URLs; client.ParseURL's
// tests cover the parsing.
func TestParseTarget(t *testing.T) {
	for _, tt := range []struct {
		pathAsIs bool
		want     string
	}{{false, "/echo/x?q=/../y"}, {true, "/a/../echo/./x?q=/../y"}} {
		got, err := parseTarget("http://host/a/../echo/./x?q=/../y", tt.pathAsIs)
		if err != nil || got.Path != tt.want {
			t.Errorf("--path-as-is %v: path %q, %v; want %q", tt.pathAsIs, got.Path, err, tt.want)
		}
	}

	tests := []struct {
		url  string
		code exitCode
	}{
		{"tiny://127.0.0.1:7070/hello", exitOK},
		{"http://[::1]/", exitOK},
		{"https://example.com/", exitOK},
		{"tinys://[::1]/", exitOK},
		{"ftp://example.com/", exitUnsupportedProtocol},
		{"://example.com/", exitMalformedURL},
		{"", exitMalformedURL},
		{"host:0/", exitMalformedURL},
		{"[::1]x/", exitMalformedURL},
		{"host/a b", exitMalformedURL},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := parseTarget(tt.url, false)
			if code := codeOf(err); code != tt.code {
				t.Fatalf("error %v, code %d; want %d", err, code, tt.code)
			}
		})
	}
}
