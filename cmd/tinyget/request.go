package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/tinyhttpd/tinyhttpd/client"
	"github.com/tinyhttpd/tinyhttpd/internal/version"
)

// userAgent is the User-Agent header's default value.
const userAgent = "tinyget/" + version.Release

// field is a request header, marked when it is one of tinyget's defaults,
// which -H replaces or removes.
type field struct {
	client.Header
	builtin bool
}

// requestBody is the body a request sends: data, in memory; or, for a -T
// regular file, the first size bytes of file, streamed from disk for each
// exchange (retries, redirects, parallel transfers), so that an upload of
// any size takes no more memory than a small one. The file is the one
// opened at the start: replaced meanwhile, it is still sent as it was.
// An upload that -C resumes sends only the bytes from offset from on.
type requestBody struct {
	data []byte
	file *os.File // nil unless streamed
	size int64
	from int64 // the -C offset of an upload: the bytes before it are not sent
}

// inMemory returns the body data.
func inMemory(data []byte) requestBody { return requestBody{data: data, size: int64(len(data))} }

// open returns the streamed body for one exchange. A file that has shrunk
// since the start fails the exchange when its end comes early, rather than
// send fewer bytes than its Content-Length says.
func (b requestBody) open() (io.ReadCloser, error) {
	return io.NopCloser(&exactly{r: io.NewSectionReader(b.file, b.from, b.sent()), left: b.sent()}), nil
}

// sent returns how many bytes of the body a request sends: those from the
// -C offset on.
func (b requestBody) sent() int64 { return b.size - b.from }

// contentRange returns the Content-Range a resumed upload (-C) sends, as
// curl does: the part sent out of the whole body; "" when nothing is
// resumed or the body is empty.
func (b requestBody) contentRange(o *options) string {
	if o.uploadFile == "" || (b.from == 0 && o.continueAt != "-") || b.size == 0 {
		return ""
	}
	return fmt.Sprintf("bytes %d-%d/%d", b.from, b.size-1, b.size)
}

// exactly reads left bytes from r, and fails with io.ErrUnexpectedEOF if r
// ends before them.
type exactly struct {
	r    io.Reader
	left int64
}

func (e *exactly) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		err = fmt.Errorf("%w: the file ended %d bytes short of the size it had at the start", io.ErrUnexpectedEOF, e.left)
	}
	return n, err
}

