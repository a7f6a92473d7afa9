package main

import "testing"

// TestParseTarget checks the exit codes of bad URLs; client.ParseURL's
// tests cover the parsing.
func TestParseTarget(t *testing.T) {
	tests := []struct {
		url  string
		code exitCode
	}{
		{"tiny://127.0.0.1:7070/hello", exitOK},
		{"http://[::1]/", exitOK},
		{"https://example.com/", exitUnsupportedProtocol},
		{"ftp://example.com/", exitUnsupportedProtocol},
		{"://example.com/", exitMalformedURL},
		{"", exitMalformedURL},
		{"host:0/", exitMalformedURL},
		{"[::1]x/", exitMalformedURL},
		{"host/a b", exitMalformedURL},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := parseTarget(tt.url)
			if code := codeOf(err); code != tt.code {
				t.Fatalf("error %v, code %d; want %d", err, code, tt.code)
			}
		})
	}
}
