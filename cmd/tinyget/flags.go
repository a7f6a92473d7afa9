package main

import (
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/tinyhttpd/tinyhttpd/internal/httpsyntax"
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

	location      bool   // -L
	maxRedirs     int    // --max-redirs; -1: no limit
	user          string // -u USER[:PASSWORD]
	dumpHeader    string // -D FILE
	get           bool   // -G
	referer       string // -e URL, without ";auto"
	autoReferer   bool   // -e ";auto"
	uploadFile    string // -T FILE
	rangeSpec     string // -r
	continueAt    string // -C OFFSET or -
	resumeAt      int64  // -C OFFSET, parsed
	compressed    bool
	parallel      bool
	parallelMax   int
	unixSocket    string
	resolve       []string
	connectTo     []string
	limitRate     int64 // bytes per second; 0: no limit
	noBuffer      bool
	outputDir     string
	removeOnError bool
	failEarly     bool
	remoteTime    bool
	remoteHeader  bool  // -J
	maxFilesize   int64 // 0: no limit
	stderrFile    string
	caCert        string // --cacert FILE
	caPath        string // --capath DIR
	insecure      bool   // -k
	cert          string // --cert FILE
	key           string // --key FILE
	tlsMin        uint16 // --tlsv1.2, --tlsv1.3: the lowest TLS version; 0 for TLS 1.2
	pinnedPubKey  string // --pinnedpubkey
	ipVersion     int    // 0 for either, 4 or 6
	httpVersion   string // "" for the scheme's default, "HTTP/1.0" or "HTTP/1.1"
	help          bool
	version       bool
	urls          []string // the URLs, from --url and the arguments, in order
}

// dataArg is one -d, --data-binary or --data-raw value.
type dataArg struct {
	value string
	mode  dataMode
}

// dataMode says how a data value is read.
type dataMode int

