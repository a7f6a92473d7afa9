package main

import (
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
	"github.com/tinyhttpd/tinyhttpd/internal/version"
)

// transferInfo is what -w reports about one transfer: its last attempt.
type transferInfo struct {
	url       string // as given
	effective string // the last URL fetched, after redirects
	redirects int    // redirects followed
	// redirectHeaders counts the bytes of the header sections of the
	// redirects followed.
	redirectHeaders int64
	out             *sink // the output, once opened
	remote          bool  // the output file's name comes from the URL (-O)
	resume          int64 // -C's offset
	kept            int64 // with -C, the bytes of the output file that each attempt keeps
	// wroteInPlace is set when a dropped attempt wrote its output file in
	// place (not through a temporary file), for --remove-on-error.
	wroteInPlace bool
	// redirectURL is where a redirect that was not followed points.
	redirectURL string
	urlnum      int // its index among the URLs, from 0
	scheme      string
	method      string
	code        exitCode
	errmsg      string // the failure's message; "" on success
	resp        *client.Response
	filename    string // the output file; "" for stdout
	// stdoutChosen: -o - names stdout, where binary output goes even to
	// a terminal.
	stdoutChosen bool
	retries      int
	trace        *tracer // the last attempt's
	// start is when the transfer began, or its last retry: -m and
	// time_total count from it.
	start    time.Time
	times    timings       // summed over the attempts since start
	total    time.Duration // from start to the last attempt's end
	download int64         // body bytes written out
}

// timings are the times of the steps of the attempts since a transfer (or
// its last retry) began, each attempt's from its own start, summed as curl
// sums them over the redirects it follows, with the connections made and
// the bytes of the request heads sent.
type timings struct {
	namelookup, connect, pretransfer, starttransfer time.Duration
	connects                                        int
	requestBytes                                    int64
}

// add adds the times of an attempt's steps that happened, and its counts.
func (t *timings) add(tr *tracer) {
	t.namelookup += tr.namelookup
	t.connect += tr.connect
	t.pretransfer += tr.pretransfer
	t.starttransfer += tr.starttransfer
	t.connects += boolInt(tr.remote != nil)
	t.requestBytes += tr.headBytes
}

// woKind is how a -w variable is formatted.
type woKind int

const (
	woString  woKind = iota
	woLong           // a number; http_code and response_code take three digits
	woTime           // seconds with six decimals
	woSpecial        // not a value: %{json}, %{stderr}, ...
)

// woValue is a -w variable's value for a transfer; valid is false when the
// transfer has none (JSON null, nothing in text).
type woValue struct {
	s     string
	n     int64
	t     time.Duration
	valid bool
}

// woVar is a -w variable.
type woVar struct {
	name string
	kind woKind
	get  func(*transferInfo) woValue
}

// writeOutVars are the -w variables, sorted by name: %{json} lists them in
// this order, as curl does.
var writeOutVars = []woVar{
	{"content_type", woString, func(ti *transferInfo) woValue { return ti.header("Content-Type") }},
	{"errormsg", woString, func(ti *transferInfo) woValue { return woValue{s: ti.errmsg, valid: ti.code != exitOK} }},
	{"exitcode", woLong, func(ti *transferInfo) woValue { return long(int64(ti.code)) }},
	{"filename_effective", woString, func(ti *transferInfo) woValue { return woValue{s: ti.filename, valid: ti.filename != ""} }},
	{"header_json", woSpecial, nil},
	{"http_code", woLong, func(ti *transferInfo) woValue { return long(int64(ti.status())) }},
	{"http_version", woString, func(ti *transferInfo) woValue { return str(ti.httpVersion()) }},
	{"json", woSpecial, nil},
	{"local_ip", woString, func(ti *transferInfo) woValue { return str(ti.ip(ti.trace.local)) }},
	{"local_port", woLong, func(ti *transferInfo) woValue { return long(ti.port(ti.trace.local)) }},
	{"method", woString, func(ti *transferInfo) woValue { return str(ti.method) }},
	{"num_connects", woLong, func(ti *transferInfo) woValue { return long(int64(ti.times.connects)) }},
	{"num_headers", woLong, func(ti *transferInfo) woValue { return long(int64(len(ti.headers()))) }},
	{"num_redirects", woLong, func(ti *transferInfo) woValue { return long(int64(ti.redirects)) }},
	{"num_retries", woLong, func(ti *transferInfo) woValue { return long(int64(ti.retries)) }},
	{"onerror", woSpecial, nil},
	{"redirect_url", woString, func(ti *transferInfo) woValue { return woValue{s: ti.redirectURL, valid: ti.redirectURL != ""} }},
	{"remote_ip", woString, func(ti *transferInfo) woValue { return str(ti.ip(ti.trace.remote)) }},
	{"remote_port", woLong, func(ti *transferInfo) woValue { return long(ti.port(ti.trace.remote)) }},
	{"response_code", woLong, func(ti *transferInfo) woValue { return long(int64(ti.status())) }},
	{"scheme", woString, func(ti *transferInfo) woValue { return woValue{s: ti.scheme, valid: ti.scheme != ""} }},
	{"size_download", woLong, func(ti *transferInfo) woValue { return long(ti.download) }},
	{"size_header", woLong, func(ti *transferInfo) woValue { return long(ti.headerSize()) }},
	{"size_request", woLong, func(ti *transferInfo) woValue { return long(ti.times.requestBytes) }},
	{"size_upload", woLong, func(ti *transferInfo) woValue { return long(ti.trace.uploaded.Load()) }},
	{"speed_download", woLong, func(ti *transferInfo) woValue { return long(speed(ti.download, ti.total)) }},
	{"speed_upload", woLong, func(ti *transferInfo) woValue { return long(speed(ti.trace.uploaded.Load(), ti.total)) }},
	{"stderr", woSpecial, nil},
	{"stdout", woSpecial, nil},
	{"time_connect", woTime, func(ti *transferInfo) woValue { return dur(ti.times.connect) }},
	{"time_namelookup", woTime, func(ti *transferInfo) woValue { return dur(ti.times.namelookup) }},
	{"time_pretransfer", woTime, func(ti *transferInfo) woValue { return dur(ti.times.pretransfer) }},
	{"time_starttransfer", woTime, func(ti *transferInfo) woValue { return dur(ti.times.starttransfer) }},
	{"time_total", woTime, func(ti *transferInfo) woValue { return dur(ti.total) }},
	{"url", woString, func(ti *transferInfo) woValue { return str(ti.url) }},
	{"url_effective", woString, func(ti *transferInfo) woValue { return str(ti.effective) }},
	{"urlnum", woLong, func(ti *transferInfo) woValue { return long(int64(ti.urlnum)) }},
}

