package respond

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

// date stands in for the Date value the server puts between Pre and Post.
const date = "Sun, 29 Nov 2026 07:00:00 GMT"

// replyTable is a table over files in memory, so that replies are decided
// with no connection and no disk.
func replyTable(t *testing.T) *Table {
	t.Helper()
	files := fstest.MapFS{
		"site/a.txt":          {Data: []byte("0123456789"), ModTime: time.Unix(1_700_000_000, 0)},
		"site/sub/b.txt":      {Data: []byte("b\n")},
		"site/sub/b.txt.gz":   {Data: []byte("gzipped b")},
		"site/sub/two\nlines": {Data: []byte("x")},
		"site/sub/caf\xe9":    {Data: []byte("Latin-1")},
		"site/sub/\"q\"":      {Data: []byte("quoted")},
		"site/sub/... more":   {Data: []byte("dots")},
	}
	tbl, err := NewTable(&route.Routes{Source: "test", Files: files, Routes: []route.Route{
		{Path: "/hello", Kind: route.KindBody, Body: "hello\n"},
		{Path: "/gen204", Kind: route.KindBody, Status: 204},
		{Path: "/post-only", Kind: route.KindBody, Body: "posted\n", Methods: []string{"POST"}},
		{Path: "/slow", Kind: route.KindBody, Body: "slow\n", Delay: time.Second},
		{Path: "/echo", Kind: route.KindEcho, Methods: []string{"POST"}},
		{Path: "/a", Kind: route.KindFile, File: "site/a.txt"},
		{Path: "/a-post", Kind: route.KindFile, File: "site/a.txt", Methods: []string{"GET", "HEAD", "POST"}},
		{Path: "/reset-content", Kind: route.KindBody, Status: 205},
		{Path: "/missing", Kind: route.KindFile, File: "site/none.txt"},
		{Path: "/site/", Prefix: true, Kind: route.KindDir, Dir: "site", Listing: true},
		{Path: "/reset", Kind: route.KindFault, Fault: route.FaultReset},
		{Path: "/truncate", Kind: route.KindFault, Fault: route.FaultTruncate},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// decide parses raw and returns the table's reply to it, with its bytes as
// the server would send them, the file's included, and closes the file.
func decide(t *testing.T, tbl *Table, raw string) (Reply, string) {
	t.Helper()
	req, err := wire.ParseRequest([]byte(raw))
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	rep := tbl.Reply(req, tbl.Lookup(req))
	b := string(rep.Pre) + date + string(rep.Post) + string(rep.Body)
	if rep.File != nil {
		defer rep.File.Close()
		data, err := io.ReadAll(io.LimitReader(rep.File, rep.Length))
		if err != nil {
			t.Fatal(err)
		}
		b += string(data)
	}
	return rep, b
}

func TestReply(t *testing.T) {
	tbl := replyTable(t)
	tests := []struct {
		req    string
		status int
		has    []string // parts of the reply's bytes
		body   string   // the bytes after the head
	}{
		{"GET /nope\n", 404, []string{"HTTP/1.0 404 Not Found\r\n", "Date: " + date + "\r\n"}, "no route for /nope\n"},
		{"GET /post-only\n", 405, []string{"\r\nAllow: POST\r\n"}, "method GET not allowed on /post-only\n"},
		{"HEAD /post-only\n", 405, []string{"Content-Length: 38\r\n"}, ""},
		{"GET /hello\n", 200, []string{"Content-Length: 6\r\n"}, "hello\n"},
		{"HEAD /hello\n", 200, []string{"Content-Length: 6\r\n"}, ""},
		{"GET /gen204\n", 204, []string{"HTTP/1.0 204 No Content\r\nDate: " + date + "\r\n"}, ""},
		{"POST /echo\nContent-Type: text/x\n\nabc", 200, []string{"Content-Type: text/x\r\n"}, "abc"},
		{"GET /a\n", 200, []string{"ETag: \"6553f100-a\"\r\n", "Accept-Ranges: bytes\r\n"}, "0123456789"},
		{"HEAD /a\n", 200, []string{"Content-Length: 10\r\n"}, ""},
		{"GET /a\nRange: bytes=2-4\n", 206, []string{"Content-Range: bytes 2-4/10\r\n", "Content-Length: 3\r\n"}, "234"},
		{"GET /a\nRange: bytes=20-\n", 416, []string{"Content-Range: bytes */10\r\n"}, "range not satisfiable: the file has 10 bytes\n"},
		{"GET /a\nIf-None-Match: \"6553f100-a\"\n", 304, []string{"HTTP/1.0 304 Not Modified\r\n"}, ""},
		{"GET /a\nIf-Match: \"6553f100-a\"\n", 200, nil, "0123456789"},
		{"GET /a\nIf-Match: \"other\", \"6553f100-a\"\n", 200, nil, "0123456789"},
		{"GET /a\nIf-Match: *\n", 200, nil, "0123456789"},
		{"GET /a\nIf-Match: \"other\"\n", 412, []string{"HTTP/1.0 412 Precondition Failed\r\n"}, "precondition failed: If-Match names no current entity tag of the file\n"},
		{"GET /a\nIf-Match: W/\"6553f100-a\"\n", 412, nil, "precondition failed: If-Match names no current entity tag of the file\n"},
		{"HEAD /a\nIf-Match: \"other\"\n", 412, []string{"Content-Length: 70\r\n"}, ""},
		{"GET /a\nIf-Unmodified-Since: Tue, 14 Nov 2023 22:13:20 GMT\n", 200, nil, "0123456789"},
		{"GET /a\nIf-Unmodified-Since: Tue, 14 Nov 2023 22:13:19 GMT\n", 412, nil, "precondition failed: the file was modified after Tue, 14 Nov 2023 22:13:19 GMT\n"},
		{"GET /a\nIf-Unmodified-Since: not a date\n", 200, nil, "0123456789"},
		{"GET /a\nIf-Match: \"6553f100-a\"\nIf-Unmodified-Since: Tue, 14 Nov 2023 22:13:19 GMT\n", 200, nil, "0123456789"},
		{"GET /a\nIf-Match: \"6553f100-a\"\nRange: bytes=2-4\n", 206, []string{"Content-Range: bytes 2-4/10\r\n"}, "234"},
		{"GET /missing\n", 404, nil, "file not found: /missing\n"},
		{"GET /site/sub/b.txt\n", 200, []string{"Vary: Accept-Encoding\r\n"}, "b\n"},
		{"GET /site/sub/b.txt\nIf-None-Match: *\n", 304, []string{"HTTP/1.0 304 Not Modified\r\n"}, ""},
		{"GET /site/sub/b.txt\nIf-None-Match: \"x\"\n", 200, nil, "b\n"},
		{"GET /site/sub/b.txt\nIf-Match: \"x\"\n", 412, []string{"Vary: Accept-Encoding\r\n"}, "precondition failed: If-Match names no current entity tag of the file\n"},
		{"GET /site/sub/b.txt\nRange: bytes=9-\n", 416, []string{"Vary: Accept-Encoding\r\n", "Content-Range: bytes */2\r\n"}, "range not satisfiable: the file has 2 bytes\n"},
		{"GET /a\nIf-None-Match: *\n", 304, []string{"HTTP/1.0 304 Not Modified\r\n"}, ""},
		{"GET /site/sub/b.txt\nAccept-Encoding: gzip\n", 200, []string{"Content-Encoding: gzip\r\n", "Content-Type: text/plain; charset=utf-8\r\n"}, "gzipped b"},
		{"GET /site/\n", 200, nil, "a.txt\nsub/\n"},
		{"GET /site/sub/\n", 200, nil, "\"\\\"q\\\"\"\n\"caf\\xe9\"\n\"two\\nlines\"\nb.txt\nb.txt.gz\n"}, // one line of UTF-8 per name, never taken for another
		{"GET /site/a.txt/\n", 404, nil, "not found: /site/a.txt/\n"},                                     // a file named as a directory
		{"POST /a-post\nIf-None-Match: \"6553f100-a\"\n", 412, nil, "precondition failed: If-None-Match matches\n"},
		{"POST /a-post\nIf-None-Match: *\n", 412, nil, "precondition failed: If-None-Match matches\n"},
		{"POST /a-post\nIf-None-Match: \"other\"\n", 200, nil, "0123456789"},
		{"GET /reset-content\n", 205, []string{"Content-Length: 0\r\n"}, ""},
		{"GET /site\n", 301, []string{"\r\nLocation: /site/\r\n"}, "redirect to /site/\n"},
		{"GET /site/sub\n", 301, []string{"\r\nLocation: /site/sub/\r\n"}, "redirect to /site/sub/\n"},
		{"GET /site/sub?x=1\n", 301, []string{"\r\nLocation: /site/sub/?x=1\r\n"}, "redirect to /site/sub/?x=1\n"},
		{"HEAD /site/sub\n", 301, []string{"\r\nLocation: /site/sub/\r\n"}, ""},
		{"POST /site\n", 404, nil, "no route for /site\n"},
		{"GET /truncate\n", 200, []string{"Content-Length: 112\r\n"}, string(truncatedBody)},
		{"HEAD /truncate\n", 200, []string{"Content-Length: 112\r\n"}, ""},
	}
	for _, tt := range tests {
		rep, b := decide(t, tbl, tt.req)
		head, body, ok := strings.Cut(b, "\r\n\r\n")
		if !ok || rep.Status != tt.status || body != tt.body || !strings.HasPrefix(head, "HTTP/1.0 ") {
			t.Errorf("%q: status %d, reply %q; want %d with body %q", tt.req, rep.Status, b, tt.status, tt.body)
			continue
		}
		for _, part := range tt.has {
			if !strings.Contains(head+"\r\n", part) {
				t.Errorf("%q: head %q lacks %q", tt.req, head, part)
			}
		}
	}
}

// TestReplyRecord checks what a Reply tells the exchange besides its bytes:
// the route, the delay, the fault and why a file is missing.
func TestReplyRecord(t *testing.T) {
	tbl := replyTable(t)
	lookup := func(raw string) (*wire.Request, Match) {
		req, err := wire.ParseRequest([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		return req, tbl.Lookup(req)
	}
	if _, m := lookup("GET /slow\n"); m.Route() != "/slow" || m.Delay() != time.Second || !m.Found() {
		t.Errorf("/slow: route %q, delay %v, found %v", m.Route(), m.Delay(), m.Found())
	}
	if _, m := lookup("POST /slow\n"); m.Route() != "/slow" || m.Delay() != 0 || m.Found() {
		t.Errorf("POST /slow, a 405: route %q, delay %v, found %v", m.Route(), m.Delay(), m.Found())
	}
	if _, m := lookup("GET /nope\n"); m.Route() != "" || m.Found() || m.RenderedLen() != -1 {
		t.Errorf("/nope: route %q, found %v, rendered %d", m.Route(), m.Found(), m.RenderedLen())
	}
	req, m := lookup("GET /hello\n")
	if rep := tbl.Reply(req, m); m.RenderedLen() != len(rep.Pre)+len(rep.Post) {
		t.Errorf("/hello: RenderedLen %d, reply without date %d", m.RenderedLen(), len(rep.Pre)+len(rep.Post))
	}
	if req, m := lookup("GET /reset\n"); tbl.Reply(req, m).Fault != route.FaultReset || tbl.Reply(req, m).Status != 0 {
		t.Errorf("/reset: %+v", tbl.Reply(req, m))
	}
	if req, m := lookup("GET /truncate\n"); tbl.Reply(req, m).Fault != route.FaultTruncate {
		t.Errorf("GET /truncate is not a fault")
	}
	if req, m := lookup("HEAD /truncate\n"); tbl.Reply(req, m).Fault != "" {
		t.Errorf("HEAD /truncate is a fault; its head alone is an honest reply")
	}
	if req, m := lookup("GET /missing\n"); tbl.Reply(req, m).Err == nil {
		t.Errorf("/missing: no error for the log")
	}
	var none *Table
	if rep := none.Reply(req, none.Lookup(req)); none.Lookup(req).Found() || rep.Status != 404 {
		t.Errorf("a nil table answers %d to /hello, want 404", rep.Status)
	}
}

// countingFS counts the files opened through it and closed.
type countingFS struct {
	fs.FS
	opened, closed *int
}

func (c countingFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err != nil {
		return nil, err
	}
	*c.opened++
	return &countedFile{File: f, closed: c.closed}, nil
}

// countedFile passes on what fstest's files and directories can do.
type countedFile struct {
	fs.File
	closed *int
}

func (f *countedFile) Close() error { *f.closed++; return f.File.Close() }
func (f *countedFile) Seek(off int64, whence int) (int64, error) {
	return f.File.(io.Seeker).Seek(off, whence)
}
func (f *countedFile) ReadAt(p []byte, off int64) (int, error) {
	return f.File.(io.ReaderAt).ReadAt(p, off)
}
func (f *countedFile) ReadDir(n int) ([]fs.DirEntry, error) {
	return f.File.(fs.ReadDirFile).ReadDir(n)
}

// TestRepliesCloseWhatTheyDoNotCarry checks that every file Reply opens is
// closed before it returns, but the one the Reply carries for the server
// to send, whatever the reply.
func TestRepliesCloseWhatTheyDoNotCarry(t *testing.T) {
	var opened, closed int
	files := countingFS{FS: replyTable(t).files, opened: &opened, closed: &closed}
	tbl, err := NewTable(&route.Routes{Source: "test", Files: files, Routes: replyTable(t).Routes()})
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{
		"GET /a\n", "HEAD /a\n", "GET /a\nRange: bytes=2-4\n", "GET /a\nRange: bytes=20-\n",
		"GET /a\nIf-None-Match: \"6553f100-a\"\n", "GET /missing\n", "GET /site/sub/b.txt\n",
		"GET /site/sub/b.txt\nAccept-Encoding: gzip\n", "HEAD /site/sub/b.txt\nAccept-Encoding: gzip\n",
		"GET /site/\n", "GET /site/sub\n", "GET /site/nothing\n",
	} {
		req, perr := wire.ParseRequest([]byte(raw))
		if perr != nil {
			t.Fatalf("%q: %v", raw, perr)
		}
		rep := tbl.Reply(req, tbl.Lookup(req))
		carried := 0
		if rep.File != nil {
			carried = 1
		}
		if open := opened - closed; open != carried {
			t.Errorf("%q: %d files left open, the reply carries %d", raw, open, carried)
		}
		if rep.File != nil {
			rep.File.Close()
		}
	}
	if opened == 0 || opened != closed {
		t.Fatalf("opened %d files, closed %d", opened, closed)
	}
}

func TestNewTableRefuses(t *testing.T) {
	for name, routes := range map[string][]route.Route{
		"a path twice":     {{Path: "/a", Kind: route.KindBody}, {Path: "/a", Kind: route.KindBody}},
		"an unknown fault": {{Path: "/f", Kind: route.KindFault, Fault: "explode"}},
		"an unknown kind":  {{Path: "/k", Kind: "teapot"}},
		"no kind":          {{Path: "/k"}},
	} {
		if _, err := NewTable(&route.Routes{Routes: routes}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestOpenFailed checks the status and the log for each cause of a failed
// open: permission is 403, the system's failures 500, the rest 404.
func TestOpenFailed(t *testing.T) {
	req, err := wire.ParseRequest([]byte("GET /d/x\n"))
	if err != nil {
		t.Fatal(err)
	}
	pathErr := func(err error) error { return &fs.PathError{Op: "openat", Path: "x", Err: err} }
	for _, tc := range []struct {
		name       string
		err        error
		configured bool
		status     int
		logged     bool
	}{
		{"a client's file not there", pathErr(syscall.ENOENT), false, 404, false},
		{"a client's path through a file", pathErr(syscall.ENOTDIR), false, 404, false},
		{"the route's file not there", pathErr(syscall.ENOENT), true, 404, true},
		{"the route's directory not there", &rootError{pathErr(syscall.ENOENT)}, false, 404, true},
		{"not readable", pathErr(syscall.EACCES), false, 403, true},
		{"out of descriptors", pathErr(syscall.EMFILE), false, 500, true},
		{"a loop of links", pathErr(syscall.ELOOP), false, 404, true},
		{"a socket", pathErr(syscall.ENXIO), false, 404, true},
		{"a link out of the directory", pathErr(errors.New("path escapes from parent")), false, 404, true},
	} {
		rep := openFailed(tc.err, req, false, tc.configured)
		if rep.Status != tc.status || (rep.Err != nil) != tc.logged {
			t.Errorf("%s: status %d, err %v; want %d, logged %v", tc.name, rep.Status, rep.Err, tc.status, tc.logged)
		}
	}
}

// TestListingCut checks that the listing of a directory of more entries
// than a listing holds ends with the line that says so, and only then.
func TestListingCut(t *testing.T) {
	files := fstest.MapFS{}
	for i := range maxListing + 1 {
		files[fmt.Sprintf("d/%05d", i)] = &fstest.MapFile{}
	}
	tbl, err := NewTable(&route.Routes{Source: "test", Files: files, Routes: []route.Route{
		{Path: "/d/", Prefix: true, Kind: route.KindDir, Dir: "d", Listing: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, b := decide(t, tbl, "GET /d/\n")
	lines := strings.SplitAfter(b[strings.Index(b, "\r\n\r\n")+4:], "\n")
	if n := len(lines) - 1; n != maxListing+1 || lines[0] != "00000\n" || lines[n-1] != listingCut || lines[n] != "" {
		t.Errorf("listing of %d entries: %d lines, from %q to %q; want %d names and %q", maxListing+1, n, lines[0], lines[n-1], maxListing, listingCut)
	}
	delete(files, "d/00000")
	if _, b := decide(t, tbl, "GET /d/\n"); strings.Contains(b, listingCut) {
		t.Errorf("listing of %d entries is cut", maxListing)
	}
}

// TestNoBodyStatuses checks that a table refuses a 204 or 304 route that
// would send a body, which such replies cannot carry.
func TestNoBodyStatuses(t *testing.T) {
	for _, rt := range []route.Route{
		{Path: "/a", Kind: route.KindBody, Body: "x\n", Status: 204},
		{Path: "/b", Kind: route.KindEcho, Status: 304},
		{Path: "/c", Kind: route.KindFile, File: "f", Status: 204},
	} {
		if _, err := NewTable(&route.Routes{Source: "test", Routes: []route.Route{rt}}); err == nil {
			t.Errorf("%s (%s, %d): no error", rt.Path, rt.Kind, rt.Status)
		}
	}
}

// TestSlashRedirectUnderAnotherDirRoute checks that a dir route's own path
// without its slash gets the 301 when a shorter dir route covers it too.
func TestSlashRedirectUnderAnotherDirRoute(t *testing.T) {
	files := fstest.MapFS{"www/index.html": {Data: []byte("home")}, "assets/a.css": {Data: []byte("a")}}
	tbl, err := NewTable(&route.Routes{Source: "test", Files: files, Routes: []route.Route{
		{Path: "/", Prefix: true, Kind: route.KindDir, Dir: "www"},
		{Path: "/static/", Prefix: true, Kind: route.KindDir, Dir: "assets"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if rep, b := decide(t, tbl, "GET /static\n"); rep.Status != 301 || !strings.Contains(b, "\r\nLocation: /static/\r\n") {
		t.Errorf("/static: %q", b)
	}
	if rep, b := decide(t, tbl, "GET /nothing\n"); rep.Status != 404 {
		t.Errorf("/nothing: %q", b)
	}
}

// TestSlashRedirectStaysOnHost checks that a directory whose name would
// make the redirect's Location read as another host ("/\host/", which
// browsers take for "//host/") gets a 404 instead of the redirect.
func TestSlashRedirectStaysOnHost(t *testing.T) {
	files := fstest.MapFS{`\evil.example/f`: {Data: []byte("f")}, "ok/f": {Data: []byte("f")}}
	tbl, err := NewTable(&route.Routes{Source: "test", Files: files, Routes: []route.Route{
		{Path: "/", Prefix: true, Kind: route.KindDir, Dir: "."},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if rep, b := decide(t, tbl, "GET /\\evil.example\n"); rep.Status != 404 || strings.Contains(b, "Location") {
		t.Errorf(`/\evil.example: %q`, b)
	}
	if rep, b := decide(t, tbl, "GET /ok\n"); rep.Status != 301 || !strings.Contains(b, "\r\nLocation: /ok/\r\n") {
		t.Errorf("/ok: %q", b)
	}
}

// TestIndexNamesNoServerPath checks that an index route names its routes
// file without the server's directories, absolute or relative, and
// embedded routes as their source says.
func TestIndexNamesNoServerPath(t *testing.T) {
	for source, want := range map[string]string{
		"/etc/tinyhttpd/routes.yaml":              "routes from routes.yaml\n",
		"../../srv/app/conf/routes.yaml":          "routes from routes.yaml\n",
		"embedded default (testdata/routes.yaml)": "routes from embedded default (testdata/routes.yaml)\n",
	} {
		var files fs.FS
		if strings.HasPrefix(source, "embedded") {
			files = fstest.MapFS{}
		}
		tbl, err := NewTable(&route.Routes{Source: source, Files: files, Routes: []route.Route{{Path: "/", Kind: route.KindIndex}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, b := decide(t, tbl, "GET /\n"); !strings.Contains(b, want) || strings.Contains(b, "srv/") || strings.Contains(b, "/etc") {
			t.Errorf("index of %q: %q, want %q", source, b, want)
		}
	}
}

// TestListHeadersAllocateInProportion checks that a request of 1 MiB (the
// default MAX_REQUEST_BYTES) whose If-None-Match, If-Match or
// Accept-Encoding is all commas costs a few times its size to answer, not
// a string header per element (16 MiB), outside MAX_REQUEST_MEMORY's
// count.
func TestListHeadersAllocateInProportion(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	for _, name := range []string{file, file + ".gz"} {
		if err := os.WriteFile(name, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tbl, err := NewTable(&route.Routes{Routes: []route.Route{{Path: "/f", Kind: route.KindFile, File: file}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"If-None-Match", "If-Match", "Accept-Encoding"} {
		raw := "GET /f HTTP/1.0\r\n" + h + ": " + strings.Repeat(",", 1<<20-64) + "\r\n\r\n"
		req, perr := wire.ParseRequest([]byte(raw))
		if perr != nil {
			t.Fatal(perr)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rep := tbl.Reply(req, tbl.Lookup(req))
		runtime.ReadMemStats(&after)
		if rep.File != nil {
			rep.File.Close()
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 4*uint64(len(raw)) {
			t.Errorf("%s: a %d-byte request allocated %d bytes (%.1fx)", h, len(raw), got, float64(got)/float64(len(raw)))
		}
	}
}

// TestStoredEncoding checks that a route naming Content-Encoding sends its
// files as stored: never their .gz variants, with the route's header once.
func TestStoredEncoding(t *testing.T) {
	files := fstest.MapFS{
		"z/app.js":    {Data: []byte("stored gzip")},
		"z/app.js.gz": {Data: []byte("gzip of gzip")},
	}
	tbl, err := NewTable(&route.Routes{Source: "test", Files: files, Routes: []route.Route{
		{Path: "/z/", Prefix: true, Kind: route.KindDir, Dir: "z", Listing: true, Headers: []route.Header{{Name: "Content-Encoding", Value: "gzip"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, b := decide(t, tbl, "GET /z/app.js\nAccept-Encoding: gzip\n")
	if !strings.HasSuffix(b, "\r\n\r\nstored gzip") || strings.Count(b, "Content-Encoding:") != 1 || strings.Contains(b, "Vary:") {
		t.Errorf("reply %q; want app.js as stored, with one Content-Encoding and no Vary", b)
	}
	if _, b := decide(t, tbl, "GET /z/\n"); !strings.HasSuffix(b, "\r\n\r\napp.js\napp.js.gz\n") || strings.Contains(b, "Content-Encoding") {
		t.Errorf("listing %q; want it without the route's Content-Encoding", b)
	}
}
