//go:build unix

package config

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRoutesFileFIFO checks that a routes file that is a FIFO is refused at
// once, where opening it would wait for a writer that may never come and
// hold the reload, and the signals behind it, for good.
func TestRoutesFileFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "routes.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadRoutesFile(fifo)
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("LoadRoutesFile of a FIFO: %v", err)
	}
	_, err = Load(map[string]string{EnvPrefix + "ADMIN_TOKEN_FILE": fifo})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a token file that is a FIFO: %v", err)
	}
}
