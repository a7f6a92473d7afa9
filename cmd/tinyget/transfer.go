package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// defaultConnectTimeout bounds a connect and TLS handshake when
// --connect-timeout is not given, as curl's default does: a peer that
// accepts and never answers the handshake cannot hold tinyget for good.
const defaultConnectTimeout = 300 * time.Second

// maxReplyHeader bounds a reply's header section, as curl's 300 KiB does:
// servers that set many or large cookies send more than the client
// library's default.
const maxReplyHeader = 300 << 10

// copyBufSize is the size of the buffer the body is copied through.
const copyBufSize = 32 << 10

// attempt runs one exchange of a transfer and writes the reply out, to
// ti.out, which it opens when there is something to write (and drops on a
// failure, but for --fail-with-body's). It returns the Location of a
// redirect that -L follows ("" otherwise) and the attempt's error. It
// records in ti what -w reports.
func (r *runner) attempt(ti *transferInfo, t target, req *client.Request) (string, error) {
	tr := &tracer{host: t.Host, halfClose: !req.NoHalfClose, start: time.Now()}
	if r.o.verbose {
		tr.w = r.stderr
	}
	ti.trace, ti.resp, ti.download, ti.redirectURL = tr, nil, 0, ""
	defer func() {
		ti.total = time.Since(ti.start)
		ti.times.add(tr)
	}()

	ctx := r.context()
	if r.o.maxTime > 0 {
		// -m bounds the redirects followed together, as curl's does.
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, ti.start.Add(r.o.maxTime))
		defer cancel()
	}
	c := &client.Client{ConnectTimeout: cmp.Or(r.o.connectTimeout, defaultConnectTimeout), MaxHeaderBytes: maxReplyHeader, Trace: tr.event}
	switch r.o.ipVersion {
	case 4:
		c.Network = "tcp4"
	case 6:
		c.Network = "tcp6"
	}
	addr, dialName, dialPort, err := r.dialAddr(t)
	if err != nil {
		return "", err
	}
	if r.o.unixSocket != "" {
		c.Network, addr = "unix", r.o.unixSocket
	}
	if t.TLS() {
		if err := r.tlsClient(c, t); err != nil {
			return "", err
		}
	}
	m := r.meter(tr, req, ti.filename != "")
	if m != nil {
		m.run()
		defer m.stop()
	}

	p := progress{host: dialName, port: dialPort, length: -1}
	resp, err := c.Do(ctx, addr, req)
	if err != nil {
		p.elapsed = time.Since(tr.start)
		return "", clientFailure(err, p)
	}
	defer resp.Body.Close()
	ti.resp = resp
	p.length, p.chunked = resp.ContentLength, resp.Chunked
	if err := r.dump(resp.RawInterim + resp.RawHeader); err != nil {
		return "", err
	}
	showHead := r.o.include || r.o.head
	loc := ti.header("Location").s
	if loc != "" && isRedirect(resp.StatusCode) && !r.o.location {
		if _, next, err := redirectTarget(t, loc, r.o.pathAsIs); err == nil {
			ti.redirectURL = next
		}
	}
	if r.o.location && isRedirect(resp.StatusCode) && loc != "" {
		// A redirect that -L follows: its header section is shown, and
		// its body dropped, as curl does.
		if showHead {
			if err := ti.write(r, resp.RawInterim+resp.RawHeader); err != nil {
				return "", err
			}
		}
		return loc, nil
	}
	if m != nil && resp.ContentLength >= 0 && !r.o.head {
		m.total.Store(resp.ContentLength)
	}
	failed := r.o.fail && resp.StatusCode >= 400
	switch {
	case ti.resume > 0 && resp.StatusCode == 416:
		// Nothing is left to fetch past the offset: the file is whole,
		// and stays as it is, as curl has it.
		return "", nil
	case failed && !showHead:
		return "", fail(exitHTTPError, "The requested URL returned error: %d", resp.StatusCode)
	case ti.resume > 0 && !failed && !r.o.head && !resumesAt(resp.StatusCode, ti.header("Content-Range").s, ti.resume):
		if resp.ContentLength == ti.resume {
			// The whole document is as long as what is already there:
			// nothing is left to fetch, as curl has it.
			return "", nil
		}
		return "", fail(exitRangeError, "HTTP server doesn't seem to support byte ranges. Cannot resume.")
	case r.o.maxFilesize > 0 && resp.ContentLength > r.o.maxFilesize && !r.o.head:
		return "", fail(exitFileTooLarge, "Maximum file size exceeded: the reply's Content-Length is %d, --max-filesize %d", resp.ContentLength, r.o.maxFilesize)
	}
	if r.o.remoteHeader && ti.remote {
		switch name, ok := dispositionName(ti.header("Content-Disposition").s); {
		case !ok:
			r.warn("-J: not saving as the server's file name %q: tinyget writes no dot file, and no name with control characters, bidirectional controls or bytes that are not UTF-8; saving as %s", name, ti.filename)
		case name != "":
			ti.filename = r.outputPath(name)
			if _, err := os.Lstat(ti.filename); err == nil {
				return "", fail(exitWriteError, "Refusing to overwrite %s: -J names files after the server, and does not replace one that is there", ti.filename)
			}
		}
	}
	if showHead {
		// The interim replies (100 Continue, 103 Early Hints) first, as
		// curl writes them.
		if err := ti.write(r, resp.RawInterim+resp.RawHeader); err != nil {
			return "", err
		}
	}
	if failed {
		// -f -i: the header section is written, then the transfer fails.
		ti.drop()
		return "", fail(exitHTTPError, "The requested URL returned error: %d", resp.StatusCode)
	}
	out, err := ti.output(r)
	if err != nil {
		return "", err
	}
	wire := &countingReader{r: resp.Body}
	body, err := r.decoder(resp, wire)
	if err != nil {
		ti.drop()
		return "", err
	}
	buf := make([]byte, copyBufSize)
	written := int64(0)
	for {
		n, rerr := body.Read(buf)
		if n > 0 && !r.o.head {
			if written += int64(n); r.o.maxFilesize > 0 && written > r.o.maxFilesize {
				ti.drop()
				return "", fail(exitFileTooLarge, "Maximum file size exceeded: more than --max-filesize %d bytes", r.o.maxFilesize)
			}
			if _, err := out.Write(buf[:n]); err != nil {
				ti.drop()
				return "", out.writeError(err)
			}
			if m != nil {
				m.down.Add(wire.n - ti.download)
			}
			ti.download = wire.n
			if err := r.throttle(ctx, tr.start, ti.download); err != nil {
				rerr = err
			}
		}
		if rerr == nil {
			continue
		}
		if rerr == io.EOF {
			break
		}
		ti.drop()
		p.elapsed, p.received = time.Since(tr.start), ti.download
		if client.KindOf(rerr) == client.Unknown {
			return "", fail(exitBadEncoding, "Error while processing content unencoding: %v", rerr)
		}
		return "", clientFailure(rerr, p)
	}
	// A chunked body's trailer fields, without the empty line that ends
	// them, as curl writes them for -D and -i.
	trailer := strings.TrimSuffix(strings.TrimSuffix(resp.RawTrailer, "\n"), "\r")
	if err := r.dump(trailer); err != nil {
		return "", err
	}
	if showHead && trailer != "" {
		if _, err := io.WriteString(out, trailer); err != nil {
			ti.drop()
			return "", out.writeError(err)
		}
	}
	if r.o.failWithBody && resp.StatusCode >= 400 {
		return "", &exitError{code: exitHTTPError, msg: fmt.Sprintf("The requested URL returned error: %d", resp.StatusCode), keepOutput: true}
	}
	return "", nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// throttle sleeps as long as --limit-rate needs after n body bytes since
