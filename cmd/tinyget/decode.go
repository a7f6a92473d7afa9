package main

import (
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"mime"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// acceptEncoding is the Accept-Encoding that --compressed sends: the
// codings the standard library decodes.
const acceptEncoding = "deflate, gzip"

// decoder returns the reader of the reply's body, which body reads: with
// --compressed and a Content-Encoding of gzip (x-gzip) or deflate, the
// decoded body; else body. Its errors are *exitError with exitBadEncoding.
func (r *runner) decoder(resp *client.Response, body io.Reader) (io.Reader, error) {
	if !r.o.compressed || r.o.head {
		return body, nil
	}
	var coding string
	for _, h := range resp.Header {
		if strings.EqualFold(h.Name, "Content-Encoding") {
			coding = strings.ToLower(strings.TrimSpace(h.Value))
		}
	}
	switch coding {
	case "", "identity":
		return body, nil
	case "gzip", "x-gzip":
		return &lazyDecoder{src: body, open: func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }}, nil
	case "deflate":
		return &lazyDecoder{src: body, open: openDeflate}, nil
	}
	// Another coding is an error once there is a body to decode: a 204's,
	// or an empty one, is not, as in curl.
	return &lazyDecoder{src: body, open: func(r io.Reader) (io.Reader, error) {
		var b [1]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, err // io.EOF: no body
		}
		return nil, fmt.Errorf("unrecognized content encoding type %q: --compressed decodes gzip and deflate", coding)
	}}, nil
}

// openDeflate opens an HTTP deflate body: zlib's format (RFC 9110), or raw
// deflate, which some servers send instead.
func openDeflate(r io.Reader) (io.Reader, error) {
	var head [2]byte
	n, err := io.ReadFull(r, head[:])
	src := io.MultiReader(strings.NewReader(string(head[:n])), r)
	if err != nil && n == 0 {
		return nil, err
	}
	if n == 2 && head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
		return zlib.NewReader(src)
	}
	return flate.NewReader(src), nil
}

// lazyDecoder opens its decoder on the first Read, so that an empty body
// (a HEAD's, a 304's) is not an error.
type lazyDecoder struct {
	src  io.Reader
	open func(io.Reader) (io.Reader, error)
	dec  io.Reader
}

func (d *lazyDecoder) Read(p []byte) (int, error) {
	if d.dec == nil {
		dec, err := d.open(d.src)
		if err != nil {
			return 0, err // io.EOF for an empty body
		}
		d.dec = dec
	}
	return d.dec.Read(p)
}

// dispositionName returns the file name a Content-Disposition value gives,
// without its directories, and whether tinyget may write a file of that
// name; name is "" when the value gives none. A name is refused when it is
// "." or "..", when it names a dot file, which a later run or a shell may
// read as settings (.tinygetrc, .bashrc), and when it holds a character
// safeText would escape (a control, DEL, a C1 or bidirectional control) or
// bytes that are not UTF-8.
func dispositionName(v string) (name string, ok bool) {
	_, params, err := mime.ParseMediaType(v)
	if err != nil || params["filename"] == "" {
		return "", true
	}
	name = filepath.Base(strings.ReplaceAll(params["filename"], "\\", "/"))
	if name == "/" {
		return "", true
	}
	if strings.HasPrefix(name, ".") || !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || unsafeRune(r) }) {
		return name, false
	}
	return name, true
}
