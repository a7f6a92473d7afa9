package server

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/config"
)

var update = flag.Bool("update", false, "rewrite the reply part of the golden files in testdata/golden")

// goldenSeparator divides a golden file into the request bytes and the reply
// bytes; the line break before it belongs to the separator.
const goldenSeparator = "\n=== reply ===\n"

var dateHeader = regexp.MustCompile(`\r\nDate: [^\r]*\r\n`)

// TestGolden sends the request part of each testdata/golden/*.txt file to a
// server with the default routes and compares the reply with the reply part,
// byte for byte but for the Date header's value.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/golden/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	routes, err := config.DefaultRoutes()
	if err != nil {
		t.Fatal(err)
	}
	addr := startServer(t, &Server{}, routes)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			req, want, ok := bytes.Cut(data, []byte(goldenSeparator))
			if !ok {
				t.Fatalf("%s has no %q line", file, strings.TrimSpace(goldenSeparator))
			}
			got := dateHeader.ReplaceAll([]byte(roundTrip(t, addr, string(req))), []byte("\r\nDate: DATE\r\n"))
			if *update {
				out := append(append(req, goldenSeparator...), got...)
				if err := os.WriteFile(file, out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !bytes.Equal(got, want) {
				t.Errorf("reply differs from %s\n got: %q\nwant: %q", file, got, want)
			}
		})
	}
}
