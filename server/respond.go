package server

import (
	"errors"
	"io"
	"io/fs"
	"mime"
	"net"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

// maxListing bounds the entries of a directory listing.
const maxListing = 10000

// truncatedBody is what a truncate fault sends: half of the body its
// Content-Length announces.
var truncatedBody = []byte("this reply stops short of its Content-Length on purpose\n")

// respond picks the request's route in t and replies.
func (ex *exchange) respond(t *Table) {
	if h := ex.srv.testOnRespond; h != nil {
		h(&ex.req)
	}
	r := t.lookup(ex.req.Path)
	if r == nil {
		ex.writePlain(404, "no route for "+ex.req.Path)
		return
	}
	ex.rec.Route = r.Path
	if !r.allows(ex.req.Method) {
		ex.writePlain(405, "method "+ex.req.Method+" not allowed on "+r.Path, route.Header{Name: "Allow", Value: r.allow})
		return
	}
	if r.Delay > 0 && !ex.srv.sleep(r.Delay) {
		ex.rec.End = EndAborted
		return
	}
	ex.rec.Status = r.Status
	headOnly := ex.req.HeadOnly()
	switch r.Kind {
	case route.KindBody, route.KindIndex, route.KindRedirect:
		ex.writeStatic(r.static, headOnly)
	case route.KindEcho:
		ex.writeEcho(r, headOnly)
	case route.KindFile:
		ex.serveFile(t.files, r.File, r, headOnly)
	case route.KindDir:
		ex.serveDir(t.files, r, headOnly)
	case route.KindFault:
		ex.fault(r, headOnly)
	default:
		panic("server: route " + r.Path + " has unknown kind " + string(r.Kind))
	}
}

func (ex *exchange) writeStatic(sr *staticReply, headOnly bool) {
	rest := sr.full
	if headOnly {
		rest = rest[:sr.headLen]
	}
	ex.write(sr.pre, ex.srv.dates.Get(time.Now()), rest, nil)
}

// writeEcho replies with the request body, typed as the request was.
func (ex *exchange) writeEcho(r *entry, headOnly bool) {
	ctype, ok := ex.req.Get("Content-Type")
	if !ok {
		ctype = "application/octet-stream"
	}
	h := wire.RenderHead(r.Status, ctype, int64(len(ex.req.Body)), r.Headers)
	body := ex.req.Body
	if headOnly {
		body = nil
	}
	ex.write(h.Pre, ex.srv.dates.Get(time.Now()), h.Post, body)
}

// openFile opens name in files, or on the operating system when files is nil.
func openFile(files fs.FS, name string) (fs.File, error) {
	if files == nil {
		return os.OpenFile(name, openFlags, 0)
	}
	return files.Open(name)
}

// openFlags open the files that routes serve. O_NONBLOCK makes opening a
// FIFO return at once instead of blocking until a writer appears, which no
// timeout would end and which Close would wait for forever; sendFile then
// refuses it as not a regular file. Regular files ignore the flag.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

// serveFile opens and sends one file, or its precompressed variant (see
// sendVariant).
func (ex *exchange) serveFile(files fs.FS, name string, r *entry, headOnly bool) {
	f, err := openFile(files, name)
	if err != nil {
		ex.srv.logger().Warn("file route cannot open its file", "route", r.Path, "err", err)
		ex.writePlain(404, "file not found: "+ex.req.Path)
		return
	}
	defer f.Close()
	ex.sendVariant(f, name, func(n string) (fs.File, error) { return openFile(files, n) }, r, headOnly)
}

// sendFile sends an open file with the route's status and headers, the
// file's validators (ETag, Last-Modified) and, on GET, the one range the
// request asks for; enc says which variant of the file it is. A route whose
// status is not 200 sends the whole file without validators, as nginx
// applies neither conditions nor ranges to other statuses. Sending an
// *os.File goes through io.CopyN to the TCP connection (ex.wconn, under any
// wrapper), which uses sendfile from the file's offset.
func (ex *exchange) sendFile(f fs.File, name string, enc encoding, r *entry, headOnly bool) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		ex.writePlain(404, "not a regular file: "+ex.req.Path)
		return
	}
	size := st.Size()
	status, start, length := r.Status, int64(0), size
	var extra []route.Header
	if enc.vary {
		extra = append(extra, route.Header{Name: "Vary", Value: "Accept-Encoding"})
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
		if ex.req.Method == "GET" || headOnly {
			inm, hasINM := ex.req.List("If-None-Match")
			ims, _ := ex.req.Get("If-Modified-Since")
			if v.notModified(inm, hasINM, ims) {
				ex.rec.Status = 304
				h := wire.RenderHead(304, "", -1, append(extra, r.Headers...))
				ex.write(h.Pre, ex.srv.dates.Get(time.Now()), h.Post, nil)
				return
			}
		}
		rg, outcome := ex.requestedRange(v, size)
		switch outcome {
		case rangeUnsatisfiable:
			ex.writePlain(416, "range not satisfiable: the file has "+strconv.FormatInt(size, 10)+" bytes",
				route.Header{Name: "Content-Range", Value: "bytes */" + strconv.FormatInt(size, 10)})
			return
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
	h := wire.RenderHead(status, contentType(name), length, append(extra, r.Headers...))
	ex.rec.Status = status
	if !ex.write(h.Pre, ex.srv.dates.Get(time.Now()), h.Post, nil) || headOnly {
		return
	}
	n, err := io.CopyN(ex.wconn, f, length)
	ex.rec.BytesOut += n
	switch {
	case err == nil:
	case n < length && !isNetError(err):
		ex.srv.logger().Error("file failed while being sent", "route", r.Path, "file", name, "from", start, "sent", n, "size", length, "err", err)
		ex.rec.End = EndFileError
	default:
		ex.rec.End = writeEnd(err)
	}
}

// requestedRange returns the range a GET asks for in its Range header, when
// its If-Range, if any, matches the file; rangeWhole otherwise.
func (ex *exchange) requestedRange(v validators, size int64) (byteRange, rangeOutcome) {
	if ex.req.Method != "GET" {
		return byteRange{}, rangeWhole
	}
	h, ok := ex.req.List("Range")
	if !ok {
		return byteRange{}, rangeWhole
	}
	if ir, ok := ex.req.Get("If-Range"); ok && !v.rangeApplies(ir) {
		return byteRange{}, rangeWhole
	}
	return parseRange(h, size)
}

// isNetError reports whether err came from the connection rather than the
// file.
func isNetError(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe)
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
// a symlink escape the directory.
func (ex *exchange) serveDir(files fs.FS, r *entry, headOnly bool) {
	rel := strings.TrimSuffix(strings.TrimPrefix(ex.req.Path, r.Path), "/")
	if rel == "" {
		rel = "."
	}
	if !fs.ValidPath(rel) {
		ex.writePlain(404, "not found: "+ex.req.Path)
		return
	}
	f, err := openInDir(files, r.Dir, rel)
	if err != nil {
		ex.writePlain(404, "not found: "+ex.req.Path)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		ex.writePlain(404, "not found: "+ex.req.Path)
		return
	}
	open := func(n string) (fs.File, error) { return openInDir(files, r.Dir, n) }
	if !st.IsDir() {
		ex.sendVariant(f, rel, open, r, headOnly)
		return
	}
	index := path.Join(rel, "index.html")
	if idx, err := open(index); err == nil {
		defer idx.Close()
		ex.sendVariant(idx, index, open, r, headOnly)
		return
	}
	if !r.Listing {
		ex.writePlain(403, "directory listing not enabled for "+ex.req.Path)
		return
	}
	ex.writeListing(f, r, headOnly)
}

func openInDir(files fs.FS, dir, rel string) (fs.File, error) {
	if files == nil {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, err
		}
		defer root.Close()
		return root.OpenFile(rel, openFlags, 0)
	}
	return files.Open(path.Join(dir, rel))
}

