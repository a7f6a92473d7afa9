package main

import "testing"

func TestParseTarget(t *testing.T) {
	tests := []struct {
		url       string
		addr      string
		path      string
		host      string // Host header
		halfClose bool
		code      exitCode
	}{
		{"tiny://127.0.0.1:7070/hello", "127.0.0.1:7070", "/hello", "127.0.0.1:7070", true, exitOK},
		{"TINY://example.com/a?b=c", "example.com:7070", "/a?b=c", "example.com:7070", true, exitOK},
		{"localhost:8080/x/y", "localhost:8080", "/x/y", "localhost:8080", true, exitOK},
		{"localhost", "localhost:7070", "/", "localhost:7070", true, exitOK},
		{"localhost:", "localhost:7070", "/", "localhost:7070", true, exitOK},
		{"host?q=1", "host:7070", "/?q=1", "host:7070", true, exitOK},
		{"host/page#section", "host:7070", "/page", "host:7070", true, exitOK},
		{"[::1]:7070/hello", "[::1]:7070", "/hello", "[::1]:7070", true, exitOK},
		{"tiny://[::1]/", "[::1]:7070", "/", "[::1]:7070", true, exitOK},
		{"tiny://[fe80::1%25eth0]:1/", "[fe80::1%eth0]:1", "/", "[fe80::1]:1", true, exitOK},
		{"http://example.com/index.html", "example.com:80", "/index.html", "example.com", false, exitOK},
		{"http://example.com:8080", "example.com:8080", "/", "example.com:8080", false, exitOK},
		{"http://[::1]/", "[::1]:80", "/", "[::1]", false, exitOK},
		{"host/caf\xc3\xa9", "host:7070", "/caf%C3%A9", "host:7070", true, exitOK},
		{"host/100%25", "host:7070", "/100%25", "host:7070", true, exitOK},

		{"https://example.com/", "", "", "", false, exitUnsupportedProtocol},
		{"ftp://example.com/", "", "", "", false, exitUnsupportedProtocol},
		{"://example.com/", "", "", "", false, exitMalformedURL},
		{"", "", "", "", false, exitMalformedURL},
		{"/path", "", "", "", false, exitMalformedURL},
		{"tiny:///path", "", "", "", false, exitMalformedURL},
		{"host:0/", "", "", "", false, exitMalformedURL},
		{"host:65536/", "", "", "", false, exitMalformedURL},
		{"host:http/", "", "", "", false, exitMalformedURL},
		{"::1/", "", "", "", false, exitMalformedURL},
		{"[::1/", "", "", "", false, exitMalformedURL},
		{"[::1]x/", "", "", "", false, exitMalformedURL},
		{"[127.0.0.1]/", "", "", "", false, exitMalformedURL},
		{"user:pw@host/", "", "", "", false, exitMalformedURL},
		{"ho st/", "", "", "", false, exitMalformedURL},
		{"host/a b", "", "", "", false, exitMalformedURL},
		{"host/a\r\nX: y", "", "", "", false, exitMalformedURL},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := parseTarget(tt.url)
			if code := codeOf(err); code != tt.code {
				t.Fatalf("error %v, code %d; want %d", err, code, tt.code)
			}
			if err != nil {
				return
			}
			if got.addr() != tt.addr || got.path != tt.path || got.hostHeader() != tt.host || got.halfClose() != tt.halfClose {
				t.Errorf("got addr %q path %q host %q half-close %v", got.addr(), got.path, got.hostHeader(), got.halfClose())
			}
		})
	}
}
