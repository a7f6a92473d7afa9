//go:build unix

package main

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestRemoveOnErrorRegularOnly checks that --remove-on-error and -R leave
// alone an output that is not a regular file (a FIFO here; /dev/null in
// use), which curl 7.88 removes.
func TestRemoveOnErrorRegularOnly(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	drained := make(chan error, 1)
	go func() {
		f, err := os.Open(fifo)
		if err == nil {
			_, err = io.Copy(io.Discard, f)
			f.Close()
		}
		drained <- err
	}()
	addr := serveFake(t, nil)
	r := tinyget("", "-s", "--fail-with-body", "--remove-on-error", "-R", "-o", fifo, "http://"+addr+"/missing")
	if err := <-drained; err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(fifo); r.code != int(exitHTTPError) || err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("%+v; the FIFO: %v, %v", r, info, err)
	}
}
