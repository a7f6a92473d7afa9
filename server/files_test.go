package server

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

// fileRoutes serves one file of 100 bytes with a known modification time,
// beside a precompressed variant of another, from the OS. The time has
// nanoseconds, as a real file's does, which Last-Modified leaves out.
func fileRoutes(t *testing.T) (rs *route.Routes, body string, mtime time.Time) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 100 {
		b.WriteByte(byte('a' + i%26))
	}
	body = b.String()
	mtime = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	for _, name := range []string{"f.txt", "site/f.txt", "site/z.txt"} {
		mustWrite(t, filepath.Join(dir, name), body)
		if err := os.Chtimes(filepath.Join(dir, name), mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, body)
	zw.Close()
	mustWrite(t, filepath.Join(dir, "site/z.txt.gz"), gz.String())
	mustWrite(t, filepath.Join(dir, "f.txt.gz"), gz.String())
	return &route.Routes{Source: "test", Routes: []route.Route{
		{Path: "/plain", Kind: route.KindFile, File: filepath.Join(dir, "site/f.txt")},
		{Path: "/gz", Kind: route.KindFile, File: filepath.Join(dir, "f.txt")},
		{Path: "/teapot", Kind: route.KindFile, File: filepath.Join(dir, "site/f.txt"), Status: 418},
		{Path: "/site/", Prefix: true, Kind: route.KindDir, Dir: filepath.Join(dir, "site")},
	}}, body, mtime
}

