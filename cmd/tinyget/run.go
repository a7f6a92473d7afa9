package main

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"syscall"

	tinyhttpd "github.com/tinyhttpd/tinyhttpd"
	"github.com/tinyhttpd/tinyhttpd/client"
)

// run is tinyget: it parses args, runs the exchange and returns the exit
// code. stdin feeds -d @-; the reply goes to stdout or the -o file; errors
// and the -v trace go to stderr.
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
	err = get(o, stdin, stdout, stderr)
	if err != nil && (!o.silent || o.showError) {
		report(stderr, err)
	}
	return int(codeOf(err))
}

// report prints err as curl does: "tinyget: (7) Failed to connect: ...".
func report(stderr io.Writer, err error) {
	fmt.Fprintf(stderr, "tinyget: (%d) %v\n", codeOf(err), err)
}

// get fetches the URL and writes the reply out.
func get(o *options, stdin io.Reader, stdout, stderr io.Writer) error {
	t, err := parseTarget(o.url)
	if err != nil {
		return err
	}
	body, err := readData(o.data, stdin)
	if err != nil {
		return err
	}
	req, err := buildRequest(o, t, body)
	if err != nil {
		return err
	}

	ctx := context.Background()
	if o.maxTime > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.maxTime)
		defer cancel()
	}
	c := &client.Client{ConnectTimeout: o.connectTimeout}
	if o.verbose {
		p := &tracer{w: stderr, host: t.host, halfClose: t.halfClose()}
		c.Trace = p.event
		fmt.Fprintf(stderr, "* Trying %s...\n", t.addr())
	}
	resp, err := c.Do(ctx, t.addr(), req)
	if err != nil {
		return clientFailure(err)
	}
	defer resp.Body.Close()
	if o.fail && resp.StatusCode >= 400 {
		return &exitError{code: exitHTTPError, detail: resp.Status}
	}
	return writeReply(o, resp, stdout)
}

// writeReply writes the header section for -i and -I, then the body unless
// -I, to the output.
func writeReply(o *options, resp *client.Response, stdout io.Writer) error {
	w, closeOutput, err := openOutput(o.output, stdout)
	if err != nil {
		return err
	}
	if o.include || o.head {
		if _, err := io.WriteString(w, resp.RawHeader); err != nil {
			closeOutput()
			return fail(exitWriteError, "%v", err)
		}
	}
	dst := w
	if o.head {
		dst = io.Discard
	}
	err = copyBody(dst, resp.Body)
	if cerr := closeOutput(); cerr != nil && err == nil {
		err = fail(exitWriteError, "%v", cerr)
	}
	return err
}
