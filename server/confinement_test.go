//go:build unix

// The confinement tests plant symlinks and FIFOs, which these systems have.

package server

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/route"
)

// secretContent is in files outside every served directory; no reply may
// ever carry it.
const secretContent = "TOP-SECRET-OUTSIDE-THE-ROOT"

// confinedTree builds a served directory full of ways out: symlinks to
// absolute and relative paths outside it, a chain of symlinks that leaves
// on its last hop, a symlink to its parent and to "/", a symlink loop, an
// index.html that is a symlink outside, and a FIFO. It returns the parent
// directory and the served one.
func confinedTree(t *testing.T) (parent, public string) {
	t.Helper()
	parent = t.TempDir()
	public = filepath.Join(parent, "public")
	mustWrite(t, filepath.Join(parent, "secret.txt"), secretContent+"\n")
	mustWrite(t, filepath.Join(public, "ok.txt"), "ok\n")
	mustWrite(t, filepath.Join(public, "sub", "inner.txt"), "inner\n")
	if err := os.MkdirAll(filepath.Join(public, "idx"), 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"abs-link":         filepath.Join(parent, "secret.txt"),
		"rel-link":         "../secret.txt",
		"chain-a":          "chain-b",
		"chain-b":          "sub/../../secret.txt",
		"inside-link":      "ok.txt",
		"sub/up-link":      "../ok.txt",
		"parent-dir":       "..",
		"root-dir":         "/",
		"etc-passwd":       "/etc/passwd",
		"loop-a":           "loop-b",
		"loop-b":           "loop-a",
		"idx/index.html":   "../../secret.txt",
		"sub/deep-outside": "../../public/../secret.txt",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(public, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(public, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	return parent, public
}

// TestDirConfinement tries every way out of a dir route's directory,
// through the directory's own symlinks and through the request target, and
// checks that none serves a byte from outside it.
func TestDirConfinement(t *testing.T) {
	parent, public := confinedTree(t)
	fifoFile := filepath.Join(parent, "becomes-fifo")
	mustWrite(t, fifoFile, "regular for now\n")
	srv := &Server{}
	addr := startServer(t, srv, &route.Routes{Routes: []route.Route{
		{Path: "/static/", Prefix: true, Kind: route.KindDir, Dir: public},
		{Path: "/list/", Prefix: true, Kind: route.KindDir, Dir: public, Listing: true},
		{Path: "/fifo-file", Kind: route.KindFile, File: fifoFile},
	}})

	// Planted while the server runs: the check is made at every open.
	if err := os.Symlink("../secret.txt", filepath.Join(public, "late-link")); err != nil {
		t.Fatal(err)
	}
	// A file route whose regular file is replaced by a FIFO.
	os.Remove(fifoFile)
	if err := syscall.Mkfifo(fifoFile, 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		target string
		status int
		body   string // "" means not checked
	}{
		{"/static/ok.txt", 200, "ok\n"},
		{"/static/inside-link", 200, "ok\n"},
		{"/static/sub/up-link", 200, "ok\n"},
		{"/static/abs-link", 404, ""},
		{"/static/rel-link", 404, ""},
		{"/static/chain-a", 404, ""},
		{"/static/sub/deep-outside", 404, ""},
		{"/static/late-link", 404, ""},
		{"/static/parent-dir/secret.txt", 404, ""},
		{"/static/parent-dir/", 404, ""},
		{"/static/root-dir/etc/passwd", 404, ""},
		{"/static/etc-passwd", 404, ""},
		{"/static/loop-a", 404, ""},
		{"/static/idx/", 403, "directory listing not enabled for /static/idx/\n"},
		{"/list/idx/", 200, "index.html\n"},
		{"/list/parent-dir/", 404, ""},
		{"/list/root-dir/", 404, ""},
		{"/static/pipe", 404, "not a regular file: /static/pipe\n"},
		{"/fifo-file", 404, "not a regular file: /fifo-file\n"},
		{"/static/../secret.txt", 400, ""},
		{"/static/%2e%2e/secret.txt", 400, ""},
		{"/static/%2e%2e%2fsecret.txt", 400, ""},
		{"/static/..%2fsecret.txt", 400, ""},
		{"/static/.%2e/secret.txt", 400, ""},
		{"/static/sub/%2e%2e/%2e%2e/secret.txt", 400, ""},
		{"/static/sub%2f..%2f..%2fsecret.txt", 400, ""},
		{"/static/%c0%ae%c0%ae/secret.txt", 400, ""},
		{"/static/ok.txt%00", 400, ""},
		{"/static/%252e%252e/secret.txt", 404, ""},
		{"/static/..%5csecret.txt", 404, ""},
		{"/static//etc/passwd", 404, ""},
		{"/static/%2fetc%2fpasswd", 404, ""},
		{"/static/" + strings.TrimPrefix(filepath.Join(parent, "secret.txt"), "/"), 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			start := time.Now()
			r := parseReply(t, roundTrip(t, addr, "GET "+tt.target+" HTTP/1.0\r\n\r\n"))
			if r.status != tt.status {
				t.Errorf("status %d, want %d (body %q)", r.status, tt.status, r.body)
			}
			if tt.body != "" && r.body != tt.body {
				t.Errorf("body %q, want %q", r.body, tt.body)
			}
			if strings.Contains(r.body, secretContent) || strings.Contains(r.body, "root:") {
				t.Errorf("served a file from outside the root: %q", r.body)
			}
			checkFramed(t, r)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	// The replies came; the exchanges must also end, which one blocked in
	// an open never would.
	waitFor(t, "every exchange to end", func() bool { return srv.Stats().Writing == 0 })
}

// TestDirListingShowsNamesOnly checks that a listing of a directory full
// of symlinks out names them without following them.
func TestDirListingShowsNamesOnly(t *testing.T) {
	_, public := confinedTree(t)
	addr := startServer(t, &Server{}, &route.Routes{Routes: []route.Route{
		{Path: "/list/", Prefix: true, Kind: route.KindDir, Dir: public, Listing: true},
	}})
	r := parseReply(t, roundTrip(t, addr, "GET /list/ HTTP/1.0\r\n\r\n"))
	if r.status != 200 || !strings.Contains(r.body, "abs-link\n") || !strings.Contains(r.body, "ok.txt\n") {
		t.Errorf("listing: %d %q", r.status, r.body)
	}
	if strings.Contains(r.body, secretContent) {
		t.Errorf("listing shows content from outside the root: %q", r.body)
	}
	checkFramed(t, r)
}

// TestFileRouteVariantConfinedToItsDirectory checks that a file route's
// .gz variant, which the routes do not name, is opened inside the file's
// directory: one planted there after load as a symlink leading out of it is
// not sent, one that stays inside is; the file itself is opened by the path
// the routes name.
func TestFileRouteVariantConfinedToItsDirectory(t *testing.T) {
	parent := t.TempDir()
	site := filepath.Join(parent, "site")
	mustWrite(t, filepath.Join(parent, "secret.txt"), secretContent+"\n")
	mustWrite(t, filepath.Join(site, "doc.txt"), "doc\n")
	mustWrite(t, filepath.Join(site, "v2.txt"), "doc, second edition\n")
	mustWrite(t, filepath.Join(site, "v2.txt.gz"), "gzipped\n")
	addr := startServer(t, &Server{}, &route.Routes{Routes: []route.Route{
		{Path: "/doc", Kind: route.KindFile, File: filepath.Join(site, "doc.txt")},
		{Path: "/current", Kind: route.KindFile, File: filepath.Join(site, "current.txt")},
	}})
	for _, link := range []struct{ target, name string }{
		{"../secret.txt", "doc.txt.gz"}, // out of the directory
		{"v2.txt", "current.txt"},       // inside it
		{"v2.txt.gz", "current.txt.gz"}, // inside it
	} {
		if err := os.Symlink(link.target, filepath.Join(site, link.name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ req, body string }{
		{"GET /doc HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n", "doc\n"},
		{"GET /current HTTP/1.0\r\n\r\n", "doc, second edition\n"},
		{"GET /current HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n", "gzipped\n"},
	} {
		if r := parseReply(t, roundTrip(t, addr, c.req)); r.status != 200 || r.body != c.body {
			t.Errorf("%q: %d %q; want 200 %q", c.req, r.status, r.body, c.body)
		}
	}
}

// TestFileRouteFollowsItsSymlink checks that a file route whose file is a
// symlink serves what the link names at each request, under the name the
// routes give it, as a Kubernetes ConfigMap volume's files are
// (index.html -> ..data/index.html, ..data -> a dated directory that each
// update replaces).
func TestFileRouteFollowsItsSymlink(t *testing.T) {
	site := filepath.Join(t.TempDir(), "site")
	mustWrite(t, filepath.Join(site, "..v1", "index.html"), "v1\n")
	mustWrite(t, filepath.Join(site, "..v1", "index.html.gz"), "v1 gzipped\n")
	for _, link := range []struct{ target, name string }{
		{"..v1", "..data"},
		{"..data/index.html", "index.html"},
		{"..data/index.html.gz", "index.html.gz"},
	} {
		if err := os.Symlink(link.target, filepath.Join(site, link.name)); err != nil {
			t.Fatal(err)
		}
	}
	mustWrite(t, filepath.Join(site, "routes.yaml"), "routes:\n  - path: /\n    file: index.html\n")
	rs, err := config.LoadRoutesFile(filepath.Join(site, "routes.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	addr := startServer(t, &Server{}, rs)
	mustWrite(t, filepath.Join(site, "..v2", "index.html"), "v2\n")
	if err := os.Symlink("..v2", filepath.Join(site, "..data_tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(site, "..data_tmp"), filepath.Join(site, "..data")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(site, "..v1")); err != nil {
		t.Fatal(err)
	}
	raw := roundTrip(t, addr, "GET / HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n")
	if r := parseReply(t, raw); r.status != 200 || r.body != "v2\n" || !strings.Contains(raw, "Content-Type: text/html") {
		t.Errorf("after the update: %q; want 200 \"v2\\n\" as text/html", raw)
	}
}
