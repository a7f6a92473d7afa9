package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
	"github.com/tinyhttpd/tinyhttpd/internal/version"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

// run is tinyget: it parses args (after ~/.tinygetrc's flags, and with -K
// files' flags in place), runs one transfer per URL and returns the exit
// code: that of the last transfer that failed, or 0. stdin feeds @- values;
// bodies go to stdout or the -o files; errors, warnings, the -v trace and
// the progress meter go to stderr.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// A closed stdout pipe must end tinyget with exit 23, as in curl, rather
	// than kill it with SIGPIPE, the Go runtime's default for fd 1 and 2.
	signal.Ignore(syscall.SIGPIPE)

	in := &sharedStdin{r: stdin}
	args, err := expandConfig(args, in, os.Getenv("HOME"))
	var o *options
	if err == nil {
		o, err = parseArgs(args)
	}
	switch {
	case err != nil:
		report(safeText{w: stderr}, err)
		fmt.Fprintln(stderr, "tinyget: try 'tinyget --help' for more information")
		return int(codeOf(err))
	case o.help:
		fmt.Fprint(stdout, usage())
		return int(exitOK)
	case o.version:
		fmt.Fprintf(stdout, "tinyget %s\n", version.Release)
		return int(exitOK)
	}
	switch o.stderrFile {
	case "":
	case "-":
		stderr = stdout
	default:
		f, err := os.Create(o.stderrFile)
		if err != nil {
			report(safeText{w: stderr}, fail(exitWriteError, "Failed to open the --stderr file %s: %v", o.stderrFile, unwrapPath(err)))
			return int(exitWriteError)
		}
		defer f.Close()
		stderr = f
	}
	if o.parallel {
		stdout, stderr = &lockedWriter{w: stdout}, &lockedWriter{w: stderr}
	}
	r := &runner{o: o, stdout: stdout, stderr: safeText{w: stderr}}
	r.errFile, _ = stderr.(*os.File)
	defer r.closeFiles()
	if err := r.load(in); err != nil {
		r.reportError(err)
		return int(codeOf(err))
	}
	if len(o.outputs) > len(o.urls) {
		r.warn("Got more output options than URLs")
	}
	if o.parallel {
		return int(r.runParallel())
	}
	last := exitOK
	for i, u := range o.urls {
		if code := r.transfer(i, u); code != exitOK {
			last = code
			if o.failEarly {
				break
			}
		}
	}
	return int(last)
}