func TestConditionalAndRangeReplies(t *testing.T) {
	rs, body, mtime := fileRoutes(t)
	addr := startServer(t, &Server{}, rs)
	etag := fmt.Sprintf(`"%x-%x"`, mtime.Unix(), len(body))
	lastMod := mtime.Format(wire.DateFormat)
	before := mtime.Add(-time.Second).Format(wire.DateFormat)
	after := mtime.Add(time.Second).Format(wire.DateFormat)
	tests := []struct {
		name, method, path, headers string
		status                      int
		body                        string
		want                        map[string]string
	}{
		{"validators", "GET", "/plain", "", 200, body, map[string]string{"ETag": etag, "Last-Modified": lastMod, "Accept-Ranges": "bytes", "Content-Length": "100"}},
		{"dir validators", "GET", "/site/f.txt", "", 200, body, map[string]string{"ETag": etag, "Last-Modified": lastMod}},
		{"If-None-Match", "GET", "/plain", "If-None-Match: " + etag, 304, "", map[string]string{"ETag": etag, "Content-Length": "", "Content-Type": ""}},
		{"If-None-Match weak", "GET", "/plain", "If-None-Match: \"x\", W/" + etag, 304, "", nil},
		{"If-None-Match two fields", "GET", "/plain", "If-None-Match: \"x\"\r\nIf-None-Match: " + etag, 304, "", nil},
		{"If-None-Match star", "HEAD", "/site/f.txt", "If-None-Match: *", 304, "", nil},
		{"If-None-Match other", "GET", "/plain", "If-None-Match: \"1-2\"", 200, body, nil},
		{"If-None-Match wins over If-Modified-Since", "GET", "/plain", "If-None-Match: \"1-2\"\r\nIf-Modified-Since: " + lastMod, 200, body, nil},
		{"If-Modified-Since same", "GET", "/plain", "If-Modified-Since: " + lastMod, 304, "", map[string]string{"Last-Modified": lastMod}},
		{"If-Modified-Since earlier", "GET", "/plain", "If-Modified-Since: " + before, 200, body, nil},
		{"If-Modified-Since RFC 850", "GET", "/plain", "If-Modified-Since: Monday, 06-May-24 07:08:09 GMT", 304, "", nil},
		{"If-Modified-Since asctime", "GET", "/plain", "If-Modified-Since: Mon May  6 07:08:09 2024", 304, "", nil},
		{"If-Modified-Since malformed", "GET", "/plain", "If-Modified-Since: yesterday", 200, body, nil},
		{"no validators on other statuses", "GET", "/teapot", "If-None-Match: *\r\nRange: bytes=0-1", 418, body, map[string]string{"ETag": "", "Accept-Ranges": ""}},
		{"range", "GET", "/plain", "Range: bytes=10-19", 206, body[10:20], map[string]string{"Content-Range": "bytes 10-19/100", "Content-Length": "10", "ETag": etag}},
		{"range open", "GET", "/site/f.txt", "Range: bytes=95-", 206, body[95:], map[string]string{"Content-Range": "bytes 95-99/100"}},
		{"range suffix", "GET", "/plain", "Range: bytes=-7", 206, body[93:], map[string]string{"Content-Range": "bytes 93-99/100"}},
		{"range whole", "GET", "/plain", "Range: bytes=0-", 206, body, map[string]string{"Content-Range": "bytes 0-99/100"}},
		{"range on HEAD ignored", "HEAD", "/plain", "Range: bytes=10-19", 200, "", map[string]string{"Content-Length": "100"}},
		{"ranges several", "GET", "/plain", "Range: bytes=0-1,5-6", 200, body, map[string]string{"Content-Range": ""}},
		{"range unsatisfiable", "GET", "/plain", "Range: bytes=100-", 416, "range not satisfiable: the file has 100 bytes\n", map[string]string{"Content-Range": "bytes */100"}},
		{"If-Range etag", "GET", "/plain", "Range: bytes=10-19\r\nIf-Range: " + etag, 206, body[10:20], nil},
		{"If-Range weak etag", "GET", "/plain", "Range: bytes=10-19\r\nIf-Range: W/" + etag, 200, body, nil},
		{"If-Range other etag", "GET", "/plain", "Range: bytes=10-19\r\nIf-Range: \"1-2\"", 200, body, nil},
		{"If-Range date", "GET", "/plain", "Range: bytes=10-19\r\nIf-Range: " + lastMod, 206, body[10:20], nil},
		{"If-Range earlier date", "GET", "/plain", "Range: bytes=10-19\r\nIf-Range: " + before, 200, body, nil},
		{"If-Range later date", "GET", "/plain", "Range: bytes=10-19\r\nIf-Range: " + after, 200, body, nil},
		{"If-Range unsatisfiable mismatch", "GET", "/plain", "Range: bytes=500-\r\nIf-Range: \"1-2\"", 200, body, nil},
		{"no .gz: no Vary", "GET", "/plain", "Accept-Encoding: gzip", 200, body, map[string]string{"Vary": "", "Content-Encoding": ""}},
		{"identity variant has Vary", "GET", "/gz", "", 200, body, map[string]string{"Vary": "Accept-Encoding", "Content-Encoding": ""}},
		{"gzip refused", "GET", "/site/z.txt", "Accept-Encoding: gzip;q=0", 200, body, map[string]string{"Vary": "Accept-Encoding", "Content-Encoding": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.method + " " + tt.path + " HTTP/1.1\r\nHost: x\r\n"
			if tt.headers != "" {
				req += tt.headers + "\r\n"
			}
			r := parseReply(t, roundTrip(t, addr, req+"\r\n"))
			if r.status != tt.status || r.body != tt.body {
				t.Errorf("got %d %q, want %d %q", r.status, r.body, tt.status, tt.body)
			}
			for name, want := range tt.want {
				if got := r.header[name]; got != want {
					t.Errorf("%s: %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestPrecompressedVariant(t *testing.T) {
	rs, body, _ := fileRoutes(t)
	addr := startServer(t, &Server{}, rs)
	for _, path := range []string{"/gz", "/site/z.txt"} {
		r := parseReply(t, roundTrip(t, addr, "GET "+path+" HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br, gzip\r\n\r\n"))
		checkFramed(t, r)
		if r.status != 200 || r.header["Content-Encoding"] != "gzip" || r.header["Vary"] != "Accept-Encoding" || r.header["Content-Type"] != "text/plain; charset=utf-8" {
			t.Fatalf("%s: %d %v", path, r.status, r.header)
		}
		zr, err := gzip.NewReader(strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := io.ReadAll(zr); err != nil || string(got) != body {
			t.Errorf("%s: gunzipped %q, %v", path, got, err)
		}
		// The variant's own validators and ranges.
		gzSize := len(r.body)
		part := parseReply(t, roundTrip(t, addr, "GET "+path+" HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nRange: bytes=0-9\r\n\r\n"))
		if part.status != 206 || part.body != r.body[:10] || part.header["Content-Range"] != fmt.Sprintf("bytes 0-9/%d", gzSize) {
			t.Errorf("%s: range of the variant: %d %q %v", path, part.status, part.body, part.header)
		}
		nm := parseReply(t, roundTrip(t, addr, "GET "+path+" HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nIf-None-Match: "+r.header["ETag"]+"\r\n\r\n"))
		if nm.status != 304 || !strings.HasSuffix(r.header["ETag"], fmt.Sprintf(`-%x"`, gzSize)) {
			t.Errorf("%s: ETag %s, If-None-Match with it: %d", path, r.header["ETag"], nm.status)
		}
	}
}

// failingFS opens files whose reads fail once half the file is read.
type failingFS struct{ fstest.MapFS }

func (f failingFS) Open(name string) (fs.File, error) {
	file, err := f.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := file.Stat()
	if err != nil {
		return nil, err
	}
	return &failingFile{File: file, left: st.Size() / 2}, nil
}

type failingFile struct {
	fs.File
	left int64
}

var errDiskFailed = errors.New("the disk failed")

func (f *failingFile) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, errDiskFailed
	}
	n, err := f.File.Read(p[:min(int64(len(p)), f.left)])
	f.left -= int64(n)
	return n, err
}

func (f *failingFile) Seek(off int64, whence int) (int64, error) {
	return f.File.(io.Seeker).Seek(off, whence)
}

// TestFileFailingMidReply checks that a file whose read fails after its
// head was sent ends the exchange as a file error, with fewer bytes than
// its Content-Length, so that the client sees the reply failed.
func TestFileFailingMidReply(t *testing.T) {
	body := strings.Repeat("0123456789", 10_000)
	ends := make(chan End, 1)
	srv := &Server{OnExchange: func(e *Exchange) { ends <- e.End }}
	addr := startServer(t, srv, &route.Routes{
		Files:  failingFS{fstest.MapFS{"big.txt": {Data: []byte(body)}}},
		Routes: []route.Route{{Path: "/big", Kind: route.KindFile, File: "big.txt"}},
	})
	r := parseReply(t, roundTrip(t, addr, "GET /big HTTP/1.0\r\n\r\n"))
	if r.status != 200 || r.header["Content-Length"] != strconv.Itoa(len(body)) {
		t.Fatalf("got %d with Content-Length %q, want 200 with %d", r.status, r.header["Content-Length"], len(body))
	}
	if len(r.body) >= len(body) || !strings.HasPrefix(body, r.body) {
		t.Errorf("got %d bytes of the body, want fewer than its %d, and those the file's", len(r.body), len(body))
	}
	if e := <-ends; e != EndFileError {
		t.Errorf("ended %v, want %v", e, EndFileError)
	}
}

// TestClientGoneMidFile checks that a client that resets while a file is
// being sent ends the exchange as client_gone, not as a file error, both
// when the file is copied through the process and when the kernel sends
// it (sendfile, from the disk).
func TestClientGoneMidFile(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<19) // 8 MiB
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "big.txt"), string(body))
	for name, files := range map[string]fs.FS{
		"in memory": fstest.MapFS{"big.txt": {Data: body}},
		"on disk":   os.DirFS(dir),
	} {
		t.Run(name, func(t *testing.T) {
			ends := make(chan End, 1)
			srv := &Server{OnExchange: func(e *Exchange) { ends <- e.End }}
			addr := startServer(t, srv, &route.Routes{
				Files:  files,
				Routes: []route.Route{{Path: "/big", Kind: route.KindFile, File: "big.txt"}},
			})
			c := dial(t, addr)
			c.SetReadBuffer(16 << 10)
			io.WriteString(c, "GET /big HTTP/1.0\r\n\r\n")
			c.CloseWrite()
			if _, err := io.ReadFull(c, make([]byte, 64<<10)); err != nil {
				t.Fatal(err)
			}
			c.SetLinger(0)
			c.Close()
			select {
			case e := <-ends:
				if e != EndClientGone {
					t.Errorf("ended %v, want %v", e, EndClientGone)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the exchange did not end")
			}
		})
	}
}
