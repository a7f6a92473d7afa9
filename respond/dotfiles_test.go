package respond

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tinyhttpd/tinyhttpd/route"
)

// dotTree is a directory holding dot files and dot directories, beside
// .well-known and ordinary files.
var dotTree = map[string]string{
	"a.txt":                          "a",
	".env":                           "SECRET=1",
	".env.gz":                        "gzipped env",
	".git/config":                    "[core]",
	".git/index.html":                "git index",
	"sub/b.txt":                      "b",
	"sub/.htpasswd":                  "u:p",
	"sub/... more":                   "dots",
	".well-known/security.txt":       "Contact: mailto:x@example.com",
	".well-known/acme-challenge/tok": "tok.key",
	".well-known/.secret":            "s",
}

// dotRoutes serve dotTree from dir: /d/ and / hide dot files, /all/ serves them.
func dotRoutes(dir string) []route.Route {
	return []route.Route{
		{Path: "/d/", Prefix: true, Kind: route.KindDir, Dir: dir, Listing: true},
		{Path: "/all/", Prefix: true, Kind: route.KindDir, Dir: dir, Listing: true, Dotfiles: true},
		{Path: "/", Prefix: true, Kind: route.KindDir, Dir: dir},
	}
}

// TestDotfiles checks that a dir route answers a path with a segment that
// starts with "." as it answers a missing file, opening nothing, and
// leaves such names out of its listings, but for .well-known; and that a
// route with Dotfiles serves and lists them all. Both on the operating
// system's files (os.Root) and on a file system in memory.
func TestDotfiles(t *testing.T) {
	var opened, closed int
	mem := fstest.MapFS{}
	for name, data := range dotTree {
		mem["t/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	memTable, err := NewTable(&route.Routes{Source: "test", Files: countingFS{FS: mem, opened: &opened, closed: &closed}, Routes: dotRoutes("t")})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, data := range dotTree {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	osTable, err := NewTable(&route.Routes{Source: "test", Routes: dotRoutes(dir)})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		req    string
		status int
		body   string
	}{
		{"GET /d/a.txt\n", 200, "a"},
		{"GET /d/missing\n", 404, "not found: /d/missing\n"},
		{"GET /d/.env\n", 404, "not found: /d/.env\n"},
		{"HEAD /d/.env\n", 404, ""},
		{"GET /d/.env\nAccept-Encoding: gzip\n", 404, "not found: /d/.env\n"},
		{"GET /d/.env.gz\n", 404, "not found: /d/.env.gz\n"},
		{"GET /d/.env\nRange: bytes=0-2\n", 404, "not found: /d/.env\n"},
		{"GET /d/%2eenv\n", 404, "not found: /d/.env\n"},
		{"GET /d/%2Egit/config\n", 404, "not found: /d/.git/config\n"},
		{"GET /d/.git\n", 404, "not found: /d/.git\n"},
		{"GET /d/.git/\n", 404, "not found: /d/.git/\n"},
		{"GET /d/.git/config\n", 404, "not found: /d/.git/config\n"},
		{"GET /d/.git/index.html\n", 404, "not found: /d/.git/index.html\n"},
		{"GET /d/sub/.htpasswd\n", 404, "not found: /d/sub/.htpasswd\n"},
		{"GET /d/.well-known/.secret\n", 404, "not found: /d/.well-known/.secret\n"},
		{"GET /.env\n", 404, "not found: /.env\n"},
		{"GET /.git/config\n", 404, "not found: /.git/config\n"},
		{"GET /d/\n", 200, ".well-known/\na.txt\nsub/\n"},
		{"GET /d/sub/\n", 200, "b.txt\n"},
		{"GET /d/.well-known/security.txt\n", 200, "Contact: mailto:x@example.com"},
		{"GET /d/%2ewell-known/acme-challenge/tok\n", 200, "tok.key"},
		{"GET /.well-known/acme-challenge/tok\n", 200, "tok.key"},
		{"GET /d/.well-known\n", 301, "redirect to /d/.well-known/\n"},
		{"GET /d/.well-known/\n", 200, "acme-challenge/\nsecurity.txt\n"},
		{"GET /all/.env\n", 200, "SECRET=1"},
		{"GET /all/.env\nAccept-Encoding: gzip\n", 200, "gzipped env"},
		{"GET /all/.env\nRange: bytes=0-5\n", 206, "SECRET"},
		{"HEAD /all/.env\n", 200, ""},
		{"GET /all/.git\n", 301, "redirect to /all/.git/\n"},
		{"GET /all/.git/\n", 200, "git index"},
		{"GET /all/.git/config\n", 200, "[core]"},
		{"GET /all/sub/.htpasswd\n", 200, "u:p"},
		{"GET /all/.well-known/.secret\n", 200, "s"},
		{"GET /all/\n", 200, ".env\n.env.gz\n.git/\n.well-known/\na.txt\nsub/\n"},
		{"GET /all/.well-known/\n", 200, ".secret\nacme-challenge/\nsecurity.txt\n"},
		{"GET /all/sub/\n", 200, "\"... more\"\n.htpasswd\nb.txt\n"}, // quoted, never taken for the line that ends a cut listing
	}
	for name, tbl := range map[string]*Table{"os": osTable, "fs": memTable} {
		for _, tt := range tests {
			opened, closed = 0, 0
			rep, b := decide(t, tbl, tt.req)
			_, body, _ := strings.Cut(b, "\r\n\r\n")
			if rep.Status != tt.status || body != tt.body {
				t.Errorf("%s: %q: status %d, reply %q; want %d with body %q", name, tt.req, rep.Status, b, tt.status, tt.body)
			}
			if rep.Status == 404 && rep.Err != nil {
				t.Errorf("%s: %q: a 404 logged as %v; a hidden name is the client's business, as a missing one", name, tt.req, rep.Err)
			}
			if name == "fs" && rep.Status == 404 && !strings.Contains(tt.req, "missing") && opened != 0 {
				t.Errorf("%s: %q: opened %d files for a hidden name", name, tt.req, opened)
			}
		}
	}
}

// TestHidden is the rule for the names a dir route hides.
func TestHidden(t *testing.T) {
	for name, want := range map[string]bool{
		".env": true, ".git": true, ".htaccess": true, "..data": true, ".": true,
		".well-known": false, ".Well-Known": true, ".well-known.bak": true,
		"a.txt": false, "env.": false, "index.html": false, "well-known": false,
	} {
		if got := hidden(name); got != want {
			t.Errorf("hidden(%q) = %v, want %v", name, got, want)
		}
	}
}
