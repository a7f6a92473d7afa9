package reload

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/server"
)

func TestReloadKeepsTableOnError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "routes.yaml")
	write := func(src string) {
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("routes:\n  - path: /a\n    body: a\n")
	srv := &server.Server{}
	r := &Reloader{Server: srv, File: file, Logger: slog.New(slog.DiscardHandler)}
	if err := r.Reload("test"); err != nil {
		t.Fatal(err)
	}
	first := srv.Routes()
	if first == nil || len(first.Routes()) != 1 {
		t.Fatalf("table after a good reload: %v", first)
	}

	write("routes:\n  - path: /a\n    body: a\n    nope: 1\n")
	err := r.Reload("test")
	if err == nil || !strings.Contains(err.Error(), "routes.yaml:4:5:") {
		t.Fatalf("bad file: %v", err)
	}
	if srv.Routes() != first {
		t.Error("a bad file replaced the table")
	}
	if ok, failed := r.Counts(); ok != 1 || failed != 1 {
		t.Errorf("counts %d ok, %d failed", ok, failed)
	}
	if last := r.Last(); last == nil || last.Error == "" || last.Trigger != "test" {
		t.Errorf("last %+v", last)
	}
}

func TestLoadDefault(t *testing.T) {
	table, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(table.Source(), "embedded default") {
		t.Errorf("source %q", table.Source())
	}
}