// str, long and dur return a value of each kind.
func str(s string) woValue        { return woValue{s: s, valid: true} }
func long(n int64) woValue        { return woValue{n: n, valid: true} }
func dur(d time.Duration) woValue { return woValue{t: d, valid: true} }

// boolInt returns 1 for true and 0 for false.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// status returns the reply's status code, or 0 without a reply.
func (ti *transferInfo) status() int {
	if ti.resp == nil {
		return 0
	}
	return ti.resp.StatusCode
}

// headers returns the reply's header fields, if there was a reply.
func (ti *transferInfo) headers() []client.Header {
	if ti.resp == nil {
		return nil
	}
	return ti.resp.Header
}

// header returns the first reply header field called name.
func (ti *transferInfo) header(name string) woValue {
	for _, h := range ti.headers() {
		if strings.EqualFold(h.Name, name) {
			return str(h.Value)
		}
	}
	return woValue{}
}

// headerSize returns the size of the header sections received, as curl
// counts them: the redirects' that -L followed, and the last reply's, its
// interim replies' included.
func (ti *transferInfo) headerSize() int64 {
	n := ti.redirectHeaders
	if ti.resp != nil {
		n += int64(len(ti.resp.RawInterim) + len(ti.resp.RawHeader))
	}
	return n
}

// httpVersion returns the reply's version as curl names it: "1" for
// HTTP/1.0, "1.1", and "0" without a reply.
func (ti *transferInfo) httpVersion() string {
	switch {
	case ti.resp == nil:
		return "0"
	case ti.resp.Proto == "HTTP/1.0":
		return "1"
	}
	return strings.TrimPrefix(ti.resp.Proto, "HTTP/")
}

// ip returns the IP address of a, or "" for nil.
func (ti *transferInfo) ip(a net.Addr) string {
	if a == nil {
		return ""
	}
	ip, _, _ := net.SplitHostPort(a.String())
	return ip
}

// port returns the port of a, or 0 for nil.
func (ti *transferInfo) port(a net.Addr) int64 {
	if a == nil {
		return 0
	}
	_, p, _ := net.SplitHostPort(a.String())
	n, _ := strconv.ParseInt(p, 10, 64)
	return n
}

