// Package wiretest holds requests that tests of more than one package send:
// the parser's own tests and the server's tests over real connections.
package wiretest

import (
	"strings"

	"github.com/tinyhttpd/tinyhttpd/wire"
)

// Malformed are requests the server must refuse, with the status and a
// part of the reason it must give. The parser's tests parse each of them,
// and the server's send each over a real connection.
var Malformed = []struct {
	Name   string
	In     string
	Status int
	Reason string
}{
	{"empty", "", 400, "empty request"},
	{"blank request line", "\r\nGET / HTTP/1.0\r\n\r\n", 400, "missing request line"},
	{"method only", "GET\r\n\r\n", 400, "no target"},
	{"bad method token", "G(T /x HTTP/1.0\r\n\r\n", 400, "method is not a token"},
	{"method too long", strings.Repeat("A", 33) + " / HTTP/1.0\r\n\r\n", 400, "method longer"},
	{"two spaces", "GET  /x HTTP/1.0\r\n\r\n", 400, "empty target"},
	{"NUL in request line", "GET /a\x00b HTTP/1.0\r\n\r\n", 400, "NUL byte"},
	{"NUL in header", "GET / HTTP/1.0\r\nA: b\x00\r\n\r\n", 400, "NUL byte"},
	{"bare CR", "GET / HTTP/1.0\rX: y\r\n\r\n", 400, "bare CR"},
	{"header without colon", "GET / HTTP/1.0\r\nNoColon\r\n\r\n", 400, "without colon"},
	{"empty header name", "GET / HTTP/1.0\r\n: v\r\n\r\n", 400, "empty header name"},
	{"space before colon", "GET / HTTP/1.0\r\nHost : x\r\n\r\n", 400, "whitespace before colon"},
	{"obs-fold", "GET / HTTP/1.0\r\nA: b\r\n c\r\n\r\n", 400, "obsolete line folding"},
	{"non-ASCII header name", "GET / HTTP/1.0\r\nN\xc3\xa4me: v\r\n\r\n", 400, "not a token"},
	{"control char in value", "GET / HTTP/1.0\r\nA: b\x01c\r\n\r\n", 400, "control character"},
	{"absolute-form with another scheme", "GET ftp://example.com/ HTTP/1.0\r\n\r\n", 400, "origin-form"},
	{"absolute-form with userinfo", "GET http://user:pw@example.com/ HTTP/1.0\r\n\r\n", 400, "userinfo"},
	{"absolute-form with an empty host", "GET http:///hello HTTP/1.0\r\n\r\n", 400, "empty host"},
	{"absolute-form with a port and no host", "GET http://:80/hello HTTP/1.0\r\n\r\n", 400, "empty host"},
	{"absolute-form with a colon and no host", "GET http://:/hello HTTP/1.0\r\n\r\n", 400, "empty host"},
	{"absolute-form with a bad port", "GET http://example.com:x/ HTTP/1.0\r\n\r\n", 400, "invalid authority"},
	{"absolute-form with dot segments", "GET http://example.com/a/../b HTTP/1.0\r\n\r\n", 400, "segment"},
	{"authority-form CONNECT", "CONNECT example.com:443 HTTP/1.0\r\n\r\n", 400, "origin-form"},
	{"asterisk-form", "OPTIONS * HTTP/1.0\r\n\r\n", 400, "origin-form"},
	{"non-ASCII target", "GET /caf\xc3\xa9 HTTP/1.0\r\n\r\n", 400, "non-ASCII"},
	{"fragment", "GET /a#b HTTP/1.0\r\n\r\n", 400, "fragment"},
	{"bad percent-encoding", "GET /a%zz HTTP/1.0\r\n\r\n", 400, "percent-encoding"},
	{"encoded invalid UTF-8", "GET /a%ff HTTP/1.0\r\n\r\n", 400, "UTF-8"},
	{"encoded NUL", "GET /a%00 HTTP/1.0\r\n\r\n", 400, "control character"},
	{"dot-dot", "GET /static/../etc/passwd HTTP/1.0\r\n\r\n", 400, "segment"},
	{"encoded dot-dot", "GET /static/%2e%2e%2fetc HTTP/1.0\r\n\r\n", 400, "segment"},
	{"trailing dot", "GET /static/. HTTP/1.0\r\n\r\n", 400, "segment"},
	{"target too long", "GET /" + strings.Repeat("a", wire.MaxTargetLen) + " HTTP/1.0\r\n\r\n", 414, "target longer"},
	{"bad version", "GET / HTTP/x\r\n\r\n", 400, "malformed version"},
	{"lower-case version", "GET / http/1.0\r\n\r\n", 400, "malformed version"},
	{"trailing space", "GET / \r\n\r\n", 400, "malformed version"},
	{"extra field", "GET / HTTP/1.0 extra\r\n\r\n", 400, "malformed version"},
	{"HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 505, "not supported"},
	{"too many headers", "GET / HTTP/1.0\r\n" + strings.Repeat("A: b\r\n", wire.MaxHeaderCount+1) + "\r\n", 431, "header fields"},
	{"Content-Length too small", "POST /e HTTP/1.0\r\nContent-Length: 2\r\n\r\nabc", 400, "does not match"},
	{"Content-Length too large", "POST /e HTTP/1.0\r\nContent-Length: 9\r\n\r\nabc", 400, "does not match"},
	{"duplicate Content-Length", "POST /e HTTP/1.0\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400, "more than one"},
	{"negative Content-Length", "POST /e HTTP/1.0\r\nContent-Length: -3\r\n\r\nabc", 400, "invalid Content-Length"},
	{"signed Content-Length", "POST /e HTTP/1.0\r\nContent-Length: +3\r\n\r\nabc", 400, "invalid Content-Length"},
	{"list Content-Length", "POST /e HTTP/1.0\r\nContent-Length: 3, 3\r\n\r\nabc", 400, "invalid Content-Length"},
	{"huge Content-Length", "POST /e HTTP/1.0\r\nContent-Length: 99999999999999999999\r\n\r\n", 400, "invalid Content-Length"},
	{"Transfer-Encoding", "POST /e HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400, "Transfer-Encoding"},
	{"HTTP/1.1 without Host", "GET /hello HTTP/1.1\r\n\r\n", 400, "HTTP/1.1 request without Host"},
	{"HTTP/1.1 request line alone", "GET /hello HTTP/1.1", 400, "HTTP/1.1 request without Host"},
	{"HTTP/1.2 without Host", "GET /hello HTTP/1.2\r\n\r\n", 400, "without Host"},
	{"two Hosts", "GET /hello HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400, "more than one Host"},
	{"two Hosts in HTTP/1.0", "GET /hello HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400, "more than one Host"},
	{"Host with a path", "GET /hello HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "invalid Host"},
	{"Host with userinfo", "GET /hello HTTP/1.1\r\nHost: user@a\r\n\r\n", 400, "invalid Host"},
	{"Host with a space", "GET /hello HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "invalid Host"},
	{"Host with a bad port", "GET /hello HTTP/1.1\r\nHost: a:http\r\n\r\n", 400, "invalid Host"},
	{"Host with a bare IPv6 address", "GET /hello HTTP/1.1\r\nHost: ::1\r\n\r\n", 400, "invalid Host"},
	{"Host with an unclosed bracket", "GET /hello HTTP/1.1\r\nHost: [::1\r\n\r\n", 400, "invalid Host"},
	{"Host with a zone", "GET /hello HTTP/1.1\r\nHost: [fe80::1%25eth0]\r\n\r\n", 400, "invalid Host"},
	{"Host with raw UTF-8", "GET /hello HTTP/1.1\r\nHost: caf\xc3\xa9\r\n\r\n", 400, "invalid Host"},
	{"invalid Host in HTTP/1.0", "GET /hello HTTP/1.0\r\nHost: a,b/c\r\n\r\n", 400, "invalid Host"},
	{"invalid Host on a request line alone", "GET /hello\nHost: a b", 400, "invalid Host"},
	{"HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", 505, "version HTTP/0.9 not supported"},
	{"HTTP/3.0", "GET / HTTP/3.0\r\n\r\n", 505, "version HTTP/3.0 not supported"},
	{"HTTP/1.10", "GET / HTTP/1.10\r\n\r\n", 400, "malformed version"},
	{"encoded slash", "GET /public%2fhello.txt HTTP/1.0\r\n\r\n", 404, "encoded slash"},
	{"encoded slash upper case", "GET /public%2Fhello.txt HTTP/1.0\r\n\r\n", 404, "encoded slash"},
	{"encoded slash at the end", "GET /public%2F HTTP/1.0\r\n\r\n", 404, "encoded slash"},
	{"bare CR before EOF", "GET /hello HTTP/1.0\r", 400, "bare CR"},
	{"bare CR before EOF without version", "GET /hello\r", 400, "bare CR"},
	{"bare CR ends the last header", "GET /hello HTTP/1.0\r\nA: b\r", 400, "bare CR"},
	{"bare CR as the blank line", "GET /hello HTTP/1.0\r\n\r", 400, "bare CR"},
	{"trailing tab", "GET /hello HTTP/1.0\t\r\n\r\n", 400, "malformed version"},
}
