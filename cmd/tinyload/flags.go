package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// Bounds on a run. Every run ends by itself: by -n, by -duration, and in
// any case by maxDuration.
const (
	defaultDuration    = 10 * time.Second
	maxDuration        = 10 * time.Minute
	maxWarmup          = time.Minute
	defaultTimeout     = 10 * time.Second
	defaultConcurrency = 64
	maxConcurrency     = 20000
	maxRate            = 1e6
	defaultReadBuf     = 64 << 10
	maxReadBuf         = 16 << 20
	maxBodyFile        = 1 << 30
	defaultSources     = 16
	maxSources         = 254
)

// options are the parsed command line.
type options struct {
	concurrency int
	n           int64         // measured exchanges; 0: until duration
	duration    time.Duration // measured phase's limit
	warmup      time.Duration
	rate        float64 // exchanges per second; 0: closed loop
	method      string
	bodyFile    string
	header      []client.Header
	timeout     time.Duration // per exchange
	status      int           // expected status; 0: any
	readBuf     int
	json        bool
	progress    bool
	allowRemote bool
	sources     int
	cork        bool // half-closed requests leave with their FIN (TCP_CORK)
	tls         bool // exchanges over TLS, close_notify as the half-close
	insecure    bool // with tls: the server's certificate is not checked
	caCert      string
	resume      bool // with tls: resume sessions
	urls        []string
}

// errUsage marks a bad command line; main exits 2 for it.
var errUsage = errors.New("usage")

// usageError is a command line error: exit code 2.
func usageError(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, a...)...)
}

// headerFlag collects repeated -H "Name: value" flags.
type headerFlag struct{ h *[]client.Header }

func (f headerFlag) String() string { return "" }

func (f headerFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t\r\n") || strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("want \"Name: value\", got %q", s)
	}
	*f.h = append(*f.h, client.Header{Name: name, Value: strings.TrimSpace(value)})
	return nil
}

// byteSizeFlag parses a size such as 65536, 64KiB or 1MiB.
type byteSizeFlag struct{ n *int }

func (f byteSizeFlag) String() string {
	if f.n == nil {
		return ""
	}
	return fmt.Sprint(*f.n)
}

func (f byteSizeFlag) Set(s string) error {
	units := []struct {
		suffix string
		mult   int
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"K", 1 << 10}, {"M", 1 << 20}, {"", 1}}
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		var v int
		if _, err := fmt.Sscanf(num, "%d", &v); err != nil || fmt.Sprint(v) != num || v <= 0 {
			return fmt.Errorf("bad size %q", s)
		}
		*f.n = v * u.mult
		return nil
	}
	return fmt.Errorf("bad size %q", s)
}

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("tinyload", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&o.concurrency, "c", defaultConcurrency, "workers: exchanges in flight at once (closed loop), or at most (with -rate)")
	fs.Int64Var(&o.n, "n", 0, "measured exchanges to run; 0: run for -duration")
	fs.DurationVar(&o.duration, "duration", 0, fmt.Sprintf("measured time (default %s, or %s with -n); at most %s", defaultDuration, maxDuration, maxDuration))
	fs.DurationVar(&o.warmup, "warmup", 0, fmt.Sprintf("unmeasured warm-up before the measured phase, same load; at most %s", maxWarmup))
	fs.Float64Var(&o.rate, "rate", 0, "open loop: start this many exchanges per second on schedule, whatever the replies do, and measure latency from each one's scheduled start; 0: closed loop")
	fs.StringVar(&o.method, "X", "", "request method (default GET, or POST with -body-file)")
	fs.StringVar(&o.bodyFile, "body-file", "", "send this file as the request body, with a Content-Length")
	fs.Var(headerFlag{&o.header}, "H", "extra request header \"Name: value\"; repeatable (Host replaces the default)")
	fs.DurationVar(&o.timeout, "timeout", defaultTimeout, "deadline of each exchange: connect, request, whole reply")
	fs.IntVar(&o.status, "status", 200, "expected reply status; another is a bad_status error; 0: any")
	o.readBuf = defaultReadBuf
	fs.Var(byteSizeFlag{&o.readBuf}, "rbuf", "read buffer per worker (65536, 256KiB, 1MiB)")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON")
	fs.BoolVar(&o.progress, "progress", false, "print a progress line on stderr every second even when stderr is not a terminal")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow targets outside loopback")
	fs.BoolVar(&o.cork, "cork", true, "on Linux, cork each half-closed request (TCP_CORK), so that its last segment leaves with the FIN and the server's first read finds request and EOF together; -cork=false sends the request, then the FIN in a segment of its own, as nc -N, Python's shutdown(SHUT_WR) and curl-like clients do")
	fs.BoolVar(&o.tls, "tls", false, "run each exchange over TLS (1.2 or 1.3): a handshake after the connect, and TLS's close_notify as the half-close")
	fs.BoolVar(&o.insecure, "insecure", false, "with -tls, do not check the server's certificate (curl's -k)")
	fs.StringVar(&o.caCert, "cacert", "", "with -tls, check the server's certificate against the PEM certificates in this file instead of the system's")
	fs.BoolVar(&o.resume, "resume", true, "with -tls, resume TLS sessions from a cache the workers share; -resume=false makes every exchange a full handshake")
	fs.IntVar(&o.sources, "sources", defaultSources, "on Linux, when every target is IPv4 loopback, connect from this many source addresses, 127.0.0.1 and up, one per worker at most: each has ports of its own, so connect skips fewer ports held in TIME_WAIT by recent exchanges; 1: the system's choice")
	return fs
}

