package main

import (
	"fmt"
	"io"
	"os/signal"
	"syscall"
	"time"

	tinyhttpd "github.com/tinyhttpd/tinyhttpd"
)

// run is tinyget: it parses args, runs one transfer per URL and returns the
// exit code: that of the last transfer that failed, or 0. stdin feeds
// @- values; bodies go to stdout or the -o files; errors, warnings, the -v
// trace and the progress meter go to stderr.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// A closed stdout pipe must end tinyget with exit 23, as in curl, rather
	// than kill it with SIGPIPE, the Go runtime's default for fd 1 and 2.
	signal.Ignore(syscall.SIGPIPE)

	o, err := parseArgs(args)
	switch {
	case err != nil:
		report(stderr, err)
		fmt.Fprintln(stderr, "tinyget: try 'tinyget --help' for more information")
		return int(codeOf(err))
	case o.help:
		fmt.Fprint(stdout, usage())
		return int(exitOK)
	case o.version:
		fmt.Fprintf(stdout, "tinyget %s\n", tinyhttpd.Version)
		return int(exitOK)
	}
	r := &runner{o: o, stdout: stdout, stderr: stderr}
	if err := r.load(stdin); err != nil {
		r.reportError(err)
		return int(codeOf(err))
	}
	if len(o.outputs) > len(o.urls) {
		r.warn("Got more output options than URLs")
	}
	last := exitOK
	for i, u := range o.urls {
		if code := r.transfer(i, u); code != exitOK {
			last = code
		}
	}
	return int(last)
}

// report prints err as curl does: "tinyget: (7) Failed to connect ...".
func report(stderr io.Writer, err error) {
	fmt.Fprintf(stderr, "tinyget: (%d) %v\n", codeOf(err), err)
}

// runner runs the transfers of one command line.
type runner struct {
	o      *options
	stdout io.Writer
	stderr io.Writer
	body   []byte // the request body, from the data flags
	format string // the -w format
}

// load reads what the command line names before any transfer, as curl
// does: the data flags' files and the -w file.
func (r *runner) load(stdin io.Reader) error {
	var err error
	if r.body, err = readData(r.o.data, stdin); err != nil {
		return err
	}
	r.format, err = readWriteOut(r.o.writeOut, stdin)
	return err
}

// transfer fetches the nth URL, retrying as --retry says, reports how it
// ended, writes the -w format, and returns its exit code.
func (r *runner) transfer(n int, rawURL string) exitCode {
	ti := &transferInfo{url: rawURL, urlnum: n, trace: new(tracer)}
	err := r.transferErr(ti)
	ti.code = codeOf(err)
	if err != nil {
		ti.errmsg = err.Error()
		r.reportError(err)
	}
	if r.format != "" {
		writeOut(r.format, ti, r.stdout, r.stderr)
	}
	return ti.code
}

// transferErr runs the attempts of one transfer and returns the last one's
// error.
func (r *runner) transferErr(ti *transferInfo) error {
	t, err := parseTarget(ti.url, r.o.pathAsIs)
	if err != nil {
		return err
	}
	ti.scheme = t.Scheme
	req, err := buildRequest(r.o, t, r.body, r.warn)
	if err != nil {
		return err
	}
	ti.method = req.Method
	if ti.urlnum < len(r.o.outputs) {
		out := r.o.outputs[ti.urlnum]
		switch {
		case out.remote && remoteName(t) == "":
			return fail(exitWriteError, "Remote file name has no length: %s names no file to save to with -O", ti.url)
		case out.remote:
			ti.filename = remoteName(t)
		case out.path != "-":
			ti.filename = out.path
		}
	}
	first := time.Now()
	backoff := r.o.retryDelay
	if backoff <= 0 {
		backoff = time.Second
	}
	for {
		out, err := r.attempt(ti, t, req)
		wait, retry := r.retryWait(ti, err, first, backoff)
		if !retry {
			if out == nil {
				return err
			}
			if cerr := out.commit(); cerr != nil {
				return cerr
			}
			return err
		}
		if out != nil {
			out.abort()
		}
		time.Sleep(wait)
		ti.retries++
		if r.o.retryDelay <= 0 {
			backoff = min(2*backoff, maxBackoff)
		}
	}
}

// reportError prints a transfer's error unless -s without -S.
func (r *runner) reportError(err error) {
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
