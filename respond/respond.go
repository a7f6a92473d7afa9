// Package respond decides the reply to a parsed request: it holds the
// immutable route Table and, for a request, picks its route and describes
// the reply the route gives (404 and 405, static bodies, echo, files and
// directories with their validators, ranges and precompressed variants,
// redirects and faults). It never touches a connection: the server carries
// the Reply out, as net/http's server runs what a Handler decides.
package respond

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tinyhttpd/tinyhttpd/internal/regfile"
	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

// maxListing bounds the entries of a directory listing.
const maxListing = 10000

// truncatedBody is what a truncate fault sends: half of the body its
// Content-Length announces.
var truncatedBody = []byte("this reply stops short of its Content-Length on purpose\n")

// Reply describes the reply to one request. The bytes to send are Pre, the
// Date header's value, Post and Body, then Length bytes of File when File is
// not nil. Pre ends with "Date: "; Post continues the head after the date
// and, for a reply rendered when the table was built, holds the body too.
type Reply struct {
	// Status is the reply's status, for the exchange's record; 0 for a
	// reset or close fault, which sends nothing.
	Status int
	// Pre, Post and Body are the reply in memory, around the date.
	Pre, Post, Body []byte
	// File, if not nil, is the file whose bytes follow Body: Length of
	// them from Offset, where the file is positioned already. The caller
	// closes it. Name is its name in the route, for the log.
	File           fs.File
	Name           string
	Offset, Length int64
	// Fault is the misbehaviour a fault route asks of the exchange, or ""
	// when the reply is an honest one. With FaultTruncate the reply
	// announces more body than it has, and the exchange ends as a fault
	// once it is sent; FaultReset and FaultClose send nothing.
	Fault string
	// Err, if not nil, is why a file or dir route could not serve what it
	// names, for the log: its file is missing or unreadable, or a file
	// under its directory cannot be read for another reason than not being
	// there. The reply then says so with a 404, 403 or 500.
	Err error
}

// Match is the route of a Table that a request names, as Lookup finds it.
// The zero Match names no route.
type Match struct {
	r       *entry
	allowed bool // the route allows the request's method
}

// Lookup returns the route of t that req names. A nil Table has no routes.
func (t *Table) Lookup(req *wire.Request) Match {
	r := t.lookup(req.Path)
	return Match{r: r, allowed: r != nil && r.allows(req.Method)}
}

// Route returns the path of the matched route, or "" when there is none.
func (m Match) Route() string {
	if m.r == nil {
		return ""
	}
	return m.r.Path
}

// Found reports whether a route has the path and allows the method, so
// that the reply is the route's own rather than a 404 or 405.
func (m Match) Found() bool { return m.allowed }

// Delay is how long the route asks to wait before its reply, or 0; a 404
// or 405 does not wait.
func (m Match) Delay() time.Duration {
	if !m.allowed {
		return 0
	}
	return m.r.Delay
}

// RenderedLen returns the length of the route's reply without its date
// when it was rendered with the table, so that it is ready to send at
// once, and -1 when it is not.
func (m Match) RenderedLen() int {
	if !m.allowed || m.r.static == nil {
		return -1
	}
	return len(m.r.static.pre) + len(m.r.static.full)
}

