package main

import (
	"bytes"
	"flag"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/version"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/golden")

// TestGolden runs tinyget against a real tinyhttpd with the default routes
// for each file in testdata/golden and compares what it writes with the
// file. A file holds the arguments on its first line, "args: ...", with
// ADDR for the server's address and REFUSED for one nothing listens on;
// then "=== stdout ===", "=== stderr ===" and "=== exit ===" sections.
// Dates, ports, times, speeds and versions are written as <date>, <port>,
// <time>, <speed> and <version>. "go test -run TestGolden -update"
// rewrites the sections after a deliberate change.
func TestGolden(t *testing.T) {
	addr := startTinyhttpd(t)
	refused := testenv.ClosedAddr(t)
	files, err := filepath.Glob("testdata/golden/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(b), "\n")
			argLine, ok := strings.CutPrefix(first, "args: ")
			if !ok {
				t.Fatalf("first line %q is not args: ...", first)
			}
			args := strings.Fields(strings.NewReplacer("ADDR", addr, "REFUSED", refused).Replace(argLine))
			for i, a := range args {
				if uq, err := strconv.Unquote(a); err == nil {
					args[i] = uq
				}
			}
			r := tinyget("", args...)
			got := first + "\n=== stdout ===\n" + normalize(r.stdout, addr, refused) +
				"\n=== stderr ===\n" + normalize(r.stderr, addr, refused) +
				"\n=== exit ===\n" + strconv.Itoa(r.code) + "\n"
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(b) {
				t.Errorf("output differs from %s (go test -run TestGolden -update rewrites it):\n%s", file, diffLines(string(b), got))
			}
		})
	}
}

// normalization turns what changes from run to run into placeholders.
var normalization = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT`), "<date>"},
	{regexp.MustCompile(`"(time_\w+)":\d+\.\d{6}`), `"$1":<time>`},
	{regexp.MustCompile(`"(speed_\w+)":\d+`), `"$1":<speed>`},
	{regexp.MustCompile(`"(local_port|remote_port)":\d+`), `"$1":<port>`},
	{regexp.MustCompile(`after \d+ ms`), "after <time> ms"},
	{regexp.MustCompile(`/` + regexp.QuoteMeta(version.Release) + `\b`), "/<version>"},
	{regexp.MustCompile(`"tinyget_version":"[^"]*"`), `"tinyget_version":"<version>"`},
}

// normalize replaces the run's addresses, ports, dates, times and versions
// in s with placeholders.
func normalize(s, addr, refused string) string {
	_, port, _ := net.SplitHostPort(addr)
	_, refusedPort, _ := net.SplitHostPort(refused)
	s = strings.NewReplacer(addr, "ADDR", refused, "REFUSED", "port "+port, "port <port>", "port "+refusedPort, "port <port>").Replace(s)
	for _, n := range normalization {
		s = n.re.ReplaceAllString(s, n.with)
	}
	return s
}

// diffLines shows the first line where want and got differ, with context.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			var b bytes.Buffer
			b.WriteString("line " + strconv.Itoa(i+1) + ":\nwant: " + strconv.Quote(wl) + "\n got: " + strconv.Quote(gl) + "\n")
			return b.String()
		}
	}
	return ""
}
