package respond

import (
	"strconv"
	"strings"
	"time"

	"github.com/tinyhttpd/tinyhttpd/wire"
)

// byteRange is one satisfiable range of a file: Length bytes from Start.
type byteRange struct {
	Start, Length int64
}

// rangeOutcome is what a Range header asks of a file of a given size.
type rangeOutcome int

const (
	// rangeWhole: send the whole file with 200. The header was malformed,
	// not in bytes, or asked for more than one range, which tinyhttpd
	// answers with the whole file rather than multipart/byteranges, as
	// RFC 9110 section 14.2 allows.
	rangeWhole rangeOutcome = iota
	// rangeOne: send one range with 206.
	rangeOne
	// rangeUnsatisfiable: answer 416; no range overlaps the file.
	rangeUnsatisfiable
)

// maxRangeHeader bounds the Range header parsed; a longer one is ignored.
const maxRangeHeader = 1 << 10

// parseRange interprets the value of a Range header (RFC 9110 section
// 14.1.2) for a file of size bytes: "bytes=a-b", "bytes=a-" or "bytes=-n".
// A last position past the end is cut to the end, and a suffix longer than
// the file is the whole file, as 206.
func parseRange(h string, size int64) (byteRange, rangeOutcome) {
	unit, set, ok := strings.Cut(h, "=")
	if !ok || len(h) > maxRangeHeader || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return byteRange{}, rangeWhole
	}
	specs := strings.Split(set, ",")
	var one string
	n := 0
	for _, s := range specs {
		// RFC 9110 section 5.6.1: empty list elements are allowed and
		// do not count.
		if s = strings.Trim(s, " \t"); s != "" {
			one = s
			n++
		}
	}
	if n != 1 {
		return byteRange{}, rangeWhole
	}
	first, last, ok := strings.Cut(one, "-")
	if !ok {
		return byteRange{}, rangeWhole
	}
	if first == "" {
		suffix, ok := parseDigits(last)
		switch {
		case !ok:
			return byteRange{}, rangeWhole
		case suffix == 0 || size == 0:
			return byteRange{}, rangeUnsatisfiable
		}
		suffix = min(suffix, size)
		return byteRange{Start: size - suffix, Length: suffix}, rangeOne
	}
	start, ok := parseDigits(first)
	if !ok {
		return byteRange{}, rangeWhole
	}
	end := size - 1
	if last != "" {
		e, ok := parseDigits(last)
		if !ok || e < start {
			return byteRange{}, rangeWhole
		}
		end = min(e, size-1)
	}
	if start >= size {
		return byteRange{}, rangeUnsatisfiable
	}
	return byteRange{Start: start, Length: end - start + 1}, rangeOne
}

// parseDigits parses a non-empty run of ASCII digits; ok is false for
// anything else, and for a number that does not fit in an int64.
func parseDigits(s string) (int64, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// validators are a file's ETag and Last-Modified values; both empty when
// the file system gives no modification time (embedded files).
type validators struct {
	etag         string
	lastModified string
	mtime        time.Time // truncated to the second, as Last-Modified is
}

// fileValidators derives a file's validators as nginx does: a strong ETag
// of the modification time in seconds and the size, both in hexadecimal.
func fileValidators(mtime time.Time, size int64) validators {
	if mtime.IsZero() || mtime.Unix() <= 0 {
		return validators{}
	}
	mtime = mtime.Truncate(time.Second)
	return validators{
		etag:         `"` + strconv.FormatInt(mtime.Unix(), 16) + "-" + strconv.FormatInt(size, 16) + `"`,
		lastModified: mtime.UTC().Format(wire.DateFormat),
		mtime:        mtime,
	}
}

// preconditionFailed names the precondition of If-Match or, without it,
// If-Unmodified-Since (empty when absent) that the file fails, or returns
// "" when it passes both: the request then gets 412 (RFC 9110 sections
// 13.1.1, 13.1.4 and 13.2.2). If-Match compares entity tags strongly, and
// "*" matches any file; a file without validators matches only "*".
// If-Unmodified-Since fails when the file was modified after its date; a
// file without a modification time, or a date that does not parse, makes
// it pass.
func (v validators) preconditionFailed(ifMatch string, hasIM bool, ifUnmodifiedSince string) string {
	if hasIM {
		for tag := range strings.SplitSeq(ifMatch, ",") {
			if tag = strings.Trim(tag, " \t"); tag == "*" || v.etag != "" && tag == v.etag {
				return ""
			}
		}
		return "If-Match names no current entity tag of the file"
	}
	if ifUnmodifiedSince == "" || v.etag == "" {
		return ""
	}
	if t, err := wire.ParseDate(ifUnmodifiedSince); err == nil && v.mtime.After(t) {
		return "the file was modified after " + ifUnmodifiedSince
	}
	return ""
}

// notModified reports whether a GET or HEAD with these If-None-Match and
// If-Modified-Since values (empty when absent) gets 304, as RFC 9110
// section 13.2.2 orders them: If-None-Match, when present, decides alone,
// by weak comparison, and "*" matches any file, one without validators
// too; otherwise the file is not modified when its modification time is
// at or before the If-Modified-Since date.
func (v validators) notModified(ifNoneMatch string, hasINM bool, ifModifiedSince string) bool {
	if hasINM {
		for tag := range strings.SplitSeq(ifNoneMatch, ",") {
			tag = strings.Trim(tag, " \t")
			if tag == "*" || v.etag != "" && strings.TrimPrefix(tag, "W/") == v.etag {
				return true
			}
		}
		return false
	}
	if v.etag == "" || ifModifiedSince == "" {
		return false
	}
	t, err := wire.ParseDate(ifModifiedSince)
	return err == nil && !v.mtime.After(t)
}

// rangeApplies reports whether an If-Range value lets a Range apply: an
// entity tag that is strongly equal to the file's, or a date equal to its
// Last-Modified (RFC 9110 section 13.1.5). A file without validators
// matches no If-Range.
func (v validators) rangeApplies(ifRange string) bool {
	ifRange = strings.Trim(ifRange, " \t")
	if v.etag == "" {
		return false
	}
	if strings.HasPrefix(ifRange, `"`) || strings.HasPrefix(ifRange, "W/") {
		return ifRange == v.etag
	}
	t, err := wire.ParseDate(ifRange)
	return err == nil && t.Equal(v.mtime)
}
