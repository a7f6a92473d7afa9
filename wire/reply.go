package wire

import (
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/version"
	"github.com/tinyhttpd/tinyhttpd/route"
)

// serverHeader is the default Server header value.
var serverHeader = "tinyhttpd/" + version.Release

// Head is a rendered reply head split around the Date value, so a cached
// date can go between the parts without rendering the head again.
type Head struct {
	Pre  []byte // status line and headers up to "Date: "
	Post []byte // the rest of the head, through the blank line
}

// RenderHead renders the head of an HTTP/1.0 reply with the Server and
// Connection: close headers. Route headers named Content-Type
// or Server replace the defaults; the others follow the fixed headers in the
// order given. An empty contentType leaves Content-Type out, and a negative
// length Content-Length, as a 304 reply does, which has no body.
func RenderHead(status int, contentType string, length int64, extra []route.Header) Head {
	server := serverHeader
	var rest []route.Header
	for _, h := range extra {
		switch {
		case strings.EqualFold(h.Name, "Content-Type"):
			contentType = h.Value
		case strings.EqualFold(h.Name, "Server"):
			server = h.Value
		default:
			rest = append(rest, h)
		}
	}
	pre := make([]byte, 0, 128)
	pre = append(pre, "HTTP/1.0 "...)
	pre = strconv.AppendInt(pre, int64(status), 10)
	pre = append(pre, ' ')
	pre = append(pre, statusText(status)...)
	if contentType != "" {
		pre = append(pre, "\r\nContent-Type: "...)
		pre = append(pre, contentType...)
	}
	if length >= 0 {
		pre = append(pre, "\r\nContent-Length: "...)
		pre = strconv.AppendInt(pre, length, 10)
	}
	pre = append(pre, "\r\nDate: "...)

	post := make([]byte, 0, 64)
	post = append(post, "\r\nServer: "...)
	post = append(post, server...)
	post = append(post, "\r\nConnection: close\r\n"...)
	for _, h := range rest {
		post = append(post, h.Name...)
		post = append(post, ": "...)
		post = append(post, h.Value...)
		post = append(post, "\r\n"...)
	}
	post = append(post, "\r\n"...)
	return Head{Pre: pre, Post: post}
}

// AppendTo appends the head with the given date to b.
func (h Head) AppendTo(b, date []byte) []byte {
	b = append(b, h.Pre...)
	b = append(b, date...)
	return append(b, h.Post...)
}

// Len is the length of the head with a date.
func (h Head) Len() int { return len(h.Pre) + DateLen + len(h.Post) }

// DateFormat is RFC 9110's IMF-fixdate, the Date header's format, as a
// time layout.
const DateFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// DateLen is the length of an IMF-fixdate.
const DateLen = len(DateFormat)

// rfc850GMT is RFC 850's date format as RFC 9110 has it, in GMT only:
// time.RFC850's zone would take any abbreviation, unknown ones at UTC.
const rfc850GMT = "Monday, 02-Jan-06 15:04:05 GMT"

// ParseDate parses an HTTP-date in any of the three formats RFC 9110
// section 5.6.7 says a recipient accepts: IMF-fixdate, RFC 850's and
// asctime's.
func ParseDate(s string) (time.Time, error) {
	var t time.Time
	var err error
	for _, layout := range []string{DateFormat, rfc850GMT, time.ANSIC} {
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return t, err
}

// DateCache holds the Date header value of the current second, formatted
// once a second instead of once a reply. Its zero value is ready to use,
// by any number of goroutines at once.
type DateCache struct {
	cur atomic.Pointer[cachedDate]
}

type cachedDate struct {
	unix int64
	text []byte
}

// Get returns the date for now. The slice must not be modified.
func (d *DateCache) Get(now time.Time) []byte {
	sec := now.Unix()
	if c := d.cur.Load(); c != nil && c.unix == sec {
		return c.text
	}
	c := &cachedDate{unix: sec, text: now.UTC().AppendFormat(make([]byte, 0, DateLen), DateFormat)}
	d.cur.Store(c)
	return c.text
}

// Plain renders the head and body of a reply whose body is one line of
// text, the reason, as the server sends for the statuses it produces
// itself. With headOnly, the reply to HEAD, the body is nil and the head's
// Content-Length still gives its length (RFC 9110 sections 8.6 and 9.3.2).
func Plain(status int, reason string, headOnly bool, extra ...route.Header) (Head, []byte) {
	body := []byte(reason + "\n")
	h := RenderHead(status, "text/plain; charset=utf-8", int64(len(body)), extra)
	if headOnly {
		return h, nil
	}
	return h, body
}

// PlainReply is Plain rendered whole, with the given date.
func PlainReply(status int, reason string, headOnly bool, date []byte, extra ...route.Header) []byte {
	h, body := Plain(status, reason, headOnly, extra...)
	return append(h.AppendTo(make([]byte, 0, h.Len()+len(body)), date), body...)
}
