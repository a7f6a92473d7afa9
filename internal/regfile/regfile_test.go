//go:build unix

package regfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestRead checks that Read returns a regular file's content, cut at max+1
// bytes, and refuses at once what is not a regular file: a FIFO without a
// writer, where a plain open would wait for good, and a directory.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := Read(file, 100); err != nil || string(got) != "0123456789" {
		t.Errorf("Read: %q, %v", got, err)
	}
	if got, err := Read(file, 4); err != nil || string(got) != "01234" {
		t.Errorf("Read with max 4: %q, %v; want the first 5 bytes", got, err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{fifo, dir} {
		if _, err := Read(name, 100); !errors.Is(err, ErrNotRegular) {
			t.Errorf("Read(%s): %v, want ErrNotRegular", name, err)
		}
	}
	if _, err := Read(filepath.Join(dir, "none"), 100); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read of a missing file: %v", err)
	}
}
