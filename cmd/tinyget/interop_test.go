package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestFetchFromPythonHTTPServer fetches a file from `python3 -m
// http.server`, an ordinary HTTP server that replies and closes, through an
// http:// URL: tinyget must not half-close there and must get every byte.
func TestFetchFromPythonHTTPServer(t *testing.T) {
	python := testenv.LookPath(t, "python3", "python3")
	dir := t.TempDir()
	content := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), content, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Port 0: the server prints the port it bound.
	cmd := exec.CommandContext(ctx, python, "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, "0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("python3 -m http.server did not start: %v", err)
	}
	// "Serving HTTP on 127.0.0.1 port 43211 (http://127.0.0.1:43211/) ..."
	_, rest, ok := strings.Cut(line, "(http://")
	addr, _, _ := strings.Cut(rest, "/")
	if !ok || addr == "" {
		t.Fatalf("cannot find the address in %q", line)
	}

	var stdout, stderr bytes.Buffer
	if code := run([]string{"-sS", "http://" + addr + "/big.bin"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !bytes.Equal(stdout.Bytes(), content) {
		t.Errorf("got %d bytes, want the file's %d", stdout.Len(), len(content))
	}

	stdout.Reset()
	if code := run([]string{"-sf", "http://" + addr + "/missing"}, nil, &stdout, &stderr); code != 22 {
		t.Errorf("-f on a 404: exit %d", code)
	}
}