const (
	dataASCII     dataMode = iota // -d: @FILE read with CR and LF removed
	dataBinary                    // --data-binary: @FILE read as is
	dataRaw                       // --data-raw: no @FILE
	dataURLEncode                 // --data-urlencode: [NAME]=CONTENT or [NAME]@FILE, percent-encoded
	dataJSON                      // --json: as --data-binary, with JSON's headers
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
	switch {
	case v.remote:
		s = ""
	case s == "":
		return errors.New("the file name is empty (-o - writes to stdout)") // as curl refuses it
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

// The transfers -Z runs at once: curl's default, which --parallel-max 0
// also gives, and its limit.
const (
	defaultParallelMax = 50
	maxParallel        = 300
)

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
	fs.Var(&dataValue{&o.data, dataURLEncode}, "data-urlencode", "send `DATA` as -d does, percent-encoded: CONTENT, =CONTENT, NAME=CONTENT, @FILE or NAME@FILE")
	fs.Var(&dataValue{&o.data, dataJSON}, "json", "send `DATA` as --data-binary does, with Content-Type and Accept application/json; several are joined as they are")
	fs.BoolVarP(&o.get, "get", "G", false, "put the data flags' data in the URL's query and send GET")
	fs.StringVarP(&o.uploadFile, "upload-file", "T", "", "send `FILE` as the body of a PUT (- for stdin); a URL ending in / gets the file's name")
	fs.StringArrayVarP(&o.headers, "header", "H", nil, "add `\"NAME: VALUE\"`, or replace a default header; \"NAME:\" removes it, \"NAME;\" sends it empty; @FILE reads one a line from a file, @- from stdin")
	fs.StringVarP(&o.userAgent, "user-agent", "A", "", "send User-Agent `NAME` (\"\" sends none)")
	fs.StringVarP(&o.user, "user", "u", "", "send `USER:PASSWORD` with Basic authentication (no prompt: USER alone has an empty password)")
	fs.StringVarP(&o.referer, "referer", "e", "", "send Referer `URL`; \"URL;auto\" or \";auto\" also sets it on each redirect (-L)")
	fs.StringVarP(&o.rangeSpec, "range", "r", "", "ask for the byte `RANGE` (0-499, 500-, -500, 0-1,5-9): Range: bytes=RANGE")
	fs.StringVarP(&o.continueAt, "continue-at", "C", "", "resume at byte `OFFSET` of the -o file, or - for its size; exit 33 when the server cannot resume; with -T, send the file from OFFSET")
	fs.BoolVar(&o.compressed, "compressed", false, "ask for a gzip or deflate body (Accept-Encoding) and decode it")
	fs.BoolVarP(&o.location, "location", "L", false, "follow redirects (301, 302, 303, 307, 308 with Location), as curl: 301-303 turn a POST into a GET, 303 any method but HEAD, 307 and 308 keep it")
	fs.IntVar(&o.maxRedirs, "max-redirs", 50, "follow at most `N` redirects with -L (-1: no limit); one more is exit 47")
	fs.BoolVarP(&o.include, "include", "i", false, "write the reply's status line and headers before the body")
	fs.BoolVarP(&o.head, "head", "I", false, "send HEAD and write the reply's headers only")
	fs.VarP(&outputValue{list: &o.outputs}, "output", "o", "write the body to `FILE` instead of stdout (- for stdout); one -o per URL, in order")
	choice(&outputValue{list: &o.outputs, remote: true}, "remote-name", "O", "write the body to a file named like the URL path's last segment, in the current directory")
	fs.BoolVar(&o.createDirs, "create-dirs", false, "create the directories that -o names")
	fs.StringVar(&o.outputDir, "output-dir", "", "put the -o and -O files in `DIR`")
	fs.BoolVarP(&o.remoteHeader, "remote-header-name", "J", false, "with -O, name the file as the reply's Content-Disposition says")
	fs.BoolVarP(&o.remoteTime, "remote-time", "R", false, "give the output file the reply's Last-Modified time")
	fs.BoolVar(&o.removeOnError, "remove-on-error", false, "remove the output file of a transfer that fails, even with --fail-with-body or -C")
	fs.StringVarP(&o.dumpHeader, "dump-header", "D", "", "write the reply's header sections to `FILE` (- for stdout)")
	fs.String("max-filesize", "", "refuse a body larger than `BYTES` (suffix k, m, g): exit 63")
	fs.String("limit-rate", "", "read the body at most `SPEED` bytes per second (suffix k, m, g)")
	fs.BoolVarP(&o.noBuffer, "no-buffer", "N", false, "write each piece of the body as it arrives (tinyget never buffers its output; accepted for curl's scripts)")
	fs.BoolP("globoff", "g", false, "send [ ] { } in URLs as they are (tinyget never expands them; accepted for curl's scripts)")
	fs.StringVar(&o.stderrFile, "stderr", "", "write what goes to stderr to `FILE` instead (- for stdout)")
	fs.BoolVarP(&o.silent, "silent", "s", false, "no progress meter, warnings or error messages")
	fs.BoolVarP(&o.showError, "show-error", "S", false, "with -s, still print error messages")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "print each step of the exchange on stderr")
	fs.BoolVarP(&o.fail, "fail", "f", false, "exit 22, writing no body, when the status is 400 or more (with -i, the header section is written)")
	fs.BoolVar(&o.failWithBody, "fail-with-body", false, "exit 22 when the status is 400 or more, after writing the body")
	fs.Float64VarP(new(float64), "max-time", "m", 0, "give up on each attempt, redirects included, after `SECONDS` in all (0: no limit)")
	fs.Float64Var(new(float64), "connect-timeout", 0, "give up connecting, the TLS handshake included, after `SECONDS` (0 or unset: 300, as curl)")
	fs.IntVar(&o.retry, "retry", 0, "retry `N` times on a transient failure: timeout, unresolved name, status 408, 429, 500, 502, 503 or 504")
	fs.Float64Var(new(float64), "retry-delay", 0, "wait `SECONDS` before each retry (0: 1s, doubling up to 10 minutes; a Retry-After header can lengthen it)")
	fs.Float64Var(new(float64), "retry-max-time", 0, "start no retry after `SECONDS` since the first attempt (0: no limit)")
	fs.BoolVar(&o.retryRefused, "retry-connrefused", false, "with --retry, also retry a refused connection")
	fs.BoolVar(&o.retryAll, "retry-all-errors", false, "with --retry, retry on any failure")
	fs.StringVarP(&o.writeOut, "write-out", "w", "", "after each transfer, write `FORMAT` to stdout: %{http_code}, %{json}, ... (see docs/tinyget.md); @FILE reads it from a file, @- from stdin")
	fs.BoolVarP(&o.progressBar, "progress-bar", "#", false, "show a bar of #s rather than the progress meter")
	fs.BoolVar(&o.noProgress, "no-progress-meter", false, "no progress meter, but warnings and errors as usual")
	fs.BoolVar(&o.failEarly, "fail-early", false, "stop at the first transfer that fails, and exit with its code")
	fs.BoolVarP(&o.parallel, "parallel", "Z", false, "run the transfers at the same time")
	fs.IntVar(&o.parallelMax, "parallel-max", defaultParallelMax, fmt.Sprintf("with -Z, run at most `N` transfers at once (1 to %d; 0: %d)", maxParallel, defaultParallelMax))
	fs.Bool("parallel-immediate", false, "with -Z, connect at once rather than wait to share a connection (tinyget always does: one exchange per connection)")
	fs.StringVar(&o.unixSocket, "unix-socket", "", "connect to the Unix domain socket `PATH` instead of the URL's host and port")
	fs.StringArrayVar(&o.resolve, "resolve", nil, "`HOST:PORT:ADDR`: for that host and port, connect to ADDR without a lookup; repeatable")
	fs.StringArrayVar(&o.connectTo, "connect-to", nil, "`HOST1:PORT1:HOST2:PORT2`: connect to HOST2:PORT2 instead of HOST1:PORT1 (an empty part matches any, or keeps the URL's); repeatable")
	fs.String("url", "", "fetch `URL`, as if given as an argument there; repeatable")
	fs.BoolP("disable", "q", false, "as the first flag: do not read ~/.tinygetrc")
	fs.StringArrayP("config", "K", nil, "read flags from `FILE` in curl's syntax (- for stdin); repeatable")
	fs.BoolVar(&o.noHalfClose, "no-half-close", false, "do not half-close after a tiny:// request (http:// never does), for servers that take a half-close for a hang-up; the server must then find the request's end by its Content-Length (tinyhttpd waits for EOF, and answers 408 after its read timeout)")
	fs.BoolVar(&o.pathAsIs, "path-as-is", false, "send the URL's path as given, without resolving its /./ and /../ segments")
	fs.StringVar(&o.caCert, "cacert", "", "tinys://, https://: trust the certificate authorities in the PEM `FILE`, instead of the system's")
	fs.StringVar(&o.caPath, "capath", "", "tinys://, https://: trust the certificate authorities in the PEM files of `DIR`, instead of the system's")
	fs.BoolVarP(&o.insecure, "insecure", "k", false, "tinys://, https://: do not verify the server's certificate (--pinnedpubkey still applies)")
	fs.StringVarP(&o.cert, "cert", "E", "", "tinys://, https://: present the client certificate in the PEM `FILE` (its key too, unless --key)")
	fs.StringVar(&o.key, "key", "", "tinys://, https://: the client certificate's private key, in the PEM `FILE`")
	choice(&choiceValue[uint16]{&o.tlsMin, tls.VersionTLS12}, "tlsv1.2", "", "tinys://, https://: TLS 1.2 or later (the default)")
	choice(&choiceValue[uint16]{&o.tlsMin, tls.VersionTLS13}, "tlsv1.3", "", "tinys://, https://: TLS 1.3 or later")
	fs.StringVar(&o.pinnedPubKey, "pinnedpubkey", "", "tinys://, https://: the server's public key must be one of `HASHES`, sha256//BASE64 separated by ;, or that in a PEM or DER file; exit 90 if not")
	choice(&choiceValue[int]{&o.ipVersion, 4}, "ipv4", "4", "resolve and connect over IPv4 only")
	choice(&choiceValue[int]{&o.ipVersion, 6}, "ipv6", "6", "resolve and connect over IPv6 only")
	choice(&choiceValue[string]{&o.httpVersion, "HTTP/1.0"}, "http1.0", "0", "send HTTP/1.0 requests (the default for tiny://)")
	choice(&choiceValue[string]{&o.httpVersion, "HTTP/1.1"}, "http1.1", "", "send HTTP/1.1 requests (the default for http://)")
	fs.BoolVarP(&o.help, "help", "h", false, "print this help")
	fs.BoolVarP(&o.version, "version", "V", false, "print the version")
	addNegations(fs)
	return fs
}