// runParallel runs the transfers at the same time, at most --parallel-max
// at once, and returns the exit code of the last one, in the command
// line's order, that failed. With --fail-early, the first to fail ends the
// others under way (exit 42 each, as in curl), no transfer starts after
// it, and its code is the exit code.
func (r *runner) runParallel() exitCode {
	codes := make([]exitCode, len(r.o.urls))
	slots := make(chan struct{}, r.o.parallelMax)
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed, first := false, exitOK
	abort := func() {}
	if r.o.failEarly {
		r.stop, abort = context.WithCancel(context.Background())
		defer abort()
	}
	for i, u := range r.o.urls {
		slots <- struct{}{}
		mu.Lock()
		stop := failed && r.o.failEarly
		mu.Unlock()
		if stop {
			<-slots
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			code := r.transfer(i, u)
			mu.Lock()
			codes[i], failed = code, failed || code != exitOK
			if code != exitOK && code != exitAborted && first == exitOK {
				first = code
				abort()
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	if r.o.failEarly && first != exitOK {
		return first
	}
	last := exitOK
	for _, c := range codes {
		if c != exitOK {
			last = c
		}
	}
	return last
}

// lockedWriter serializes the writes of parallel transfers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// report prints err as curl does: "tinyget: (7) Failed to connect ...".
func report(stderr io.Writer, err error) {
	fmt.Fprintf(stderr, "tinyget: (%d) %v\n", codeOf(err), err)
}

// runner runs the transfers of one command line.
type runner struct {
	o      *options
	stdout io.Writer
	stderr safeText // all tinyget writes there but -w's own text
	// errFile is stderr when it is a file, to find whether it is a
	// terminal; nil otherwise.
	errFile *os.File
	body    []byte      // the request body, from the data flags
	upload  requestBody // the -T file
	format  string      // the -w format

	tls tlsSetup // the TLS flags' configuration, built at the first TLS exchange

	// stop ends the transfers under way, when one fails under -Z with
	// --fail-early; nil otherwise.
	stop context.Context

	dumpMu sync.Mutex
	dumpW  io.Writer // -D's file or stdout; nil without -D
	dumpF  *os.File
}

// load reads what the command line names before any transfer, as curl
// does: the data flags' files, the -T file, the -w file and the -H files,
// and opens the -D file.
func (r *runner) load(stdin *sharedStdin) error {
	var err error
	if r.body, err = readData(r.o.data, stdin); err != nil {
		return err
	}
	if r.o.uploadFile != "" {
		name := r.o.uploadFile
		if name == "." {
			name = "-"
		}
		if r.upload, err = loadUpload(name, stdin); err != nil {
			return fail(exitReadError, "Failed to open/read the -T file: %v", unwrapPath(err))
		}
		// -C N resumes the upload at byte N; -C - sends the whole file,
		// since the size of what the server holds is not known.
		r.upload.from = r.o.resumeAt
	}
	if r.format, err = readWriteOut(r.o.writeOut, stdin); err != nil {
		return err
	}
	if r.o.headers, err = readHeaders(r.o.headers, stdin); err != nil {
		return err
	}
	switch r.o.dumpHeader {
	case "":
	case "-":
		r.dumpW = r.stdout
	default:
		f, err := os.Create(r.o.dumpHeader)
		if err != nil {
			return fail(exitWriteError, "Failed to open the -D file %s: %v", r.o.dumpHeader, unwrapPath(err))
		}
		r.dumpW, r.dumpF = f, f
	}
	return nil
}

// dump writes header sections to the -D file, if any.
func (r *runner) dump(s string) error {
	if r.dumpW == nil || s == "" {
		return nil
	}
	r.dumpMu.Lock()
	defer r.dumpMu.Unlock()
	if _, err := io.WriteString(r.dumpW, s); err != nil {
		return fail(exitWriteError, "Failure writing the -D file %s: %v", r.o.dumpHeader, unwrapPath(err))
	}
	return nil
}

// closeFiles closes the -D file and the -T file.
func (r *runner) closeFiles() {
	if r.dumpF != nil {
		r.dumpF.Close()
	}
	if r.upload.file != nil {
		r.upload.file.Close()
	}
}

// transfer fetches the nth URL, retrying as --retry says and following
// redirects as -L says, reports how it ended, writes the -w format, and
// returns its exit code.
func (r *runner) transfer(n int, rawURL string) exitCode {
	ti := &transferInfo{url: rawURL, effective: client.Redacted(rawURL), urlnum: n, trace: new(tracer), start: time.Now()}
	err := r.transferErr(ti)
	ti.code = codeOf(err)
	if temps.ending() {
		// A signal is ending tinyget: the failure its cleanup may have
		// caused is not the transfer's, and nothing more is written.
		return ti.code
	}
	if err != nil {
		ti.errmsg = err.Error()
		r.reportError(err)
	}
	if r.format != "" {
		writeOut(r.format, ti, r.stdout, r.stderr)
	}
	return ti.code
}

// transferErr runs the hops and attempts of one transfer and returns the
// last one's error.
func (r *runner) transferErr(ti *transferInfo) error {
	t, err := parseTarget(ti.url, r.o.pathAsIs)
	if err != nil {
		return err
	}
	ti.effective, ti.scheme = t.String(), t.Scheme
	body := inMemory(r.body)
	if r.o.uploadFile != "" {
		body = r.upload
	}
	req, err := buildRequest(r.o, t, body, r.warn)
	if err != nil {
		return err
	}
	ti.method = req.Method
	if ti.urlnum < len(r.o.outputs) {
		out := r.o.outputs[ti.urlnum]
		switch {
		case out.remote && remoteName(t) == "":
			return fail(exitWriteError, "Remote file name has no length: %s names no file to save to with -O", client.Redacted(ti.url))
		case out.remote:
			ti.filename, ti.remote = r.outputPath(remoteName(t)), true
		case out.path != "-":
			ti.filename = r.outputPath(out.path)
		default:
			ti.stdoutChosen = true
		}
	}
	// With -T, -C resumes the upload, not the reply: the request's body
	// starts at the offset (see buildRequest), and the reply is saved whole.
	if r.o.uploadFile == "" {
		if ti.resume = r.resumeOffset(ti.filename); ti.resume > 0 {
			setHeader(req, "Range", "bytes="+strconv.FormatInt(ti.resume, 10)+"-")
			ti.kept = min(ti.resume, fileSize(ti.filename))
		}
	}
	return r.finish(ti, r.retrying(ti, t, req))
}

// retrying runs the attempts of a transfer, retrying as --retry says, and
// returns the last one's error. A retry starts the transfer again from its
// URL, as curl's does: -m, -w's times and its count of redirects start
// afresh.
func (r *runner) retrying(ti *transferInfo, t target, req *client.Request) error {
	first := time.Now()
	backoff := r.o.retryDelay
	if backoff <= 0 {
		backoff = time.Second
	}
	filename := ti.filename // before -J renames it after a reply
	for {
		ti.filename = filename
		err := r.follow(ti, t, req)
		wait, retry := r.retryWait(ti, err, first, backoff)
		if !retry {
			return err
		}
		ti.drop()
		if err := r.sleep(wait); err != nil {
			return err
		}
		ti.retries++
		ti.start, ti.times, ti.redirects, ti.redirectHeaders = time.Now(), timings{}, 0, 0
		if r.o.retryDelay <= 0 {
			backoff = min(2*backoff, maxBackoff)
		}
	}
}

// follow runs one attempt of a transfer: the request to t, then the
// redirects -L follows. It returns the last exchange's error.
func (r *runner) follow(ti *transferInfo, t target, req *client.Request) error {
	first := t
	first.Path = req.Target // with -G's query, or -T's file name
	ti.effective, ti.scheme, ti.method = first.String(), t.Scheme, req.Method
	for {
		loc, err := r.attempt(ti, t, req)
		if err != nil || loc == "" {
			return err
		}
		next, nextURL, err := redirectTarget(t, loc, r.o.pathAsIs)
		if err != nil {
			return err
		}
		if r.o.maxRedirs >= 0 && ti.redirects >= r.o.maxRedirs {
			ti.redirectURL = nextURL
			return fail(exitTooManyRedirects, "Maximum (%d) redirects followed", r.o.maxRedirs)
		}
		if r.o.verbose {
			fmt.Fprintf(r.stderr, "* Issue another request to this URL: '%s'\n", nextURL)
		}
		req = redirectRequest(r.o, req, ti.status(), first, t, next, ti.effective)
		ti.redirects++
		ti.redirectHeaders = ti.headerSize()
		ti.effective, ti.scheme, ti.method = next.String(), next.Scheme, req.Method
		t = next
	}
}

// context returns the context of the transfers: one that stop ends, or
// none.
func (r *runner) context() context.Context {
	if r.stop != nil {
		return r.stop
	}
	return context.Background()
}

// sleep waits for d, the wait before a retry, unless stop ends first.
func (r *runner) sleep(d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-r.context().Done():
		return clientFailure(&client.Error{Kind: client.Canceled, Op: "retry", Err: context.Canceled}, progress{})
	}
}

// finish ends a transfer whose last attempt ended with err: its output is
// committed if the transfer succeeded, or failed by --fail-with-body (with
// --remove-on-error, then removed), and dropped otherwise, so that a file
// already under its name stays as it was; -R gives the file the reply's
// time. It returns the transfer's error.
func (r *runner) finish(ti *transferInfo, err error) error {
	var ee *exitError
	if err != nil && !(errors.As(err, &ee) && ee.keepOutput) {
		ti.drop()
	}
	if ti.out != nil {
		out := ti.out
		ti.out = nil
		if cerr := out.commit(); cerr != nil {
			return cerr
		}
		if err != nil && r.o.removeOnError && out.f != nil && isRegular(ti.filename) {
			os.Remove(ti.filename)
			return err
		}
		if r.o.remoteTime && out.f != nil {
			// out.name is the file itself, a link's target included.
			if info, serr := os.Stat(out.name); serr == nil && info.Mode().IsRegular() {
				if mtime, ok := parseDate(ti.header("Last-Modified").s); ok {
					os.Chtimes(out.name, mtime, mtime)
				}
			}
		}
	} else if err != nil && r.o.removeOnError && (ti.wroteInPlace || ti.resume > 0) && isRegular(ti.filename) {
		// What an attempt wrote in place is left when it is dropped (a
		// temporary file goes with it); the -C file goes even if no
		// attempt opened it, as curl has it.
		os.Remove(ti.filename)
	}
	return err
}

// isRegular reports whether name, as given, is a regular file:
// --remove-on-error removes nothing else, neither /dev/null, a FIFO and
// the like nor a symbolic link (which may lead to /proc/self/fd/1) or what
// it leads to.
func isRegular(name string) bool {
	info, err := os.Lstat(name)
	return err == nil && info.Mode().IsRegular()
}

// parseDate parses an HTTP-date, such as a Last-Modified value, in any of
// RFC 9110's three formats and, as curl takes it, in any case: time.Parse
// matches day and month names in any case, and GMT only in capitals.
func parseDate(v string) (time.Time, bool) {
	t, err := wire.ParseDate(strings.ToUpper(v))
	return t, err == nil
}

// outputPath returns the path of an output file: under --output-dir when
// given and the name is relative.
func (r *runner) outputPath(name string) string {
	if r.o.outputDir == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(r.o.outputDir, name)
}

// resumeOffset returns the offset -C asks to resume at: its number, or the
// size of the output file for "-" (0 when there is none yet).
func (r *runner) resumeOffset(name string) int64 {
	if r.o.continueAt != "-" || name == "" {
		return r.o.resumeAt
	}
	return fileSize(name)
}

// fileSize returns the size of the file called name, or 0 when there is
// none.
func fileSize(name string) int64 {
	info, err := os.Stat(name)
	if err != nil {
		return 0
	}
	return info.Size()
}

// reportError prints a transfer's error unless -s without -S.
func (r *runner) reportError(err error) {
	if r.o.verbose {
		// -v says why the transfer failed even under -s, as curl's does.
		fmt.Fprintf(r.stderr, "* %s\n", err)
	}
	if !r.o.silent || r.o.showError {
		report(r.stderr, err)
	}
}

// warn prints a warning unless -s, in curl's words.
func (r *runner) warn(format string, args ...any) {
	if !r.o.silent {
		fmt.Fprintf(r.stderr, "Warning: "+format+"\n", args...)
	}
}
