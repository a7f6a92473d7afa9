package main

import (
	"io"
	"math"
	"strconv"
	"time"

	"github.com/spf13/pflag"
)

// options holds the command line.
type options struct {
	method         string
	data           []dataArg // -d, --data-binary, --data-raw, in order
	headers        []string
	userAgent      string
	userAgentSet   bool
	include        bool
	head           bool
	outputs        []outputArg // -o and -O, in order: one per URL
	createDirs     bool
	silent         bool
	showError      bool
	verbose        bool
	fail           bool
	failWithBody   bool
	maxTime        time.Duration
	connectTimeout time.Duration
	retry          int
	retryDelay     time.Duration
	retryMaxTime   time.Duration
	retryRefused   bool
	retryAll       bool
	writeOut       string
	progressBar    bool
	noProgress     bool
	noHalfClose    bool
	pathAsIs       bool
	ipVersion      int    // 0 for either, 4 or 6
	httpVersion    string // "" for the scheme's default, "HTTP/1.0" or "HTTP/1.1"
	help           bool
	version        bool
	urls           []string
}

// dataArg is one -d, --data-binary or --data-raw value.
type dataArg struct {
	value string
	mode  dataMode
}

// dataMode says how a data value is read.
type dataMode int

const (
	dataASCII  dataMode = iota // -d: @FILE read with CR and LF removed
	dataBinary                 // --data-binary: @FILE read as is
	dataRaw                    // --data-raw: no @FILE
)

// outputArg is one -o FILE or -O.
type outputArg struct {
	path   string
	remote bool // -O: the name comes from the URL
}

// dataValue appends data values to a list shared by the data flags, so
// their order on the command line is kept across flags.
type dataValue struct {
	list *[]dataArg
	mode dataMode
}

func (v *dataValue) String() string { return "" }
func (v *dataValue) Type() string   { return "string" }
func (v *dataValue) Set(s string) error {
	*v.list = append(*v.list, dataArg{s, v.mode})
	return nil
}

// outputValue appends to the list shared by -o and -O: the nth of them goes
// with the nth URL, as in curl, wherever they stand on the command line.
type outputValue struct {
	list   *[]outputArg
	remote bool
}

func (v *outputValue) String() string { return "" }
func (v *outputValue) Set(s string) error {
	if v.remote {
		s = ""
	}
	*v.list = append(*v.list, outputArg{path: s, remote: v.remote})
	return nil
}
func (v *outputValue) Type() string {
	if v.remote {
		return "bool"
	}
	return "string"
}

// choiceValue sets a shared variable to its own value, for flags of which
// the last one given wins (-4 and -6, -0 and --http1.1).
type choiceValue[T any] struct {
	dst *T
	val T
}

func (v *choiceValue[T]) String() string   { return "" }
func (v *choiceValue[T]) Type() string     { return "bool" }
func (v *choiceValue[T]) Set(string) error { *v.dst = v.val; return nil }