// boolFlag is the value of a flag that is on or off: pflag's Bool flags,
// not those that set a shared value (choiceValue, outputValue).
type boolFlag interface{ IsBoolFlag() bool }

// addNegations gives each boolean long flag --X of fs the negation curl
// gives it, --no-X, hidden from --help, so that a flag set in a config
// file can be turned off; that of a flag called no-X (--no-buffer) is --X
// (--buffer), as in curl.
func addNegations(fs *pflag.FlagSet) {
	var flags []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if _, ok := f.Value.(boolFlag); ok {
			flags = append(flags, f)
		}
	})
	for _, f := range flags {
		name, ok := strings.CutPrefix(f.Name, "no-")
		if !ok {
			name = "no-" + f.Name
		}
		fs.VarPF(negation{f.Value}, name, "", "turn --"+f.Name+" off").NoOptDefVal = "true"
		_ = fs.MarkHidden(name) // cannot fail: the flag was just added
	}
}

// negation is the value of a flag that sets a boolean flag to the opposite
// of its own value.
type negation struct{ of pflag.Value }

func (n negation) String() string { return "" }
func (n negation) Type() string   { return "bool" }
func (n negation) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	return n.of.Set(strconv.FormatBool(!v))
}

// notBoolean returns the error for --no-NAME when there is no such flag
// but there is a --NAME that is not boolean (--no-output), as curl has it;
// nil otherwise.
func notBoolean(fs *pflag.FlagSet, name string) error {
	base, ok := strings.CutPrefix(name, "no-")
	if f := fs.Lookup(base); ok && f != nil && fs.Lookup(name) == nil {
		if _, isBool := f.Value.(boolFlag); !isBool {
			return fail(exitUsage, "--%s: --%s is not a boolean flag, so it has no --no- form", name, base)
		}
	}
	return nil
}