// Reply decides the reply to req on the route m, which t.Lookup(req)
// returned; the caller waits m.Delay() first. Of the files, it opens only
// what a file or dir route names, inside the route's root: the file itself,
// its .gz variant, or the directory it lists.
func (t *Table) Reply(req *wire.Request, m Match) Reply {
	headOnly := req.HeadOnly()
	r := m.r
	if (r == nil || r.Kind == route.KindDir) && t.namesDirRoute(req) {
		if rep, ok := slashRedirect(req, headOnly); ok {
			return rep
		}
	}
	switch {
	case r == nil:
		return plain(404, "no route for "+req.Path, headOnly)
	case !m.allowed:
		return plain(405, "method "+req.Method+" not allowed on "+r.Path, headOnly, route.Header{Name: "Allow", Value: r.allow})
	}
	switch r.Kind {
	case route.KindBody, route.KindIndex, route.KindRedirect:
		rest := r.static.full
		if headOnly {
			rest = rest[:r.static.headLen]
		}
		return Reply{Status: r.Status, Pre: r.static.pre, Post: rest}
	case route.KindEcho:
		return echo(req, r, headOnly)
	case route.KindFile:
		return serveFile(t.files, req, r, headOnly)
	case route.KindDir:
		return serveDir(t.files, req, r, headOnly)
	case route.KindFault:
		return fault(r, headOnly)
	}
	panic("respond: route " + r.Path + " has unknown kind " + string(r.Kind))
}

// plain is a reply whose body is one line of text (wire.Plain).
func plain(status int, reason string, headOnly bool, extra ...route.Header) Reply {
	h, body := wire.Plain(status, reason, headOnly, extra...)
	return Reply{Status: status, Pre: h.Pre, Post: h.Post, Body: body}
}

// rendered is a reply with a rendered head and a body in memory.
func rendered(status int, h wire.Head, body []byte) Reply {
	return Reply{Status: status, Pre: h.Pre, Post: h.Post, Body: body}
}

// echo replies with the request body, typed as the request was.
func echo(req *wire.Request, r *entry, headOnly bool) Reply {
	ctype, ok := req.Get("Content-Type")
	if !ok {
		ctype = "application/octet-stream"
	}
	h := wire.RenderHead(r.Status, ctype, int64(len(req.Body)), r.Headers)
	if headOnly {
		return rendered(r.Status, h, nil)
	}
	return rendered(r.Status, h, req.Body)
}

// openFile opens name in files, or on the operating system when files is nil.
func openFile(files fs.FS, name string) (fs.File, error) {
	if files == nil {
		return os.OpenFile(name, regfile.Flags, 0)
	}
	return files.Open(name)
}

// serveFile opens one file and sends it, or its precompressed variant (see
// sendVariant). The file is opened by the path the routes name, symlinks
// and all; its variant, which they do not name, is opened inside the
// file's directory, as a dir route's files are inside theirs: a variant
// that is a symlink leading out of the directory, or one in a directory
// that may be searched but not read, is not sent.
func serveFile(files fs.FS, req *wire.Request, r *entry, headOnly bool) Reply {
	f, err := openFile(files, r.File)
	if err != nil {
		return openFailed(err, req, headOnly, true)
	}
	open := func(n string) (fs.File, error) { return openFile(files, n) }
	if files == nil {
		open = func(n string) (fs.File, error) {
			if _, err := os.Lstat(n); err != nil {
				return nil, err // no variant, the usual case: one system call
			}
			return openInDir(nil, filepath.Dir(n), filepath.Base(n))
		}
	}
	return sendVariant(f, r.File, open, req, r, headOnly)
}

// sendFile sends an open file, which it closes unless the Reply carries
// it, with the route's status and headers, the file's validators (ETag,
// Last-Modified) and, on GET, the one range the request asks for; enc says
// which variant of the file it is. A route whose status is not 200 sends
// the whole file without validators, as nginx applies neither conditions
// nor ranges to other statuses.
func sendFile(f fs.File, name string, enc encoding, req *wire.Request, r *entry, headOnly bool) Reply {
	rep := fileReply(f, name, enc, req, r, headOnly)
	if rep.File == nil {
		f.Close()
	}
	return rep
}