// writeListing replies with the names in a directory, one a line, with "/"
// after directories.
func (ex *exchange) writeListing(f fs.File, r *entry, headOnly bool) {
	d, ok := f.(fs.ReadDirFile)
	if !ok {
		ex.writePlain(403, "directory cannot be listed")
		return
	}
	entries, err := d.ReadDir(maxListing)
	if err != nil && err != io.EOF {
		ex.writePlain(500, "cannot read directory")
		return
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		name := e.Name()
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
	h := wire.RenderHead(r.Status, "text/plain; charset=utf-8", int64(len(body)), r.Headers)
	if headOnly {
		body = nil
	}
	ex.write(h.Pre, ex.srv.dates.Get(time.Now()), h.Post, body)
}

// fault misbehaves as the route asks, for testing clients. A reply to HEAD
// has no body to cut short, so truncate answers HEAD with the head alone,
// as GET's head, and the exchange ends delivered; reset and close treat
// HEAD as any method.
func (ex *exchange) fault(r *entry, headOnly bool) {
	ex.rec.End = EndFault
	switch r.Fault {
	case route.FaultReset:
		ex.rec.Status = 0
		if tc, ok := ex.tcpConn().(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		if ex.tcp != nil {
			ex.tcp.Close() // before TLS's Close sends a close_notify
		}
	case route.FaultClose:
		ex.rec.Status = 0
	case route.FaultTruncate:
		h := wire.RenderHead(r.Status, "text/plain; charset=utf-8", int64(2*len(truncatedBody)), r.Headers)
		if headOnly {
			ex.write(h.Pre, ex.srv.dates.Get(time.Now()), h.Post, nil)
			return
		}
		if ex.write(h.Pre, ex.srv.dates.Get(time.Now()), h.Post, truncatedBody) {
			ex.rec.End = EndFault
		}
	}
}

// tcpConn returns the connection the reply is written to, or the one under
// TLS.
func (ex *exchange) tcpConn() net.Conn {
	if ex.tcp != nil {
		return ex.tcp
	}
	return ex.wconn
}
