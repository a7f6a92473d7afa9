package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSafeText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text\twith tab\r\n", "plain text\twith tab\r\n"},
		{"\r 42%  progress", "\r 42%  progress"},
		{"< X-A: fine\rX-Spoof: over it\n", `< X-A: fine\rX-Spoof: over it` + "\n"},
		{"ends in CR\r", `ends in CR\r`},
		{"héllo, wörld ✓\n", "héllo, wörld ✓\n"},
		{"\x1b]0;title\x07\x1b[31mred\n", `\x1b]0;title\x07\x1b[31mred` + "\n"},
		{"del\x7f nul\x00 bs\b", `del\x7f nul\x00 bs\x08`},
		{"csi \u009b31m nel \u0085", `csi \u009b31m nel \u0085`},
		{"bidi \u202egpj.exe \u2066x\u2069", `bidi \u202egpj.exe \u2066x\u2069`},
		{"raw C1 byte \x9b31m, cut rune \xc3", `raw C1 byte \x9b31m, cut rune \xc3`},
	} {
		var b strings.Builder
		n, err := safeText{w: &b}.Write([]byte(tc.in))
		if err != nil || n != len(tc.in) {
			t.Errorf("Write(%q) = %d, %v; want %d, nil", tc.in, n, err, len(tc.in))
		}
		if b.String() != tc.want {
			t.Errorf("Write(%q) wrote %q; want %q", tc.in, b.String(), tc.want)
		}
	}
}

func TestDispositionName(t *testing.T) {
	for _, tc := range []struct {
		value, name string
		ok          bool
	}{
		{`attachment; filename="report.txt"`, "report.txt", true},
		{`attachment; filename="../../etc/report.txt"`, "report.txt", true},
		{`attachment; filename="a\\b\\c.txt"`, "c.txt", true},
		{`attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`, "résumé.pdf", true},
		{`attachment`, "", true},
		{`attachment; filename=""`, "", true},
		{`attachment; filename="/"`, "", true},
		{`inline; filename=".tinygetrc"`, ".tinygetrc", false},
		{`attachment; filename="../.bashrc"`, ".bashrc", false},
		{`attachment; filename=".."`, "..", false},
		{`attachment; filename*=UTF-8''%1b%5d0%3bT%07x`, "\x1b]0;T\ax", false},
		{`attachment; filename*=UTF-8''a%0Ab`, "a\nb", false},
		{`attachment; filename*=UTF-8''a%C2%9Bb`, "a\u009bb", false},
		{`attachment; filename*=UTF-8''a%FFb`, "a\xffb", false},
	} {
		name, ok := dispositionName(tc.value)
		if name != tc.name || ok != tc.ok {
			t.Errorf("dispositionName(%q) = %q, %v; want %q, %v", tc.value, name, ok, tc.name, tc.ok)
		}
	}
}

// A server's -J name that tinyget does not write leaves the file named
// after the URL, with a warning that shows the refused name escaped.
func TestRemoteHeaderNameRefused(t *testing.T) {
	for _, disposition := range []string{
		`attachment; filename=".tinygetrc"`,
		`attachment; filename="../..bashrc"`,
		`attachment; filename*=UTF-8''%1b%5d0%3bTITLE%07x`,
	} {
		t.Run(disposition, func(t *testing.T) {
			addr, _ := serveReply(t, "HTTP/1.0 200 OK\r\nContent-Disposition: "+disposition+"\r\nContent-Length: 3\r\n\r\nabc")
			dir := t.TempDir()
			t.Chdir(dir)
			r := tinyget("", "-OJ", addr+"/x")
			if r.code != 0 {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, "Warning: -J: not saving as the server's file name") || strings.ContainsAny(r.stderr, "\x1b\x07") {
				t.Errorf("stderr %q: want the warning, without control characters", r.stderr)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 || entries[0].Name() != "x" {
				t.Errorf("files %v; want only x", entries)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "x")); err != nil || string(b) != "abc" {
				t.Errorf("x holds %q, %v", b, err)
			}
		})
	}
}

// What -v shows of a reply, and the messages that quote a server, reach
// the terminal without its control characters.
func TestVerboseEscapesServerText(t *testing.T) {
	addr, _ := serveReply(t, "HTTP/1.0 200 OK\r\nX-Title: \u009b2J\u009d0;T\r\nX-Bad: \x1b]0;PWNED\x07\r\nContent-Length: 0\r\n\r\n")
	r := tinyget("", "-v", "-o", os.DevNull, addr+"/")
	if r.code != int(exitWeirdReply) {
		t.Errorf("exit %d; want %d (the bad header line)", r.code, exitWeirdReply)
	}
	if strings.ContainsAny(r.stderr, "\x1b\x07\u009b\u009d") {
		t.Errorf("stderr holds control characters: %q", r.stderr)
	}
	if !strings.Contains(r.stderr, `X-Title: \u009b2J\u009d0;T`) {
		t.Errorf("stderr %q: want the X-Title line with its controls escaped", r.stderr)
	}
}