func fileReply(f fs.File, name string, enc encoding, req *wire.Request, r *entry, headOnly bool) Reply {
	st, err := f.Stat()
	if err != nil {
		return openFailed(err, req, headOnly, true)
	}
	if !st.Mode().IsRegular() {
		rep := plain(404, "not a regular file: "+req.Path, headOnly)
		rep.Err = fmt.Errorf("%s is not a regular file (%v)", name, st.Mode().Type())
		return rep
	}
	size := st.Size()
	status, start, length := r.Status, int64(0), size
	var extra, vary []route.Header // vary: for every reply that depends on Accept-Encoding
	if enc.vary {
		vary = []route.Header{{Name: "Vary", Value: "Accept-Encoding"}}
		extra = append(extra, vary...)
	}
	if enc.gzip {
		extra = append(extra, route.Header{Name: "Content-Encoding", Value: "gzip"})
	}
	if status == 200 {
		v := fileValidators(st.ModTime(), size)
		extra = append(extra, route.Header{Name: "Accept-Ranges", Value: "bytes"})
		if v.etag != "" {
			extra = append(extra, route.Header{Name: "ETag", Value: v.etag}, route.Header{Name: "Last-Modified", Value: v.lastModified})
		}
		im, hasIM := req.List("If-Match")
		ius, _ := req.Get("If-Unmodified-Since")
		if failed := v.preconditionFailed(im, hasIM, ius); failed != "" {
			return plain(412, "precondition failed: "+failed, headOnly, vary...)
		}
		inm, hasINM := req.List("If-None-Match")
		if req.Method == "GET" || headOnly {
			ims, _ := req.Get("If-Modified-Since")
			if v.notModified(inm, hasINM, ims) {
				return rendered(304, wire.RenderHead(304, "", -1, append(extra, r.Headers...)), nil)
			}
		} else if hasINM && v.notModified(inm, true, "") {
			return plain(412, "precondition failed: If-None-Match matches", headOnly, vary...) // RFC 9110 section 13.2.2, step 3
		}
		rg, outcome := requestedRange(req, v, size)
		switch outcome {
		case rangeUnsatisfiable:
			return plain(416, "range not satisfiable: the file has "+strconv.FormatInt(size, 10)+" bytes", headOnly,
				append(vary, route.Header{Name: "Content-Range", Value: "bytes */" + strconv.FormatInt(size, 10)})...)
		case rangeOne:
			if s, ok := f.(io.Seeker); ok {
				if _, err := s.Seek(rg.Start, io.SeekStart); err == nil {
					status, start, length = 206, rg.Start, rg.Length
					extra = append(extra, route.Header{Name: "Content-Range", Value: "bytes " +
						strconv.FormatInt(start, 10) + "-" + strconv.FormatInt(start+length-1, 10) + "/" + strconv.FormatInt(size, 10)})
				}
			}
		}
	}
	rep := rendered(status, wire.RenderHead(status, contentType(name), length, append(extra, r.Headers...)), nil)
	if !headOnly {
		rep.File, rep.Name, rep.Offset, rep.Length = f, name, start, length
	}
	return rep
}

// requestedRange returns the range a GET asks for in its Range header, when
// its If-Range, if any, matches the file; rangeWhole otherwise.
func requestedRange(req *wire.Request, v validators, size int64) (byteRange, rangeOutcome) {
	if req.Method != "GET" {
		return byteRange{}, rangeWhole
	}
	h, ok := req.List("Range")
	if !ok {
		return byteRange{}, rangeWhole
	}
	if ir, ok := req.Get("If-Range"); ok && !v.rangeApplies(ir) {
		return byteRange{}, rangeWhole
	}
	return parseRange(h, size)
}

