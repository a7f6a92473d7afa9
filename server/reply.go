package server

import (
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tinyhttpd/tinyhttpd"
	"github.com/tinyhttpd/tinyhttpd/route"
)

// serverHeader is the default Server header value.
var serverHeader = "tinyhttpd/" + tinyhttpd.Version

// head is a rendered reply head split around the Date value, so a cached
// date can go between the parts without rendering the head again.
type head struct {
	pre  []byte // status line and headers up to "Date: "
	post []byte // the rest of the head, through the blank line
}

// renderHead renders the head of a reply. Route headers named Content-Type
// or Server replace the defaults; the others follow the fixed headers in the
// order given. An empty contentType leaves Content-Type out, and a negative
// length Content-Length, as a 304 reply does, which has no body.
func renderHead(status int, contentType string, length int64, extra []route.Header) head {
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
	return head{pre: pre, post: post}
}

// appendTo appends the head with the given date to b.
func (h head) appendTo(b, date []byte) []byte {
	b = append(b, h.pre...)
	b = append(b, date...)
	return append(b, h.post...)
}

// len is the length of the head with a date.
func (h head) len() int { return len(h.pre) + dateLen + len(h.post) }

// dateFormat is RFC 9110's IMF-fixdate, the Date header's format.
const dateFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// dateLen is the length of an IMF-fixdate.
const dateLen = len(dateFormat)

// dateCache holds the Date header value of the current second, formatted
// once a second instead of once a reply.
type dateCache struct {
	cur atomic.Pointer[cachedDate]
}

type cachedDate struct {
	unix int64
	text []byte
}

// get returns the date for now. The slice must not be modified.
func (d *dateCache) get(now time.Time) []byte {
	sec := now.Unix()
	if c := d.cur.Load(); c != nil && c.unix == sec {
		return c.text
	}
	c := &cachedDate{unix: sec, text: now.UTC().AppendFormat(make([]byte, 0, dateLen), dateFormat)}
	d.cur.Store(c)
	return c.text
}

// plainReply renders a complete reply whose body is one line of text, as
// the server sends for the statuses it produces itself. With headOnly, the
// reply to HEAD, it is the head alone, whose Content-Length still gives the
// body's length (RFC 9110 sections 8.6 and 9.3.2).
func plainReply(status int, reason string, headOnly bool, date []byte, extra ...route.Header) []byte {
	body := reason + "\n"
	h := renderHead(status, "text/plain; charset=utf-8", int64(len(body)), extra)
	b := h.appendTo(make([]byte, 0, h.len()+len(body)), date)
	if headOnly {
		return b
	}
	return append(b, body...)
}