// parseArgs parses the command line. It reads no file: see load. Its errors
// are *exitError with exitUsage.
func parseArgs(args []string) (*options, error) {
	o := new(options)
	fs := newFlagSet(o)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(markURLs(fs, args)); err != nil {
		var bad *pflag.InvalidValueError
		if errors.As(err, &bad) && takesNumber(bad.GetFlag()) {
			return nil, fail(exitUsage, "%s", notANumber(bad))
		}
		var unknown *pflag.NotExistError
		if errors.As(err, &unknown) {
			if err := notBoolean(fs, unknown.GetSpecifiedName()); err != nil {
				return nil, err
			}
		}
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
	if o.limitRate, err = byteSize(fs, "limit-rate"); err != nil {
		return nil, err
	}
	if o.maxFilesize, err = byteSize(fs, "max-filesize"); err != nil {
		return nil, err
	}
	if v, ok := strings.CutSuffix(o.referer, ";auto"); ok {
		o.referer, o.autoReferer = v, true
	}
	for _, a := range fs.Args() {
		o.urls = append(o.urls, strings.TrimPrefix(a, urlMark))
	}
	if o.continueAt != "" && o.continueAt != "-" {
		n, err := strconv.ParseUint(o.continueAt, 10, 63)
		if err != nil {
			return nil, fail(exitUsage, "-C: %q is not an offset in bytes or -", o.continueAt)
		}
		o.resumeAt = int64(n)
	}
	switch {
	case len(o.urls) == 0:
		return nil, fail(exitUsage, "no URL specified")
	case o.head && len(o.data) > 0 && !o.get:
		return nil, fail(exitUsage, "-I (HEAD) and -d (POST) ask for two methods")
	case o.head && o.uploadFile != "":
		return nil, fail(exitUsage, "-I (HEAD) and -T (PUT) ask for two methods")
	case o.fail && o.failWithBody:
		return nil, fail(exitUsage, "--fail and --fail-with-body cannot be used together")
	case o.remoteHeader && (o.include || o.head):
		// As in curl, in its words.
		return nil, fail(exitUsage, "--include or --head (showing headers) and --remote-header-name cannot be combined")
	case o.continueAt == "-" && o.remoteHeader:
		// As in curl: the name comes with the reply, after the offset was
		// taken from another file.
		return nil, fail(exitUsage, "--continue-at - and --remote-header-name cannot be combined")
	case o.continueAt != "" && o.remoteHeader && slices.ContainsFunc(o.outputs, func(out outputArg) bool { return out.remote }):
		// curl takes it and fails at the reply (exit 23).
		return nil, fail(exitUsage, "--continue-at and -O --remote-header-name cannot be combined: the file would be named after its offset was taken")
	case o.retry < 0:
		return nil, fail(exitUsage, "--retry: %d is not a number of retries", o.retry)
	case o.maxRedirs < -1:
		return nil, fail(exitUsage, "--max-redirs: %d is not a number of redirects (-1: no limit)", o.maxRedirs)
	case o.parallelMax < 0:
		return nil, fail(exitUsage, "--parallel-max: %d is not a number of transfers", o.parallelMax)
	case o.uploadFile != "" && len(o.data) > 0:
		return nil, fail(exitUsage, "-T (PUT a file) and -d (POST data) ask for two bodies")
	case o.method != "" && !httpsyntax.IsToken(o.method):
		return nil, fail(exitUsage, "-X %q: a method is a token, such as GET or POST", o.method)
	}
	for _, v := range []struct{ flag, value string }{{"-A", o.userAgent}, {"-e", o.referer}, {"-r", o.rangeSpec}} {
		if !isFieldValue(v.value) {
			return nil, fail(exitUsage, "%s %q: a header value cannot hold CR, LF or NUL", v.flag, v.value)
		}
	}
	o.parallelMax = min(cmp.Or(o.parallelMax, defaultParallelMax), maxParallel)
	return o, nil
}

// urlMark starts an argument that markURLs made of a --url value. No
// command-line argument can hold its NUL byte.
const urlMark = "\x00url:"

// markURLs returns args with each --url value turned into an argument
// marked with urlMark, so that the URLs of --url and those given as
// arguments keep their order on the command line, as in curl.
func markURLs(fs *pflag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(out, args[i:]...)
		case a == "--url" && i+1 < len(args):
			i++
			out = append(out, urlMark+args[i])
			continue
		case strings.HasPrefix(a, "--url="):
			out = append(out, urlMark+strings.TrimPrefix(a, "--url="))
			continue
		}
		out = append(out, a)
		if f, _, _, inline := valueFlag(fs, a); f != nil && !inline && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
	}
	return out
}

