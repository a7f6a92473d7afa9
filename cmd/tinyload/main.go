// Command tinyload loads servers of the half-close exchange: each exchange
// is a new connection that sends a request, half-closes and reads the reply
// to the server's close. It runs closed-loop workers, or an open loop at a
// fixed rate that measures latency from each exchange's scheduled start, and
// reports exchanges per second, latency percentiles, errors by class, bytes
// and its own CPU time per exchange. Run "tinyload -h" for the flags.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // some exchanges failed, or the run could not start
	exitUsage  = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, isTerminal(os.Stderr)))
}

// run is tinyload: it parses args, runs the load and prints the report, and
// returns the exit code. stderrTerminal says whether stderr is a terminal,
// where the progress line is shown without -progress.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, stderrTerminal bool) int {
	o, err := parseArgs(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage(newFlagSet(&options{})))
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "tinyload: %v\n", err)
		return exitUsage
	}
	l, err := newLoader(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "tinyload: %v\n", err)
		if _, badURL := errors.AsType[*client.URLError](err); badURL {
			return exitUsage
		}
		return exitFailed
	}
	if l.note != "" {
		fmt.Fprintf(stderr, "tinyload: %s\n", l.note)
	}
	var prog *progress
	if o.progress || stderrTerminal {
		prog = &progress{w: stderr, terminal: stderrTerminal, every: time.Second}
	}
	if o.warmup > 0 {
		l.phase(ctx, "warm-up", o.warmup, 0, prog)
	}
	full0, resumed0 := l.hs.counts()
	p := l.phase(ctx, "load", o.duration, o.n, prog)
	r := newReport(o, l.targets, len(l.clients), p, ctx.Err() != nil)
	if o.tls {
		r.TLS = newTLSReport(o, &l.hs, full0, resumed0)
	}
	if o.json {
		err = r.writeJSON(stdout)
	} else {
		err = r.writeText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "tinyload: %v\n", err)
		return exitFailed
	}
	if r.Errors > 0 || r.Exchanges == 0 {
		return exitFailed
	}
	return exitOK
}

// newLoader reads the body file, parses and resolves the URLs and builds
// the requests.
func newLoader(ctx context.Context, o *options) (*loader, error) {
	body, err := readBody(o.bodyFile)
	if err != nil {
		return nil, err
	}
	l := &loader{opts: o}
	for _, u := range o.urls {
		t, err := parseURL(u)
		if err != nil {
			return nil, err
		}
		if err := t.resolve(ctx, o.allowRemote); err != nil {
			return nil, err
		}
		l.targets = append(l.targets, t)
		req := t.request(o.method, o.header, body)
		req.NoCork = !o.cork
		l.reqs = append(l.reqs, req)
	}
	l.clients, l.note = newClients(o, l.targets)
	var cfg *tls.Config
	if o.tls {
		if cfg, err = o.tlsConfig(&l.hs); err != nil {
			return nil, err
		}
	}
	for _, c := range l.clients {
		row := make([]*client.Client, len(l.targets))
		for i, t := range l.targets {
			row[i] = c
			if cfg != nil {
				// The URL's host, not the address dialed, which is the
				// name resolved once: the certificate must be valid for
				// it, and it goes in SNI. A configuration per target
				// also saves the client a copy per exchange.
				tc := *c
				tc.TLSConfig = cfg.Clone()
				tc.TLSConfig.ServerName, _, _ = strings.Cut(t.Host, "%")
				row[i] = &tc
			}
		}
		l.byTarget = append(l.byTarget, row)
	}
	return l, nil
}

// phase runs one phase with its progress line.
func (l *loader) phase(ctx context.Context, label string, d time.Duration, n int64, prog *progress) phase {
	var onStart func(shards, time.Time)
	if prog != nil {
		onStart = func(sh shards, begin time.Time) { prog.start(label, sh, begin) }
		defer prog.end()
	}
	return l.run(ctx, d, n, onStart)
}