// start. ctx bounds the sleep too: when it ends first, throttle returns
// the client's error for a timeout (-m) or a cancel (-Z --fail-early).
func (r *runner) throttle(ctx context.Context, start time.Time, n int64) error {
	if r.o.limitRate <= 0 {
		return nil
	}
	due := time.Duration(float64(n) / float64(r.o.limitRate) * float64(time.Second))
	ahead := due - time.Since(start)
	if ahead <= 0 {
		return nil
	}
	t := time.NewTimer(ahead)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		kind := client.Timeout // -m
		if errors.Is(ctx.Err(), context.Canceled) {
			kind = client.Canceled // -Z --fail-early
		}
		return &client.Error{Kind: kind, Op: "read body", Err: ctx.Err()}
	}
}

// output returns the transfer's output, opening it first: stdout, or the
// file, appended to when resuming (-C).
func (ti *transferInfo) output(r *runner) (*sink, error) {
	if ti.out != nil {
		return ti.out, nil
	}
	var err error
	switch {
	case ti.filename == "":
		ti.out = openStdout(r.stdout, ti.stdoutChosen)
	case ti.resume > 0:
		ti.out, err = openAppend(ti.filename, ti.kept)
	default:
		ti.out, err = openFile(ti.filename, r.o.createDirs)
	}
	return ti.out, err
}

// write writes s to the transfer's output, which it opens if need be.
func (ti *transferInfo) write(r *runner, s string) error {
	out, err := ti.output(r)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(out, s); err != nil {
		ti.drop()
		return out.writeError(err)
	}
	return nil
}

// drop drops the output of a failed attempt: a temporary file is
// removed, a file written in place is noted in wroteInPlace.
func (ti *transferInfo) drop() {
	if ti.out != nil {
		if ti.out.f != nil && ti.out.temp == "" {
			ti.wroteInPlace = true
		}
		ti.out.abort()
		ti.out = nil
	}
}

// meter returns the progress meter for an attempt, or nil when none is
// shown: with -s, --no-progress-meter, -v or -Z, when stderr is not a
// terminal, and when the body goes to stdout and stdout is a terminal, so
// that the meter never mixes with the body.
func (r *runner) meter(tr *tracer, req *client.Request, toFile bool) *meter {
	if r.o.silent || r.o.noProgress || r.o.verbose || r.o.parallel {
		return nil
	}
	if r.errFile == nil {
		return nil
	}
	width, tty := terminalWidth(r.errFile)
	if !tty {
		return nil
	}
	if outFile, ok := r.stdout.(*os.File); ok && !toFile {
		if _, tty := terminalWidth(outFile); tty {
			return nil
		}
	}
	upload := int64(len(req.Body))
	if req.GetBody != nil {
		upload = r.upload.sent()
	}
	return newMeter(r.stderr, r.o.progressBar, width, &tr.uploaded, upload)
}

// resumesAt reports whether a reply with status and Content-Range
// contentRange is the rest of a document from offset: a 206 whose range
// starts there. Anything else (a whole document, an error page, another
// part) would corrupt the file it is appended to.
func resumesAt(status int, contentRange string, offset int64) bool {
	if status != 206 {
		return false
	}
	spec, ok := strings.CutPrefix(strings.TrimSpace(contentRange), "bytes ")
	if !ok {
		return false
	}
	first, _, ok := strings.Cut(strings.TrimSpace(spec), "-")
	start, err := strconv.ParseInt(first, 10, 64)
	return ok && err == nil && start == offset
}
