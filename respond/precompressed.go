package respond

import (
	"io/fs"
	"strconv"
	"strings"

	"github.com/tinyhttpd/tinyhttpd/wire"
)

// encoding says which variant of a file a reply sends.
type encoding struct {
	gzip bool // the precompressed name.gz, sent with Content-Encoding: gzip
	vary bool // name.gz exists, so the reply depends on Accept-Encoding
}

// sendVariant sends f, the file name, or name.gz beside it when that is a
// regular file and the request accepts gzip, as nginx's gzip_static does:
// Content-Type from name, Content-Encoding: gzip, and validators and ranges
// of the variant sent. Both variants carry Vary: Accept-Encoding when the
// .gz file exists. open opens a sibling of name. The variant not sent is
// closed, and the one sent as sendFile says. A route that names
// Content-Encoding itself has no variants: f is sent.
func sendVariant(f fs.File, name string, open func(string) (fs.File, error), req *wire.Request, r *entry, headOnly bool) Reply {
	var enc encoding
	if r.stored {
		return sendFile(f, name, enc, req, r, headOnly)
	}
	if gz, err := open(name + ".gz"); err == nil {
		if st, err := gz.Stat(); err == nil && st.Mode().IsRegular() {
			enc.vary = true
			if ae, ok := req.List("Accept-Encoding"); ok && acceptsGzip(ae) {
				enc.gzip = true
				f, gz = gz, f
			}
		}
		gz.Close()
	}
	return sendFile(f, name, enc, req, r, headOnly)
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip (RFC
// 9110 section 12.5.3): "gzip" or "x-gzip" with a q above 0, or "*" with a
// q above 0 when gzip is not listed itself.
func acceptsGzip(ae string) bool {
	star := false
	for item := range strings.SplitSeq(ae, ",") {
		coding, params, _ := strings.Cut(item, ";")
		coding = strings.ToLower(strings.Trim(coding, " \t"))
		q := qvalue(params)
		switch coding {
		case "gzip", "x-gzip":
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}

// qvalue returns the q parameter in params (";q=0.5;..."), 1 when absent,
// and 0 when malformed.
func qvalue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		name, value, ok := strings.Cut(strings.Trim(p, " \t"), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}
