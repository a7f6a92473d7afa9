package main

import (
	"context"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// copyBufSize is the size of the buffer the body is copied through.
const copyBufSize = 32 << 10

// attempt runs one exchange of a transfer and writes the reply out. It
// returns the output, not yet committed, since a retry drops it (nil when
// nothing was opened), and the attempt's error. It records in ti what -w
// reports.
func (r *runner) attempt(ti *transferInfo, t target, req *client.Request) (*sink, error) {
	tr := &tracer{host: t.Host, halfClose: !req.NoHalfClose, start: time.Now()}
	if r.o.verbose {
		tr.w = r.stderr
	}
	ti.trace, ti.resp, ti.download = tr, nil, 0
	defer func() { ti.total = time.Since(tr.start) }()

	ctx := context.Background()
	if r.o.maxTime > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.o.maxTime)
		defer cancel()
	}
	c := &client.Client{ConnectTimeout: r.o.connectTimeout, Trace: tr.event}
	switch r.o.ipVersion {
	case 4:
		c.Network = "tcp4"
	case 6:
		c.Network = "tcp6"
	}
	m := r.meter(tr, req, ti.filename != "")
	if m != nil {
		m.run()
		defer m.stop()
	}

	p := progress{host: t.Host, port: t.Port, length: -1}
	resp, err := c.Do(ctx, t.Addr(), req)
	if err != nil {
		p.elapsed = time.Since(tr.start)
		return nil, clientFailure(err, p)
	}
	defer resp.Body.Close()
	ti.resp = resp
	p.length, p.chunked = resp.ContentLength, resp.Chunked
	if m != nil && resp.ContentLength >= 0 && !r.o.head {
		m.total.Store(resp.ContentLength)
	}
	showHead := r.o.include || r.o.head
	failed := r.o.fail && resp.StatusCode >= 400
	if failed && !showHead {
		return nil, fail(exitHTTPError, "The requested URL returned error: %d", resp.StatusCode)
	}

	out := openStdout(r.stdout)
	if ti.filename != "" {
		if out, err = openFile(ti.filename, r.o.createDirs); err != nil {
			return nil, err
		}
	}
	if showHead {
		// The interim replies (100 Continue, 103 Early Hints) first, as
		// curl writes them.
		if _, err := io.WriteString(out, resp.RawInterim+resp.RawHeader); err != nil {
			out.abort()
			return nil, out.writeError(err)
		}
	}
	if failed {
		// -f -i: the header section is written, then the transfer fails.
		out.abort()
		return nil, fail(exitHTTPError, "The requested URL returned error: %d", resp.StatusCode)
	}
	buf := make([]byte, copyBufSize)
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 && !r.o.head {
			if _, err := out.Write(buf[:n]); err != nil {
				out.abort()
				return nil, out.writeError(err)
			}
			ti.download += int64(n)
			if m != nil {
				m.down.Add(int64(n))
			}
		}
		if rerr == nil {
			continue
		}
		if rerr == io.EOF {
			break
		}
		out.abort()
		p.elapsed, p.received = time.Since(tr.start), ti.download
		return nil, clientFailure(rerr, p)
	}
	if showHead && resp.RawTrailer != "" {
		// A chunked body's trailer fields, without the empty line that
		// ends them, as curl writes them.
		if _, err := io.WriteString(out, strings.TrimSuffix(strings.TrimSuffix(resp.RawTrailer, "\n"), "\r")); err != nil {
			out.abort()
			return nil, out.writeError(err)
		}
	}
	if r.o.failWithBody && resp.StatusCode >= 400 {
		return out, fail(exitHTTPError, "The requested URL returned error: %d", resp.StatusCode)
	}
	return out, nil
}

// meter returns the progress meter for an attempt, or nil when none is
// shown: with -s, --no-progress-meter or -v, when stderr is not a terminal,
// and when the body goes to stdout and stdout is a terminal, so that the
// meter never mixes with the body.
func (r *runner) meter(tr *tracer, req *client.Request, toFile bool) *meter {
	if r.o.silent || r.o.noProgress || r.o.verbose {
		return nil
	}
	errFile, ok := r.stderr.(*os.File)
	if !ok {
		return nil
	}
	width, tty := terminalWidth(errFile)
	if !tty {
		return nil
	}
	if outFile, ok := r.stdout.(*os.File); ok && !toFile {
		if _, tty := terminalWidth(outFile); tty {
			return nil
		}
	}
	return newMeter(r.stderr, r.o.progressBar, width, &tr.uploaded, int64(len(req.Body)))
}