// buildRequest builds the request from the options, the target and the
// body: the data flags' (in the query with -G), or the -T file's (parseArgs
// refuses both). warn
// reports an -H value that is ignored. Its errors are *exitError with
// exitUsage, or exitMalformedURL when -G would put a space or control
// character in the request line, as curl has it.
func buildRequest(o *options, t target, payload requestBody, warn func(format string, args ...any)) (*client.Request, error) {
	if payload.from > 0 && payload.from >= payload.size {
		return nil, fail(exitPartial, "File already completely uploaded: -C %d is not before the end of the %d bytes of the -T file", payload.from, payload.size)
	}
	body := payload.data
	if payload.file == nil {
		body = body[payload.from:]
	}
	hasData := len(o.data) > 0
	upload := o.uploadFile != ""
	if o.get && hasData {
		if i := bytes.IndexFunc(body, func(c rune) bool { return c <= ' ' || c == 0x7f }); i >= 0 {
			return nil, fail(exitMalformedURL, "URL rejected: -G puts %q in the query, a space or control character; encode it as %%XX, as --data-urlencode does", body[i])
		}
		sep := "?"
		if strings.Contains(t.Path, "?") {
			sep = "&"
		}
		t.Path += sep + string(body)
		hasData, body = false, nil
	}
	if upload && strings.HasSuffix(strings.SplitN(t.Path, "?", 2)[0], "/") && o.uploadFile != "-" && o.uploadFile != "." {
		path, query, hasQuery := strings.Cut(t.Path, "?")
		t.Path = path + url.PathEscape(filepath.Base(o.uploadFile))
		if hasQuery {
			t.Path += "?" + query
		}
	}
	method := "GET"
	switch {
	case o.method != "":
		method = o.method
	case o.head:
		method = "HEAD"
	case upload:
		method = "PUT"
	case hasData:
		method = "POST"
	}
	halfClose := halfCloses(o, t)
	fields := []field{{client.Header{Name: "Host", Value: t.HostHeader()}, true}}
	switch {
	case o.user != "":
		user, password, _ := strings.Cut(o.user, ":")
		fields = append(fields, field{client.Header{Name: "Authorization", Value: basicAuth(user, password)}, true})
	case t.User != "" || t.Password != "":
		fields = append(fields, field{client.Header{Name: "Authorization", Value: basicAuth(t.User, t.Password)}, true})
	}
	if o.rangeSpec != "" {
		fields = append(fields, field{client.Header{Name: "Range", Value: "bytes=" + o.rangeSpec}, true})
	}
	if cr := payload.contentRange(o); cr != "" {
		fields = append(fields, field{client.Header{Name: "Content-Range", Value: cr}, true})
	}
	switch {
	case !o.userAgentSet:
		fields = append(fields, field{client.Header{Name: "User-Agent", Value: userAgent}, true})
	case o.userAgent != "":
		fields = append(fields, field{client.Header{Name: "User-Agent", Value: o.userAgent}, true})
	}
	json := hasData && slices.ContainsFunc(o.data, func(d dataArg) bool { return d.mode == dataJSON })
	accept := "*/*"
	if json {
		accept = "application/json"
	}
	fields = append(fields, field{client.Header{Name: "Accept", Value: accept}, true})
	if o.referer != "" {
		fields = append(fields, field{client.Header{Name: "Referer", Value: o.referer}, true})
	}
	if o.compressed {
		fields = append(fields, field{client.Header{Name: "Accept-Encoding", Value: acceptEncoding}, true})
	}
	switch {
	case hasData && !upload:
		contentType := "application/x-www-form-urlencoded"
		if json {
			contentType = "application/json"
		}
		fields = append(fields,
			field{client.Header{Name: "Content-Type", Value: contentType}, true},
			field{client.Header{Name: "Content-Length", Value: strconv.Itoa(len(body))}, true})
	case upload:
		fields = append(fields, field{client.Header{Name: "Content-Length", Value: strconv.FormatInt(payload.sent(), 10)}, true})
	}
	if !halfClose {
		fields = append(fields, field{client.Header{Name: "Connection", Value: "close"}, true})
	}
	for _, h := range o.headers {
		var err error
		fields, err = applyHeader(fields, h)
		if err == errNoColon {
			warn("header %q has no colon (nor \"NAME;\"): ignored", h)
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	header := make([]client.Header, len(fields))
	for i, f := range fields {
		header[i] = f.Header
	}
	req := &client.Request{
		Method:      method,
		Target:      t.Path,
		Header:      header,
		Body:        body,
		NoHalfClose: !halfClose,
		Version:     requestVersion(o, t),
	}
	if payload.file != nil {
		req.GetBody = payload.open
	}
	return req, nil
}

// halfCloses reports whether the exchange half-closes after the request:
// tiny:// and tinys:// do unless --no-half-close; http:// and https://
// never do, because plain
// HTTP servers find the request's end by Content-Length and some take a
// half-close for the client hanging up (nginx cuts a large reply short).
func halfCloses(o *options, t target) bool {
	return t.HalfClose() && !o.noHalfClose
}

// requestVersion returns the version for the request line: -0 or --http1.1
// if given, else HTTP/1.0 for tiny:// and tinys:// (the tiny protocol's)
// and HTTP/1.1 for http:// and https://, as curl sends.
func requestVersion(o *options, t target) string {
	switch {
	case o.httpVersion != "":
		return o.httpVersion
	case t.Scheme == client.SchemeHTTP, t.Scheme == client.SchemeHTTPS:
		return "HTTP/1.1"
	}
	return "HTTP/1.0"
}

// basicAuth returns the Authorization value of Basic authentication.
func basicAuth(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// errNoColon reports an -H value with neither a colon nor the "Name;" form,
// which curl ignores.
var errNoColon = errors.New("header without a colon")

// applyHeader applies one -H value to fields, as curl does: "Name: value"
// replaces the default header of that name or is added, "Name:" removes the
// default, and "Name;" sends the header with an empty value. A value with
// no colon that is not "Name;" is errNoColon, and fields are unchanged.
func applyHeader(fields []field, h string) ([]field, error) {
	name, value, colon := strings.Cut(h, ":")
	if !colon {
		var semicolon bool
		name, value, semicolon = strings.Cut(h, ";")
		if !semicolon || strings.TrimSpace(value) != "" {
			return fields, errNoColon
		}
	}
	name, value = strings.Trim(name, " \t"), strings.TrimSpace(value)
	if name == "" || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r == 0x7f }) || !isFieldValue(value) {
		return nil, fail(exitUsage, "bad header %q", h)
	}
	i := indexBuiltin(fields, name)
	switch {
	case colon && value == "" && i >= 0:
		return append(fields[:i], fields[i+1:]...), nil
	case colon && value == "":
		return fields, nil
	case strings.EqualFold(name, "Host") && slices.ContainsFunc(fields, func(f field) bool { return !f.builtin && strings.EqualFold(f.Name, "Host") }):
		return fields, nil // the first Host given is sent, as by curl
	case i >= 0:
		fields[i] = field{Header: client.Header{Name: name, Value: value}}
		return fields, nil
	}
	return append(fields, field{Header: client.Header{Name: name, Value: value}}), nil
}

// isFieldValue reports whether v can go in a header field as it is: a CR,
// LF or NUL would end the field, or the head, early.
func isFieldValue(v string) bool { return !strings.ContainsAny(v, "\r\n\x00") }

// indexBuiltin returns the index of the default header called name, or -1.
func indexBuiltin(fields []field, name string) int {
	for i, f := range fields {
		if f.builtin && strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}
