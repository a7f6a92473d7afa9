package main

import (
	"io"
	"math"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// options holds the command line.
type options struct {
	method         string
	data           []string
	headers        []string
	include        bool
	head           bool
	output         string
	silent         bool
	showError      bool
	verbose        bool
	fail           bool
	maxTime        time.Duration
	connectTimeout time.Duration
	help           bool
	version        bool
	url            string
}

// newFlagSet returns the flags, bound to o, with curl's spellings.
func newFlagSet(o *options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("tinyget", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringVarP(&o.method, "request", "X", "", "request `METHOD` (default GET, or POST with -d)")
	fs.StringArrayVarP(&o.data, "data", "d", nil, "send `DATA` as the body; @FILE reads a file, @- stdin (CR and LF removed); repeats are joined with &")
	fs.StringArrayVarP(&o.headers, "header", "H", nil, "add `\"NAME: VALUE\"`; \"NAME:\" removes a default header, \"NAME;\" sends it empty")
	fs.BoolVarP(&o.include, "include", "i", false, "print the reply's status line and headers before the body")
	fs.BoolVarP(&o.head, "head", "I", false, "send HEAD and print the reply's headers only")
	fs.StringVarP(&o.output, "output", "o", "", "write to `FILE` instead of stdout")
	fs.BoolVarP(&o.silent, "silent", "s", false, "print no error messages")
	fs.BoolVarP(&o.showError, "show-error", "S", false, "print error messages even with -s")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "print each step of the exchange on stderr")
	fs.BoolVarP(&o.fail, "fail", "f", false, "exit 22 without printing the body if the status is 400 or more")
	fs.Float64VarP(new(float64), "max-time", "m", 0, "give up after `SECONDS` in all (0: no limit)")
	fs.Float64Var(new(float64), "connect-timeout", 0, "give up connecting after `SECONDS` (0: only -m applies)")
	fs.BoolVarP(&o.help, "help", "h", false, "print this help")
	fs.BoolVarP(&o.version, "version", "V", false, "print the version")
	return fs
}

// parseArgs parses the command line. Its errors are *exitError with
// exitUsage.
func parseArgs(args []string) (*options, error) {
	o := new(options)
	fs := newFlagSet(o)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return nil, &exitError{code: exitUsage, detail: err.Error()}
	}
	var err error
	if o.maxTime, err = seconds(fs, "max-time"); err != nil {
		return nil, err
	}
	if o.connectTimeout, err = seconds(fs, "connect-timeout"); err != nil {
		return nil, err
	}
	if o.help || o.version {
		return o, nil
	}
	switch fs.NArg() {
	case 0:
		return nil, fail(exitUsage, "no URL specified")
	case 1:
		o.url = fs.Arg(0)
	default:
		return nil, fail(exitUsage, "one URL at a time, got %d: %s", fs.NArg(), strings.Join(fs.Args(), " "))
	}
	if o.head && len(o.data) > 0 {
		return nil, fail(exitUsage, "-I (HEAD) and -d (POST) ask for two methods")
	}
	return o, nil
}

// seconds returns the value of a float flag in seconds as a duration.
func seconds(fs *pflag.FlagSet, name string) (time.Duration, error) {
	v, _ := fs.GetFloat64(name)
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fail(exitUsage, "--%s: %v is not a number of seconds", name, v)
	}
	if v >= math.MaxInt64/float64(time.Second) {
		return math.MaxInt64, nil
	}
	return time.Duration(v * float64(time.Second)), nil
}