// newFlagSet returns the flags, bound to o, with curl's spellings. Its
// FlagUsages is the flag part of --help, and docs/tinyget.md describes
// every flag in it (a test checks that).
func newFlagSet(o *options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("tinyget", pflag.ContinueOnError)
	fs.SortFlags = false
	choice := func(v pflag.Value, name, short, usage string) {
		fs.VarPF(v, name, short, usage).NoOptDefVal = "true"
	}

	fs.StringVarP(&o.method, "request", "X", "", "request `METHOD` (default GET, HEAD with -I, POST with -d)")
	fs.VarP(&dataValue{&o.data, dataASCII}, "data", "d", "send `DATA` as the body (POST); @FILE reads a file, @- stdin, with CR and LF removed; several are joined with &")
	fs.Var(&dataValue{&o.data, dataBinary}, "data-binary", "send `DATA` as -d does, but @FILE and @- byte for byte, CR and LF included")
	fs.Var(&dataValue{&o.data, dataRaw}, "data-raw", "send `DATA` as -d does, but a leading @ is just a character")
	fs.StringArrayVarP(&o.headers, "header", "H", nil, "add `\"NAME: VALUE\"`, or replace a default header; \"NAME:\" removes it, \"NAME;\" sends it empty")
	fs.StringVarP(&o.userAgent, "user-agent", "A", "", "send User-Agent `NAME` (\"\" sends none)")
	fs.BoolVarP(&o.include, "include", "i", false, "write the reply's status line and headers before the body")
	fs.BoolVarP(&o.head, "head", "I", false, "send HEAD and write the reply's headers only")
	fs.VarP(&outputValue{list: &o.outputs}, "output", "o", "write the body to `FILE` instead of stdout (- for stdout); one -o per URL, in order")
	choice(&outputValue{list: &o.outputs, remote: true}, "remote-name", "O", "write the body to a file named like the URL path's last segment, in the current directory")
	fs.BoolVar(&o.createDirs, "create-dirs", false, "create the directories that -o names")
	fs.BoolVarP(&o.silent, "silent", "s", false, "no progress meter, warnings or error messages")
	fs.BoolVarP(&o.showError, "show-error", "S", false, "with -s, still print error messages")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "print each step of the exchange on stderr")
	fs.BoolVarP(&o.fail, "fail", "f", false, "exit 22, writing nothing, when the status is 400 or more")
	fs.BoolVar(&o.failWithBody, "fail-with-body", false, "exit 22 when the status is 400 or more, after writing the body")
	fs.Float64VarP(new(float64), "max-time", "m", 0, "give up on each attempt after `SECONDS` in all (0: no limit)")
	fs.Float64Var(new(float64), "connect-timeout", 0, "give up connecting after `SECONDS` (0: only -m applies)")
	fs.IntVar(&o.retry, "retry", 0, "retry `N` times on a transient failure: timeout, unresolved name, status 408, 429, 500, 502, 503 or 504")
	fs.Float64Var(new(float64), "retry-delay", 0, "wait `SECONDS` before each retry (0: 1s, doubling up to 10 minutes; a Retry-After header can lengthen it)")
	fs.Float64Var(new(float64), "retry-max-time", 0, "start no retry after `SECONDS` since the first attempt (0: no limit)")
	fs.BoolVar(&o.retryRefused, "retry-connrefused", false, "with --retry, also retry a refused connection")
	fs.BoolVar(&o.retryAll, "retry-all-errors", false, "with --retry, retry on any failure")
	fs.StringVarP(&o.writeOut, "write-out", "w", "", "after each transfer, write `FORMAT` to stdout: %{http_code}, %{json}, ... (see docs/tinyget.md); @FILE reads it from a file, @- from stdin")
	fs.BoolVarP(&o.progressBar, "progress-bar", "#", false, "show a bar of #s rather than the progress meter")
	fs.BoolVar(&o.noProgress, "no-progress-meter", false, "no progress meter, but warnings and errors as usual")
	fs.BoolVar(&o.noHalfClose, "no-half-close", false, "do not half-close after a tiny:// request (http:// never does), for servers that take a half-close for a hang-up; the server must then find the request's end by its Content-Length (tinyhttpd waits for EOF, and answers 408 after its read timeout)")
	fs.BoolVar(&o.pathAsIs, "path-as-is", false, "send the URL's path as given, without resolving its /./ and /../ segments")
	choice(&choiceValue[int]{&o.ipVersion, 4}, "ipv4", "4", "resolve and connect over IPv4 only")
	choice(&choiceValue[int]{&o.ipVersion, 6}, "ipv6", "6", "resolve and connect over IPv6 only")
	choice(&choiceValue[string]{&o.httpVersion, "HTTP/1.0"}, "http1.0", "0", "send HTTP/1.0 requests (the default for tiny://)")
	choice(&choiceValue[string]{&o.httpVersion, "HTTP/1.1"}, "http1.1", "", "send HTTP/1.1 requests (the default for http://)")
	fs.BoolVarP(&o.help, "help", "h", false, "print this help")
	fs.BoolVarP(&o.version, "version", "V", false, "print the version")
	return fs
}

// parseArgs parses the command line. It reads no file: see load. Its errors
// are *exitError with exitUsage.
func parseArgs(args []string) (*options, error) {
	o := new(options)
	fs := newFlagSet(o)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return nil, &exitError{code: exitUsage, msg: err.Error()}
	}
	o.userAgentSet = fs.Changed("user-agent")
	var err error
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{
		{"max-time", &o.maxTime},
		{"connect-timeout", &o.connectTimeout},
		{"retry-delay", &o.retryDelay},
		{"retry-max-time", &o.retryMaxTime},
	} {
		if *d.dst, err = seconds(fs, d.name); err != nil {
			return nil, err
		}
	}
	if o.help || o.version {
		return o, nil
	}
	o.urls = fs.Args()
	switch {
	case len(o.urls) == 0:
		return nil, fail(exitUsage, "no URL specified")
	case o.head && len(o.data) > 0:
		return nil, fail(exitUsage, "-I (HEAD) and -d (POST) ask for two methods")
	case o.fail && o.failWithBody:
		return nil, fail(exitUsage, "--fail and --fail-with-body cannot be used together")
	case o.retry < 0:
		return nil, fail(exitUsage, "--retry: %d is not a number of retries", o.retry)
	}
	return o, nil
}

// seconds returns the value of a float flag in seconds as a duration.
func seconds(fs *pflag.FlagSet, name string) (time.Duration, error) {
	v, _ := fs.GetFloat64(name)
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fail(exitUsage, "--%s: %s is not a number of seconds", name, strconv.FormatFloat(v, 'g', -1, 64))
	}
	if v >= math.MaxInt64/float64(time.Second) {
		return math.MaxInt64, nil
	}
	return time.Duration(v * float64(time.Second)), nil
}