// contentType derives a Content-Type from a file name's extension.
func contentType(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// serveDir serves a file under a dir route. The part of the path after the
// route's prefix is opened inside the directory through os.Root (OS files)
// or fs.FS (embedded files), neither of which lets "..", an absolute path or
// a symlink escape the directory. A path with a segment the route hides is
// not found, before anything is opened: no file, no .gz variant, no
// index.html, no listing, no redirect to its name with a slash.
func serveDir(files fs.FS, req *wire.Request, r *entry, headOnly bool) Reply {
	rel := strings.TrimSuffix(strings.TrimPrefix(req.Path, r.Path), "/")
	if rel == "" {
		rel = "."
	}
	if !fs.ValidPath(rel) || !r.Dotfiles && rel != "." && hidesSegment(rel) {
		return plain(404, "not found: "+req.Path, headOnly) // a hidden name, as one that is not there
	}
	f, err := openInDir(files, r.Dir, rel)
	if err != nil {
		return openFailed(err, req, headOnly, false)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return openFailed(err, req, headOnly, false)
	}
	open := func(n string) (fs.File, error) { return openInDir(files, r.Dir, n) }
	if !st.IsDir() {
		if strings.HasSuffix(req.Path, "/") && rel != "." {
			f.Close() // a file named as a directory: one name per file, as nginx has it
			return plain(404, "not found: "+req.Path, headOnly)
		}
		return sendVariant(f, rel, open, req, r, headOnly)
	}
	defer f.Close()
	if !strings.HasSuffix(req.Path, "/") {
		if rep, ok := slashRedirect(req, headOnly); ok {
			return rep
		}
		return plain(404, "not found: "+req.Path, headOnly)
	}
	index := path.Join(rel, "index.html")
	if idx, err := open(index); err == nil {
		return sendVariant(idx, index, open, req, r, headOnly)
	}
	if !r.Listing {
		return plain(403, "directory listing not enabled for "+req.Path, headOnly)
	}
	return listing(f, r, headOnly)
}

// hidden reports whether a dir route hides the name of a file or directory
// under its directory, unless the route sets Dotfiles: a name that starts
// with ".", such as .git or .env, which often hold secrets, except
// .well-known, whose files are meant for any client (RFC 8615: ACME
// challenges, security.txt).
func hidden(name string) bool {
	return strings.HasPrefix(name, ".") && name != ".well-known"
}

// hidesSegment reports whether a segment of rel, a path under a dir
// route's directory, is hidden.
func hidesSegment(rel string) bool {
	for seg := range strings.SplitSeq(rel, "/") {
		if hidden(seg) {
			return true
		}
	}
	return false
}

// rootError is the failure to open a dir route's directory itself.
type rootError struct{ err error }

func (e *rootError) Error() string { return "the route's directory: " + e.err.Error() }
func (e *rootError) Unwrap() error { return e.err }

// openFailed is the reply to a route whose file (configured, when
// configured is true, or one a client named under a dir route) cannot be
// opened or examined: 404 when it is not there, or is a link that leads out
// of the directory or round in a loop, or a socket or device that cannot
// be opened; 403 when it may not be read; 500 when the system fails
// (descriptors run out, an I/O error). Err carries the cause for the log,
// except for a file a client named that is not there, which is the
// client's business, not the operator's.
func openFailed(err error, req *wire.Request, headOnly, configured bool) Reply {
	var root *rootError
	var errno syscall.Errno
	notFound := "not found: "
	if configured {
		notFound = "file not found: "
	}
	var rep Reply
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.ENAMETOOLONG):
		rep = plain(404, notFound+req.Path, headOnly)
		if !configured && !errors.As(err, &root) {
			return rep
		}
	case errors.Is(err, fs.ErrPermission):
		rep = plain(403, "forbidden: "+req.Path, headOnly)
	case errors.As(err, &errno) && errno != syscall.ELOOP && errno != syscall.ENXIO && errno != syscall.ENODEV:
		rep = plain(500, "cannot open: "+req.Path, headOnly)
	default:
		rep = plain(404, notFound+req.Path, headOnly)
	}
	rep.Err = err
	return rep
}

