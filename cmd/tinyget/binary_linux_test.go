package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestBinaryToTerminal sends a body holding NUL bytes to a stdout that is a
// terminal: tinyget must refuse it with exit 23 and curl's advice, and
// write it with -o -, which asks for it.
func TestBinaryToTerminal(t *testing.T) {
	addr, _ := serveReply(t, "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 4\r\n\r\nab\x00c")
	for _, tt := range []struct {
		args  []string
		code  exitCode
		shown string
	}{
		{nil, exitWriteError, ""},
		{[]string{"-o", "-"}, exitOK, "ab\x00c"},
	} {
		var stderr bytes.Buffer
		code, screen := onPTY(t, func(term *os.File) int {
			return run(append(tt.args, "-s", "-S", addr+"/"), strings.NewReader(""), term, &stderr)
		})
		if code != int(tt.code) || screen != tt.shown {
			t.Errorf("%q: exit %d, terminal showed %q; want %d, %q (stderr %q)", tt.args, code, screen, tt.code, tt.shown, stderr.String())
		}
		if tt.code != exitOK && !strings.Contains(stderr.String(), "Binary output can mess up your terminal") {
			t.Errorf("%q: stderr %q lacks the reason", tt.args, stderr.String())
		}
	}
}