// writeOut writes the -w format for a transfer, as curl does: %{name}
// variables, %header{name} for a reply header, %% for %, and \n, \r and \t
// escapes; anything else as it is. It starts on stdout; %{stderr} and
// %{stdout} switch. On stderr the format's own text is written as it is,
// as on stdout (the user wrote it: a colour escape works), and the values,
// which may come from the server, through safeText. An unknown variable is
// reported on stderr.
func writeOut(format string, ti *transferInfo, stdout io.Writer, stderr safeText) {
	text, values := stdout, stdout
	for len(format) > 0 {
		c := format[0]
		switch {
		case c == '%' && len(format) > 1:
			switch next := format[1]; {
			case next == '%':
				io.WriteString(text, "%")
				format = format[2:]
			case next == '{':
				end := strings.IndexByte(format, '}')
				if end < 0 {
					io.WriteString(text, "%{")
					format = format[2:]
					continue
				}
				name := format[2:end]
				format = format[end+1:]
				i, ok := slices.BinarySearchFunc(writeOutVars, name, func(v woVar, name string) int { return strings.Compare(v.name, name) })
				if !ok {
					fmt.Fprintf(stderr, "tinyget: unknown --write-out variable: '%s'\n", name)
					continue
				}
				switch v := writeOutVars[i]; v.name {
				case "json":
					writeJSON(values, ti)
				case "header_json":
					writeHeaderJSON(values, ti.headers())
				case "stdout":
					text, values = stdout, stdout
				case "stderr":
					text, values = stderr.w, stderr
				case "onerror":
					if ti.code == exitOK {
						return
					}
				default:
					writeText(values, v, v.get(ti))
				}
			case strings.HasPrefix(format[1:], "header{") && strings.IndexByte(format, '}') >= 0:
				end := strings.IndexByte(format, '}')
				if h := ti.header(format[len("%header{"):end]); h.valid {
					io.WriteString(values, h.s)
				}
				format = format[end+1:]
			default:
				io.WriteString(text, format[:2])
				format = format[2:]
			}
		case c == '\\' && len(format) > 1:
			switch format[1] {
			case 'n':
				io.WriteString(text, "\n")
			case 'r':
				io.WriteString(text, "\r")
			case 't':
				io.WriteString(text, "\t")
			default:
				io.WriteString(text, format[:2])
			}
			format = format[2:]
		default:
			i := strings.IndexAny(format[1:], `%\`) + 1
			if i == 0 {
				i = len(format)
			}
			io.WriteString(text, format[:i])
			format = format[i:]
		}
	}
}

// writeText writes a variable's value as plain text: nothing when it has
// none.
func writeText(w io.Writer, v woVar, val woValue) {
	if !val.valid {
		return
	}
	switch v.kind {
	case woString:
		io.WriteString(w, val.s)
	case woTime:
		io.WriteString(w, seconds6(val.t))
	case woLong:
		if v.name == "http_code" || v.name == "response_code" {
			fmt.Fprintf(w, "%03d", val.n)
		} else {
			fmt.Fprintf(w, "%d", val.n)
		}
	}
}

// seconds6 formats d in seconds with six decimals, as curl writes times.
func seconds6(d time.Duration) string {
	us := d.Microseconds()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// writeJSON writes every variable with a value, in one JSON object, and
// tinyget's version last (curl writes curl_version there).
func writeJSON(w io.Writer, ti *transferInfo) {
	var b strings.Builder
	b.WriteByte('{')
	for _, v := range writeOutVars {
		if v.kind == woSpecial {
			continue
		}
		val := v.get(ti)
		appendJSONString(&b, v.name)
		b.WriteByte(':')
		switch {
		case !val.valid:
			b.WriteString("null")
		case v.kind == woString:
			appendJSONString(&b, val.s)
		case v.kind == woTime:
			b.WriteString(seconds6(val.t))
		default:
			b.WriteString(strconv.FormatInt(val.n, 10))
		}
		b.WriteByte(',')
	}
	b.WriteString(`"tinyget_version":`)
	appendJSONString(&b, version.Release)
	b.WriteByte('}')
	io.WriteString(w, b.String())
}

// writeHeaderJSON writes the reply's header fields as curl's
// %{header_json} does: an object with the lower-cased names in the order
// they first came, each with the list of its values, one name per line.
func writeHeaderJSON(w io.Writer, header []client.Header) {
	var b strings.Builder
	b.WriteByte('{')
	var seen []string
	for i, h := range header {
		name := strings.ToLower(h.Name)
		if slices.Contains(seen, name) {
			continue
		}
		if len(seen) > 0 {
			b.WriteString(",\n")
		}
		seen = append(seen, name)
		appendJSONString(&b, name)
		b.WriteString(":[")
		for j, g := range header[i:] {
			if strings.EqualFold(g.Name, name) {
				if j > 0 {
					b.WriteByte(',')
				}
				appendJSONString(&b, g.Value)
			}
		}
		b.WriteByte(']')
	}
	b.WriteString("\n}")
	io.WriteString(w, b.String())
}

// appendJSONString appends s as a JSON string, escaped as curl escapes it:
// the short escapes, \u00XX for other control characters, and U+FFFD for
// bytes that are not UTF-8.
func appendJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r) // utf8.RuneError for invalid bytes: U+FFFD
		}
	}
	b.WriteByte('"')
}