// namesDirRoute reports whether req names a dir route's own path without
// its trailing slash ("/static" for "/static/"), with a method the route
// allows, whether no route matches it or a shorter dir route ("/") does.
func (t *Table) namesDirRoute(req *wire.Request) bool {
	if t == nil {
		return false
	}
	return slices.ContainsFunc(t.prefixes, func(d *entry) bool {
		return d.Kind == route.KindDir && len(d.Path) == len(req.Path)+1 && strings.HasPrefix(d.Path, req.Path) &&
			strings.HasSuffix(d.Path, "/") && d.allows(req.Method)
	})
}

// slashRedirect is the 301 that sends a request for a directory named
// without its trailing slash (a dir route's own path, or a directory under
// it) to the name with it, as nginx and Go's FileServer do, so that the
// relative links of its index.html resolve inside it. ok is false when the
// new path would read as another host ("//host/", "/\host/").
func slashRedirect(req *wire.Request, headOnly bool) (rep Reply, ok bool) {
	loc := req.RawPath + "/"
	if strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
		return Reply{}, false
	}
	if req.Query != "" {
		loc += "?" + req.Query
	}
	return plain(301, "redirect to "+loc, headOnly, route.Header{Name: "Location", Value: loc}), true
}

// openInDir opens rel inside dir. A failure to open dir itself is a
// *rootError: the route's directory is gone or unreadable, whatever file
// was asked for.
func openInDir(files fs.FS, dir, rel string) (fs.File, error) {
	if files == nil {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, &rootError{err}
		}
		defer root.Close()
		return root.OpenFile(rel, regfile.Flags, 0)
	}
	return files.Open(path.Join(dir, rel))
}

// listingCut ends a listing of a directory that holds more than
// maxListing entries.
var listingCut = fmt.Sprintf("... more entries, not listed: a listing stops at %d\n", maxListing)

// listing replies with the names in a directory, one a line, in byte
// order, with "/" after directories, but for the names the route hides. A
// name that is not valid UTF-8, holds a control character, or starts as a
// quoted name or listingCut does, is quoted, as a Go string literal. Of a
// directory that holds more than maxListing entries, the first maxListing
// that it yields are listed, hidden ones counted though not shown, followed
// by listingCut.
func listing(f fs.File, r *entry, headOnly bool) Reply {
	d, ok := f.(fs.ReadDirFile)
	if !ok {
		return plain(403, "directory cannot be listed", headOnly)
	}
	entries, err := d.ReadDir(maxListing + 1)
	if err != nil && err != io.EOF {
		rep := plain(500, "cannot read directory", headOnly)
		rep.Err = err
		return rep
	}
	cut := len(entries) > maxListing
	if cut {
		entries = entries[:maxListing]
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		name := e.Name()
		if !r.Dotfiles && hidden(name) {
			continue
		}
		if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) || strings.HasPrefix(name, `"`) || strings.HasPrefix(name, "...") {
			name = strconv.Quote(name) // one line of text per name, whatever the name holds
		}
		if e.IsDir() {
			name += "/"
		}
		names = append(names, name)
	}
	slices.Sort(names)
	var body []byte
	for _, name := range names {
		body = append(append(body, name...), '\n')
	}
	if cut {
		body = append(body, listingCut...)
	}
	h := wire.RenderHead(r.Status, "text/plain; charset=utf-8", int64(len(body)), r.listingHeaders)
	if headOnly {
		body = nil
	}
	return rendered(r.Status, h, body)
}

// fault misbehaves as the route asks, for testing clients. A reply to HEAD
// has no body to cut short, so truncate answers HEAD with the head alone,
// as GET's head, as an honest reply; reset and close treat HEAD as any
// method.
func fault(r *entry, headOnly bool) Reply {
	switch r.Fault {
	case route.FaultTruncate:
		h := wire.RenderHead(r.Status, "text/plain; charset=utf-8", int64(2*len(truncatedBody)), r.Headers)
		if headOnly {
			return rendered(r.Status, h, nil)
		}
		rep := rendered(r.Status, h, truncatedBody)
		rep.Fault = route.FaultTruncate
		return rep
	}
	return Reply{Fault: r.Fault}
}
