package main

import (
	"io"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestUploadProcFile sends a -T file that says it is empty but is not, as
// those of /proc do: its content must go whole, read to its end.
func TestUploadProcFile(t *testing.T) {
	want, err := os.ReadFile("/proc/version")
	if err != nil || len(want) == 0 {
		testenv.Unavailable(t, "no /proc/version: %v", err)
	}
	got := make(chan string, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		req, _ := io.ReadAll(c)
		_, body, _ := strings.Cut(string(req), "\r\n\r\n")
		got <- body
		io.WriteString(c, helloReply)
	})
	if r := tinyget("", "-sS", "-T", "/proc/version", addr+"/up"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if body := <-got; body != string(want) {
		t.Errorf("sent %q, want %q", body, want)
	}
}
