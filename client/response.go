package client

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tinyhttpd/tinyhttpd/internal/httpsyntax"
)

// Response is the reply half of one exchange.
type Response struct {
	// Proto is the version in the status line: "HTTP/1.0" or "HTTP/1.1".
	Proto string

	// StatusCode is the three-digit status code.
	StatusCode int

	// Status is the status line after the version: the code and the reason
	// phrase, which may be empty ("200 OK", "404").
	Status string

	// Header holds the reply's header fields in the order received.
	Header []Header

	// ContentLength is the value of the Content-Length field, or -1 when the
	// reply has none or has a Transfer-Encoding, which overrides it. Without
	// either, the body is everything up to EOF.
	ContentLength int64

	// Chunked reports that the body is sent with the chunked transfer
	// coding (Transfer-Encoding ending in "chunked"), which Body decodes.
	// Other transfer codings are passed through undecoded, and the body
	// then ends at EOF.
	Chunked bool

	// Body streams the reply body: exactly ContentLength bytes when that is
	// known, the decoded chunks when Chunked, and nothing for a HEAD request
	// or a 101, 204 or 304 reply. Bytes
	// the server sends beyond that are read and dropped, because the exchange
	// ends only when the server closes. A body that ends early fails with
	// Kind Truncated. The caller must Close it; see Client.Do. Close must
	// not run during a Read: cancel the context to interrupt a Read.
	Body io.ReadCloser

	// RawHeader is the header section exactly as received, status line and
	// final empty line included. Interim replies (100 Continue and other
	// 1xx but 101) are not part of it: Do reads past them, and keeps them
	// in RawInterim. Header, Proto and Status are substrings of it (but
	// for a folded value, which is a new string), so keeping the Response
	// keeps one copy of the header bytes.
	RawHeader string

	// RawInterim holds the header sections of the interim replies that
	// came before the final one, as received, one after the other; empty
	// when there were none.
	RawInterim string

	// RawTrailer is a chunked body's trailer section as received, its
	// final empty line included, once Body has returned io.EOF; empty
	// when the body is not chunked or has no trailer fields.
	RawTrailer string
}

// hasBody reports whether a final reply with this status carries a body:
// all but 101 (the only 1xx that is final), 204 and 304.
func hasBody(code int) bool {
	return code >= 200 && code != 204 && code != 304
}

// parseHead fills resp from raw, a complete header section: the status line,
// the header lines and the empty line that ends them, each ended by LF or
// CRLF.
func parseHead(raw string, resp *Response) error {
	line, rest := nextLine(raw)
	if !parseStatusLine(line, resp) {
		return fmt.Errorf("bad status line %s", quote(line))
	}
	header := make([]Header, 0, strings.Count(rest, "\n"))
	length := int64(-1)
	coding, hasCoding := "", false
	for {
		line, rest = nextLine(rest)
		if line == "" {
			break
		}
		// A line that starts with a space or tab continues the one before
		// (obs-fold); RFC 9112 section 5.2 has a client replace each fold
		// with a space.
		for rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			var cont string
			cont, rest = nextLine(rest)
			line = strings.TrimRight(line, " \t") + " " + strings.Trim(cont, " \t")
		}
		h, ok := parseHeaderLine(line)
		if !ok {
			return fmt.Errorf("bad header line %s", quote(line))
		}
		if strings.EqualFold(h.Name, "Content-Length") {
			n, err := parseContentLength(h.Value, length)
			if err != nil {
				return err
			}
			length = n
		}
		if strings.EqualFold(h.Name, "Transfer-Encoding") {
			hasCoding = true
			if c := lastCoding(h.Value); c != "" {
				coding = c
			}
		}
		header = append(header, h)
	}
	resp.Chunked = hasCoding && strings.EqualFold(coding, "chunked")
	if hasCoding {
		length = -1
	}
	resp.Header = header
	resp.ContentLength = length
	resp.RawHeader = raw
	return nil
}

// lastCoding returns the last transfer coding in a Transfer-Encoding value,
// without parameters, or "" if it lists none.
func lastCoding(v string) string {
	for v != "" {
		var c string
		if i := strings.LastIndexByte(v, ','); i >= 0 {
			v, c = v[:i], v[i+1:]
		} else {
			v, c = "", v
		}
		c, _, _ = strings.Cut(c, ";")
		if c = strings.Trim(c, " \t"); c != "" {
			return c
		}
	}
	return ""
}

// nextLine splits s after its first LF and returns the line without its LF
// or CRLF, and the rest.
func nextLine(s string) (line, rest string) {
	i := strings.IndexByte(s, '\n')
	if i < 0 {
		return s, ""
	}
	line, rest = s[:i], s[i+1:]
	return strings.TrimSuffix(line, "\r"), rest
}

// parseStatusLine parses "HTTP/1.x NNN reason" into resp. The reason may be
// empty, with or without the space before it.
func parseStatusLine(line string, resp *Response) bool {
	const minLen = len("HTTP/1.0 200")
	if len(line) < minLen || !strings.HasPrefix(line, "HTTP/1.") || !isDigit(line[7]) || line[8] != ' ' {
		return false
	}
	if !isDigit(line[9]) || !isDigit(line[10]) || !isDigit(line[11]) || line[9] == '0' {
		return false
	}
	if len(line) > minLen && (line[minLen] != ' ' || !isFieldText(line[minLen+1:])) {
		return false
	}
	resp.Proto = line[:8]
	resp.StatusCode = int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
	resp.Status = strings.TrimRight(line[9:], " ")
	return true
}

// parseHeaderLine parses "Name: value". The name must be a token with no
// space before the colon, so a continuation line (obs-fold) with no line
// before it to continue is rejected; spaces and tabs around the value are
// dropped.
func parseHeaderLine(line string) (Header, bool) {
	colon := strings.IndexByte(line, ':')
	if colon <= 0 || !httpsyntax.IsToken(line[:colon]) {
		return Header{}, false
	}
	value := strings.Trim(line[colon+1:], " \t")
	if !isFieldText(value) {
		return Header{}, false
	}
	return Header{Name: line[:colon], Value: value}, true
}

// errContentLength reports two Content-Length fields that disagree.
var errContentLength = errors.New("conflicting Content-Length fields")

// parseContentLength parses a Content-Length value. prev is the value of an
// earlier Content-Length field, or -1; repeating the same value is allowed.
func parseContentLength(v string, prev int64) (int64, error) {
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return 0, fmt.Errorf("bad Content-Length %s", quote(v))
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad Content-Length %s", quote(v))
	}
	if prev >= 0 && n != prev {
		return 0, errContentLength
	}
	return n, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isFieldText reports whether s holds only visible characters, spaces, tabs
// and obs-text: no other control character, CR and NUL in particular.
func isFieldText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// quote returns s quoted for an error message, shortened if long.
func quote(s string) string {
	const max = 48
	if len(s) > max {
		return strconv.Quote(s[:max]) + "..."
	}
	return strconv.Quote(s)
}