// valueFlag returns the flag of fs in the argument a that takes a value,
// if any, as pflag reads a: --NAME or --NAME=VALUE, or in a run of short
// flags ("-sK") the first that takes a value, which takes the rest of the
// run as its value. before is what the run holds before that flag ("-s"),
// and value the value a holds, inline when a holds one; a value that a
// does not hold is the next argument.
func valueFlag(fs *pflag.FlagSet, a string) (f *pflag.Flag, before, value string, inline bool) {
	switch {
	case strings.HasPrefix(a, "--"):
		name, value, inline := strings.Cut(a[2:], "=")
		if f := fs.Lookup(name); f != nil && f.NoOptDefVal == "" {
			return f, "", value, inline
		}
	case strings.HasPrefix(a, "-") && len(a) > 1:
		for j := 1; j < len(a); j++ {
			if f := fs.ShorthandLookup(a[j : j+1]); f != nil && f.NoOptDefVal == "" {
				if j > 1 {
					before = a[:j]
				}
				return f, before, a[j+1:], j+1 < len(a)
			}
		}
	}
	return nil, "", "", false
}

// byteSize returns the value of a size flag in bytes: a number with an
// optional suffix k, m or g (powers of 1024, as curl's), 0 when unset.
func byteSize(fs *pflag.FlagSet, name string) (int64, error) {
	v, _ := fs.GetString(name)
	if v == "" {
		return 0, nil
	}
	num, shift := v, 0
	switch strings.ToLower(v[len(v)-1:]) {
	case "k":
		num, shift = v[:len(v)-1], 10
	case "m":
		num, shift = v[:len(v)-1], 20
	case "g":
		num, shift = v[:len(v)-1], 30
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || f*float64(int64(1)<<shift) >= math.MaxInt64 {
		return 0, fail(exitUsage, "--%s: %q is not a number of bytes (suffix k, m or g)", name, v)
	}
	return int64(f * float64(int64(1)<<shift)), nil
}

// takesNumber reports whether f's value is a number: --max-time, --retry
// and the like.
func takesNumber(f *pflag.Flag) bool {
	switch f.Value.Type() {
	case "float64", "int":
		return true
	}
	return false
}

// notANumber says what is wrong with the value of bad, a flag that takes
// a number: it is none, or out of range.
func notANumber(bad *pflag.InvalidValueError) string {
	what := "is not a number"
	if errors.Is(bad, strconv.ErrRange) {
		what = "is out of range"
	}
	return fmt.Sprintf("--%s: %q %s", bad.GetFlag().Name, bad.GetValue(), what)
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