// parseArgs parses the command line. Flags may come before or after the
// URLs. A bad command line gives an error wrapping errUsage; -h gives
// flag.ErrHelp.
func parseArgs(args []string) (*options, error) {
	o := &options{}
	fs := newFlagSet(o)
	set := map[string]bool{}
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		o.urls = append(o.urls, args[0])
		args = args[1:]
	}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := o.check(set); err != nil {
		return nil, err
	}
	return o, nil
}

// check validates the options and fills the defaults that depend on others.
func (o *options) check(set map[string]bool) error {
	if len(o.urls) == 0 {
		return usageError("no URL; try tinyload -h")
	}
	if o.concurrency < 1 || o.concurrency > maxConcurrency {
		return usageError("-c %d: want 1 to %d", o.concurrency, maxConcurrency)
	}
	if o.n < 0 {
		return usageError("-n %d: want 0 or more", o.n)
	}
	switch {
	case set["duration"] && (o.duration <= 0 || o.duration > maxDuration):
		return usageError("-duration %s: want more than 0 and at most %s", o.duration, maxDuration)
	case !set["duration"] && o.n > 0:
		o.duration = maxDuration
	case !set["duration"]:
		o.duration = defaultDuration
	}
	if o.warmup < 0 || o.warmup > maxWarmup {
		return usageError("-warmup %s: want 0 to %s", o.warmup, maxWarmup)
	}
	if math.IsNaN(o.rate) || o.rate < 0 || o.rate > maxRate {
		return usageError("-rate %g: want 0 (closed loop) or up to %g per second", o.rate, float64(maxRate))
	}
	if o.timeout <= 0 || o.timeout > maxDuration {
		return usageError("-timeout %s: want more than 0 and at most %s", o.timeout, maxDuration)
	}
	if o.status < 0 || o.status > 999 {
		return usageError("-status %d: want a three-digit status, or 0 for any", o.status)
	}
	if o.readBuf > maxReadBuf {
		return usageError("-rbuf %d: at most %d", o.readBuf, maxReadBuf)
	}
	if o.sources < 1 || o.sources > maxSources {
		return usageError("-sources %d: want 1 to %d", o.sources, maxSources)
	}
	if !o.tls {
		for _, name := range []string{"insecure", "cacert", "resume"} {
			if set[name] {
				return usageError("-%s needs -tls", name)
			}
		}
	}
	if o.insecure && o.caCert != "" {
		return usageError("-insecure and -cacert: choose one")
	}
	if o.method == "" {
		o.method = "GET"
		if o.bodyFile != "" {
			o.method = "POST"
		}
	}
	for i := 0; i < len(o.method); i++ {
		if c := o.method[i]; c <= ' ' || c >= 0x7f {
			return usageError("-X %q: a method is a token, such as GET or POST", o.method)
		}
	}
	return nil
}

// readBody reads the -body-file, if any. A nil body sends no body.
func readBody(name string) ([]byte, error) {
	if name == "" {
		return nil, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxBodyFile+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxBodyFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxBodyFile)
	}
	if body == nil {
		body = []byte{}
	}
	return body, nil
}

// usage is the text of tinyload -h.
func usage(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString(`Usage: tinyload [flags] URL...

tinyload loads servers of the half-close exchange: each exchange is a new
connection that sends the request, half-closes (shutdown SHUT_WR), and reads
the reply to the server's close. Workers take the URLs in turn.

URLs: tiny://host[:port]/path or host[:port]/path (port 7070 by default), and
http://host[:port]/path, which does not half-close: plain HTTP servers such
as nginx take a half-close for a hang-up and cut large replies short.
Targets must be loopback addresses unless -allow-remote.

Closed loop (default): -c workers, each running one exchange after another;
latency runs from the connect to the server's close.
Open loop (-rate R): exchanges start on a fixed schedule, R per second, by
at most -c workers; latency runs from each exchange's scheduled start, so a
server that stalls is charged for every exchange it delayed (no coordinated
omission). If the workers fall behind the schedule the report says so;
exchanges still due when -duration is up are not started, and counted.

Every run is bounded: -n, -duration (default 10s; 10m with -n), at most 10m,
plus at most -timeout for the exchanges in flight at the end.
Exit status: 0 all exchanges succeeded, 1 some failed or the run could not
start, 2 bad usage (a flag or a URL).

Flags:
`)
	fs.SetOutput(&b)
	fs.PrintDefaults()
	return b.String()
}
