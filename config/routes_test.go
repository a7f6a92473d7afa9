package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tinyhttpd/tinyhttpd/route"
)

// testFiles is the file tree that routes in tests name, relative to "."
// or to "site".
var testFiles = fstest.MapFS{
	"logo.svg":          {Data: []byte("<svg/>")},
	"public/hello.txt":  {Data: []byte("hello\n")},
	"site/page.html":    {Data: []byte("<p>")},
	"site/assets/a.css": {Data: []byte("p{}")},
}

func parseTest(t *testing.T, src string) (*route.Routes, error) {
	t.Helper()
	return ParseRoutes("r.yaml", []byte(src), testFiles, ".")
}

func TestParseRoutesValid(t *testing.T) {
	src := `routes:
  - path: /hello
    methods: [GET, HEAD, POST]
    status: 201
    headers: {Content-Type: text/plain; charset=utf-8, X-B: two, X-A: "one"}
    body: "hello\n"
  - path: /logo
    file: logo.svg
  - path: /static/
    dir: public
    listing: true
  - path: /echo
    echo: true
    index: false
  - path: /
    index: true
  - path: /slow
    body: ""
    delay: 1m
  - path: /broken
    fault: truncate
  - path: /bin
    body: !!binary aGk=
  - path: /old
    redirect: /new
  - path: /away
    status: 302
    methods: [GET, POST]
    redirect: https://example.com/x?y=1
  - path: /gen204
    status: 204
    body: ""
  - path: /all/
    dir: public
    dotfiles: true
`
	rt, err := parseTest(t, src)
	if err != nil {
		t.Fatal(err)
	}
	want := []route.Route{
		{Path: "/hello", Methods: []string{"GET", "HEAD", "POST"}, Status: 201, Kind: route.KindBody, Body: "hello\n",
			Headers: []route.Header{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}, {Name: "X-B", Value: "two"}, {Name: "X-A", Value: "one"}}, Line: 2, Column: 5},
		{Path: "/logo", Methods: []string{"GET", "HEAD"}, Status: 200, Kind: route.KindFile, File: "logo.svg", Line: 7, Column: 5},
		{Path: "/static/", Prefix: true, Methods: []string{"GET", "HEAD"}, Status: 200, Kind: route.KindDir, Dir: "public", Listing: true, Line: 9, Column: 5},
		{Path: "/echo", Methods: []string{"GET", "HEAD"}, Status: 200, Kind: route.KindEcho, Line: 12, Column: 5},
		{Path: "/", Methods: []string{"GET", "HEAD"}, Status: 200, Kind: route.KindIndex, Line: 15, Column: 5},
		{Path: "/slow", Methods: []string{"GET", "HEAD"}, Status: 200, Kind: route.KindBody, Delay: time.Minute, Line: 17, Column: 5},
		{Path: "/broken", Methods: []string{"GET", "HEAD"}, Status: 200, Kind: route.KindFault, Fault: route.FaultTruncate, Line: 20, Column: 5},
		{Path: "/bin", Methods: []string{"GET", "HEAD"}, Status: 200, Kind: route.KindBody, Body: "hi", Line: 22, Column: 5},
		{Path: "/old", Methods: []string{"GET", "HEAD"}, Status: 308, Kind: route.KindRedirect, Redirect: "/new", Line: 24, Column: 5},
		{Path: "/away", Methods: []string{"GET", "POST"}, Status: 302, Kind: route.KindRedirect, Redirect: "https://example.com/x?y=1", Line: 26, Column: 5},
		{Path: "/gen204", Methods: []string{"GET", "HEAD"}, Status: 204, Kind: route.KindBody, Line: 30, Column: 5},
		{Path: "/all/", Prefix: true, Methods: []string{"GET", "HEAD"}, Status: 200, Kind: route.KindDir, Dir: "public", Dotfiles: true, Line: 33, Column: 5},
	}
	if !reflect.DeepEqual(rt.Routes, want) {
		t.Errorf("routes:\n got %+v\nwant %+v", rt.Routes, want)
	}
	if rt.Source != "r.yaml" || rt.Files == nil {
		t.Errorf("Source = %q, Files = %v", rt.Source, rt.Files)
	}
}

func TestParseRoutesEmptyList(t *testing.T) {
	rt, err := parseTest(t, "routes: []\n")
	if err != nil || len(rt.Routes) != 0 {
		t.Fatalf("got %v, %v; want no routes, no error", rt, err)
	}
}

// TestParseRoutesErrors checks the position and reason of every kind of
// problem. Each want line is "line:col: substring of the message".
func TestParseRoutesErrors(t *testing.T) {
	const head = "routes:\n  - path: /x\n"
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"empty document", "", []string{`1:1: empty routes file`}},
		{"only comments", "# nothing\n", []string{`1:1: empty routes file`}},
		{"null document", "---\n", []string{`2:1: routes file: want a mapping, got null`}},
		{"top-level list", "- path: /x\n", []string{`1:1: routes file: want a mapping, got a list`}},
		{"missing routes", "route: []\n", []string{`1:1: unknown key "route" in routes file`, `1:1: missing "routes"`}},
		{"routes not a list", "routes: {path: /x}\n", []string{`1:9: routes: want a list of routes, got a mapping`}},
		{"routes null", "routes:\n", []string{`1:8: routes: want a list of routes, got null`}},
		{"route not a mapping", "routes:\n  - /x\n", []string{`2:5: route: want a mapping, got "/x"`}},
		{"two documents", "routes: []\n---\nroutes: []\n", []string{`3:1: only one YAML document`}},
		{"tab indentation", "routes:\n\t- path: /x\n", []string{`2:1: found character that cannot start any token`}},
		{"tab after indentation", head + "    body: x\n\tstatus: 200\n", []string{`4:1: found a tab character that violates indentation`}},
		{"syntax error", "routes: [\n", []string{`1:1: did not find expected node content`}},
		{"bad indentation", head + "     body: x\n", []string{`3:6: mapping values are not allowed in this context`}},
		{"item under-indented", head + "    body: x\n   - path: /b\n    body: x\n", []string{`4:4: did not find expected '-' indicator`}},
		{"unclosed flow sequence", head + "    body: [1\n", []string{`3:5: did not find expected ',' or ']'`}},
		{"unclosed quote", head + "    body: \"abc\n  - path: /b\n", []string{`3:5: found unexpected end of stream`}},
		{"control character", "routes: []\n# \x01\n", []string{`2:3: control characters are not allowed`}},
		{"invalid UTF-8", "routes: []\n# \xff\n", []string{`2:3: invalid leading UTF-8 octet`}},
		{"unknown anchor", "routes: *a\n", []string{`1:1: unknown anchor 'a' referenced`}},
		{"merge key", "routes:\n  - &r {path: /a, body: x}\n  - <<: *r\n    path: /b\n", []string{`3:5: route: merge keys (<<) are not supported`, `3:5: route has no reply`}},
		{"empty methods", head + "    body: x\n    methods: []\n", []string{`4:14: methods: want a list of one or more methods such as [GET, HEAD], got an empty list`}},
		{"YAML 1.2 directive", "%YAML 1.2\n---\nroutes: []\n", []string{`1:1: found incompatible YAML document: routes files are YAML 1.1`}},
		{"alias", "routes:\n  - &r {path: /x, body: x}\n  - *r\n", []string{`3:5: route: want a mapping, got an alias (*r); aliases are not supported`}},
		{"unknown top-level key", "routes: []\nversion: 2\n", []string{`2:1: unknown key "version" in routes file`}},
		{"duplicate top-level key", "routes: []\nroutes: []\n", []string{`2:1: duplicate key "routes" (first at line 1)`}},
		{"unknown route key", head + "    body: x\n    bdy: y\n", []string{`4:5: unknown key "bdy" in route; known keys: path, methods`}},
		{"duplicate route key", head + "    body: x\n    body: y\n", []string{`4:5: duplicate key "body" (first at line 3)`}},
		{"non-string key", head + "    body: x\n    [a]: y\n", []string{`4:5: route: keys must be strings, got a list`}},
		{"null key", head + "    body: x\n    ~: y\n", []string{`4:5: route: keys must be strings, got null`}},
		{"no path", "routes:\n  - body: x\n", []string{`2:5: route has no path`}},
		{"no kind", head, []string{`2:5: route has no reply; set one of body, file, dir, echo, index, fault or redirect`}},
		{"redirect relative", head + "    redirect: new\n", []string{`3:15: redirect "new" must be a path starting with "/" or an absolute http:// or https:// URL`}},
		{"redirect empty", head + "    redirect: ''\n", []string{`3:15: redirect "" must be a path`}},
		{"redirect null", head + "    redirect:\n", []string{`3:14: redirect: want a string, got null`}},
		{"redirect scheme-relative", head + "    redirect: //evil.example/\n", []string{`3:15: redirect "//evil.example/" must not start with "//"`}},
		{"redirect ftp", head + "    redirect: ftp://example.com/\n", []string{`3:15: redirect "ftp://example.com/" must be a path starting with "/" or an absolute http://`}},
		{"redirect no host", head + "    redirect: \"http:///x\"\n", []string{`3:15: redirect "http:///x" has no host`}},
		{"redirect userinfo", head + "    redirect: http://u:p@example.com/\n", []string{`3:15: redirect "http://u:p@example.com/" must not contain user information`}},
		{"redirect space", head + "    redirect: \"/a b\"\n", []string{`3:15: redirect "/a b" must not contain white space, control or non-ASCII characters (found ' ')`}},
		{"redirect CR LF", head + "    redirect: \"/a\\r\\nX: y\"\n", []string{`3:15: redirect "/a\r\nX: y" must not contain white space`}},
		{"redirect bad URL", head + "    redirect: \"http://[::1\"\n", []string{`3:15: redirect "http://[::1" is not a valid URL: missing ']' in host`}},
		{"redirect status 200", head + "    redirect: /new\n    status: 200\n", []string{`4:13: status: a redirect route's status is one of 301, 302, 303, 307 or 308, got 200`}},
		{"redirect status 304", head + "    status: 304\n    redirect: /new\n", []string{`3:13: status: a redirect route's status is one of`}},
		{"204 with a body", head + "    status: 204\n    body: \"x\\n\"\n", []string{`3:13: status: a 204 reply has no body; only a body route with body: "" may have it`}},
		{"205 with a body", head + "    status: 205\n    body: \"x\\n\"\n", []string{`3:13: status: a 205 reply has no body`}},
		{"redirect backslash", head + "    redirect: \"/\\\\evil.example\"\n", []string{`3:15: redirect "/\\evil.example" must not contain "\", which browsers read as "/"`}},
		{"304 on a fault route", head + "    fault: truncate\n    status: 304\n", []string{`4:13: status: a 304 reply has no body; only a body route with body: "" may have it`}},
		{"204 on an echo route", head + "    status: 204\n    echo: true\n", []string{`3:13: status: a 204 reply has no body`}},
		{"redirect Location header", head + "    redirect: /new\n    headers: {location: /other}\n", []string{`4:15: header "location" is set by the redirect`}},
		{"redirect and body", head + "    body: x\n    redirect: /new\n", []string{`4:5: body and redirect both set`}},
		{"echo false is no kind", head + "    echo: false\n", []string{`2:5: route has no reply`}},
		{"index false is no kind", head + "    index: false\n", []string{`2:5: route has no reply`}},
		{"two kinds", head + "    body: x\n    echo: true\n", []string{`4:5: body and echo both set; a route has exactly one of`}},
		{"three kinds", head + "    body: x\n    file: logo.svg\n    fault: reset\n", []string{`4:5: body and file both set`, `5:5: body and fault both set`}},
		{"echo not bool", head + "    echo: yes\n", []string{`3:11: echo: want true or false, got "yes"`}},
		{"index not bool", head + "    index: 1\n", []string{`3:12: index: want true or false, got "1"`}},
		{"body null", head + "    body:\n", []string{`3:10: body: want a string, got null`}},
		{"body list", head + "    body: [a]\n", []string{`3:11: body: want a string, got a list`}},
		{"bad binary", head + "    body: !!binary '%%'\n", []string{`3:11: body: invalid !!binary value`}},
		{"path not a string", "routes:\n  - path: [a]\n    body: x\n", []string{`2:11: path: want a string, got a list`}},
		{"path empty", "routes:\n  - path: ''\n    body: x\n", []string{`2:11: path "" must start with "/"`}},
		{"path relative", "routes:\n  - path: hello\n    body: x\n", []string{`2:11: path "hello" must start with "/"`}},
		{"path dot-dot", "routes:\n  - path: /a/../b\n    body: x\n", []string{`2:11: path "/a/../b" must not contain "." or ".." segments`}},
		{"path trailing dot-dot", "routes:\n  - path: /a/..\n    body: x\n", []string{`2:11: path "/a/.." must not contain "." or ".." segments`}},
		{"path dot", "routes:\n  - path: /a/./b\n    body: x\n", []string{`2:11: path "/a/./b" must not contain "." or ".." segments`}},
		{"path double slash", "routes:\n  - path: /a//b\n    body: x\n", []string{`2:11: path "/a//b" must not contain "//"`}},
		{"path percent-encoded", "routes:\n  - path: /caf%C3%A9\n    body: x\n", []string{`2:11: path "/caf%C3%A9" looks percent-encoded: requests are matched after decoding, so write "/café"`}},
		{"path NUL", "routes:\n  - path: \"/a\\0b\"\n    body: x\n", []string{`2:11: path "/a\x00b" must not contain white space or control characters`}},
		{"path space", "routes:\n  - path: /a b\n    body: x\n", []string{`2:11: path "/a b" must not contain white space`}},
		{"path unicode space", "routes:\n  - path: \"/a\\u00a0b\"\n    body: x\n", []string{`2:11: path "/a\u00a0b" must not contain white space or control characters (found '\u00a0')`}},
		{"path tab", "routes:\n  - path: \"/a\\tb\"\n    body: x\n", []string{`2:11: path "/a\tb" must not contain white space`}},
		{"path query", "routes:\n  - path: /a?b=1\n    body: x\n", []string{`2:11: path "/a?b=1" must not contain "?" or "#"`}},
		{"path fragment", "routes:\n  - path: /a#b\n    body: x\n", []string{`2:11: path "/a#b" must not contain "?" or "#"`}},
		{"dir path without slash", "routes:\n  - path: /static\n    dir: public\n", []string{`2:11: path "/static" must end in "/" on a dir route`}},
		{"body path with slash", "routes:\n  - path: /a/\n    body: x\n", []string{`2:11: path "/a/" must not end in "/": only dir routes match a prefix`}},
		{"duplicate path", "routes:\n  - path: /a\n    body: x\n  - path: /a\n    echo: true\n", []string{`4:11: duplicate path "/a" (first at line 2)`}},
		{"methods not a list", head + "    body: x\n    methods: GET\n", []string{`4:14: methods: want a list of one or more methods such as [GET, HEAD], got "GET"`}},
		{"methods empty", head + "    body: x\n    methods: []\n", []string{`4:14: methods: want a list of one or more methods`}},
		{"method lower case", head + "    body: x\n    methods: [get]\n", []string{`4:15: method "get" must be upper case: GET`}},
		{"method not a token", head + "    body: x\n    methods: [\"GE T\"]\n", []string{`4:15: method "GE T" is not an HTTP token`}},
		{"method duplicate", head + "    body: x\n    methods: [GET, GET]\n", []string{`4:20: duplicate method "GET"`}},
		{"method null", head + "    body: x\n    methods: [~]\n", []string{`4:15: method: want a string, got null`}},
		{"status string", head + "    body: x\n    status: \"200\"\n", []string{`4:13: status: want an integer from 200 to 599, got "200"`}},
		{"status low", head + "    body: x\n    status: 199\n", []string{`4:13: status: want an integer from 200 to 599, got "199"`}},
		{"status high", head + "    body: x\n    status: 600\n", []string{`4:13: status: want an integer`}},
		{"status float", head + "    body: x\n    status: 200.0\n", []string{`4:13: status: want an integer`}},
		{"status huge", head + "    body: x\n    status: 99999999999999999999999\n", []string{`4:13: status: want an integer`}},
		{"headers not a mapping", head + "    body: x\n    headers: [a]\n", []string{`4:14: headers: want a mapping, got a list`}},
		{"header name not a token", head + "    body: x\n    headers: {\"X Y\": z}\n", []string{`4:15: header name "X Y" is not an HTTP token`}},
		{"header name empty", head + "    body: x\n    headers: {\"\": z}\n", []string{`4:15: header name "" is not an HTTP token`}},
		{"header Content-Length", head + "    body: x\n    headers: {content-length: 3}\n", []string{`4:15: header "content-length" is set by the server`}},
		{"header Connection", head + "    body: x\n    headers: {Connection: keep-alive}\n", []string{`4:15: header "Connection" is set by the server`}},
		{"header Date", head + "    body: x\n    headers: {DATE: x}\n", []string{`4:15: header "DATE" is set by the server`}},
		{"header ETag on a file route", head + "    file: logo.svg\n    headers: {ETag: '\"v1\"', Cache-Control: no-cache}\n", []string{`4:15: header "ETag" is set by the server on file routes of status 200 and cannot be configured there`}},
		{"header Accept-Ranges on a dir route", "routes:\n  - path: /x/\n    dir: .\n    status: 200\n    headers:\n      accept-ranges: none\n      last-modified: x\n", []string{`6:7: header "accept-ranges" is set by the server on dir routes of status 200`, `7:7: header "last-modified" is set by the server on dir routes of status 200`}},
		{"header Transfer-Encoding", head + "    body: x\n    headers: {Transfer-Encoding: chunked}\n", []string{`4:15: header "Transfer-Encoding" is set by the server`}},
		{"header duplicate key", head + "    body: x\n    headers: {X-A: 1, X-A: 2}\n", []string{`4:23: duplicate key "X-A" (first at line 4)`}},
		{"header duplicate name", head + "    body: x\n    headers: {X-A: 1, x-a: 2}\n", []string{`4:23: duplicate header "x-a"`}},
		{"header value CR LF", head + "    body: x\n    headers: {X-A: \"a\\r\\nB: c\"}\n", []string{`4:20: header "X-A": value must not contain control character '\r'`}},
		{"header value NUL", head + "    body: x\n    headers: {X-A: \"a\\0\"}\n", []string{`4:20: header "X-A": value must not contain control character '\x00'`}},
		{"header value null", head + "    body: x\n    headers: {X-A: ~}\n", []string{`4:20: header "X-A": want a string, got null`}},
		{"delay bad", head + "    body: x\n    delay: soon\n", []string{`4:12: delay: want a duration such as 500ms or 2s, got "soon"`}},
		{"delay no unit", head + "    body: x\n    delay: 2\n", []string{`4:12: delay: want a duration`}},
		{"delay negative", head + "    body: x\n    delay: -1s\n", []string{`4:12: delay: "-1s" is out of range; want 0s to 1m0s`}},
		{"delay too long", head + "    body: x\n    delay: 61s\n", []string{`4:12: delay: "61s" is out of range`}},
		{"fault unknown", head + "    fault: explode\n", []string{`3:12: fault: unknown fault "explode"; want reset, close, truncate`}},
		{"listing without dir", head + "    body: x\n    listing: true\n", []string{`4:14: listing is only valid on dir routes`}},
		{"listing not bool", "routes:\n  - path: /d/\n    dir: public\n    listing: no\n", []string{`4:14: listing: want true or false, got "no"`}},
		{"dotfiles on a body route", head + "    body: x\n    dotfiles: true\n", []string{`4:15: dotfiles is only valid on dir routes`}},
		{"dotfiles on a file route", head + "    dotfiles: false\n    file: logo.svg\n", []string{`3:15: dotfiles is only valid on dir routes`}},
		{"dotfiles on a redirect route", head + "    redirect: /y\n    dotfiles: true\n", []string{`4:15: dotfiles is only valid on dir routes`}},
		{"dotfiles not bool", "routes:\n  - path: /d/\n    dir: public\n    dotfiles: yes\n", []string{`4:15: dotfiles: want true or false, got "yes"`}},
		{"file missing", head + "    file: nope.txt\n", []string{`3:11: file "nope.txt": "nope.txt" does not exist`}},
		{"file is a directory", head + "    file: public\n", []string{`3:11: file "public": "public" is a directory; serve it with dir`}},
		{"file empty", head + "    file: ''\n", []string{`3:11: file: empty path`}},
		{"file escapes", head + "    file: ../etc/passwd\n", []string{`3:11: file "../etc/passwd": want a relative path that stays inside the file tree`}},
		{"file absolute in fs", head + "    file: /logo.svg\n", []string{`3:11: file "/logo.svg": want a relative path`}},
		{"dir missing", "routes:\n  - path: /d/\n    dir: nope\n", []string{`3:10: dir "nope": "nope" does not exist`}},
		{"dir is a file", "routes:\n  - path: /d/\n    dir: logo.svg\n", []string{`3:10: dir "logo.svg": "logo.svg" is not a directory`}},
		{"several errors", "routes:\n  - path: a\n    body: x\n  - path: /b\n    status: 1\n    body: x\n", []string{`2:11: path "a" must start`, `5:13: status: want an integer`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTest(t, tt.src)
			checkProblems(t, err, tt.want)
		})
	}
}

// checkProblems checks that err is a *RoutesError whose problems are in
// r.yaml and match want, "line:col: substring" each.
func checkProblems(t *testing.T, err error, want []string) {
	t.Helper()
	var re *RoutesError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v (%T), want a *RoutesError", err, err)
	}
	if len(re.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(re.Problems), len(want), err)
	}
	for i, w := range want {
		pos, msg, _ := strings.Cut(w, " ")
		got := re.Problems[i].String()
		if !strings.HasPrefix(got, "r.yaml:"+pos+" ") || !strings.Contains(got, msg) {
			t.Errorf("problem %d = %q, want prefix %q and %q", i, got, "r.yaml:"+pos, msg)
		}
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != len(want) {
		t.Errorf("Error() has %d lines, want %d", len(lines), len(want))
	}
}

// TestParseRoutesLineBreaks checks that errors have the same positions
// whatever line breaks the file uses: yaml's positions and the ones found
// after it (a syntax error's line, a tab's column) count lines alike.
func TestParseRoutesLineBreaks(t *testing.T) {
	const head = "routes:\n  - path: /x\n"
	tests := []struct {
		name, src, want string
	}{
		{"from yaml's nodes", head + "    body: x\n    bodyy: 1\n", `4:5: unknown key "bodyy"`},
		{"a syntax error's line", head + "    body: x\n  - path: /b\n    body: [1\n", `5:5: did not find expected ',' or ']'`},
		{"a tab", head + "    body: x\n\tstatus: 200\n", `4:1: found a tab character`},
		{"a control character", "routes: []\n\n# a\x01\n", `3:4: control characters are not allowed`},
	}
	for _, brk := range []string{"\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029"} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s %q", tt.name, brk), func(t *testing.T) {
				_, err := parseTest(t, strings.ReplaceAll(tt.src, "\n", brk))
				checkProblems(t, err, []string{tt.want})
			})
		}
	}
}

// TestPosition checks the line and column of an offset with each kind of
// line break yaml knows.
func TestPosition(t *testing.T) {
	for _, brk := range []string{"\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029"} {
		data := []byte("a" + brk + brk + "bé" + brk + "xyz")
		at := bytes.LastIndexByte(data, 'z')
		if line, col := position(data, at); line != 4 || col != 3 {
			t.Errorf("%q: %d:%d, want 4:3", brk, line, col)
		}
		if line, col := position(data, 0); line != 1 || col != 1 {
			t.Errorf("%q at 0: %d:%d, want 1:1", brk, line, col)
		}
		at = bytes.IndexByte(data, 'b')
		if line, col := position(data, at+1); line != 3 || col != 2 {
			t.Errorf("%q after b: %d:%d, want 3:2", brk, line, col)
		}
	}
}

func TestParseRoutesTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("routes:\n")
	for range 30 {
		b.WriteString("  - path: x\n    body: x\n")
	}
	_, err := parseTest(t, b.String())
	var re *RoutesError
	if !errors.As(err, &re) || len(re.Problems) != maxProblems+1 {
		t.Fatalf("err = %v, want %d problems", err, maxProblems+1)
	}
	if last := re.Problems[maxProblems]; last.Msg != "too many errors" || last.Line != 2*maxProblems+2 {
		t.Errorf("last problem = %v, want too many errors at line %d", last, 2*maxProblems+2)
	}
}

func TestParseRoutesLimits(t *testing.T) {
	_, err := ParseRoutes("r.yaml", make([]byte, MaxRoutesFileSize+1), testFiles, ".")
	if err == nil || err.Error() != "r.yaml: routes file is larger than 16MiB" {
		t.Errorf("big file: err = %v", err)
	}

	var b strings.Builder
	b.WriteString("routes:\n")
	for range MaxRoutes + 1 {
		b.WriteString("- {path: /, echo: true}\n")
	}
	_, err = parseTest(t, b.String())
	checkProblems(t, err, []string{"2:1: too many routes: 10001, at most 10000"})
}

func TestParseRoutesBase(t *testing.T) {
	src := "routes:\n  - path: /p\n    file: page.html\n  - path: /a/\n    dir: assets\n"
	rt, err := ParseRoutes("site/r.yaml", []byte(src), testFiles, "site")
	if err != nil {
		t.Fatal(err)
	}
	if got := rt.Routes[0].File + " " + rt.Routes[1].Dir; got != "site/page.html site/assets" {
		t.Errorf("resolved to %q, want %q", got, "site/page.html site/assets")
	}
	_, err = ParseRoutes("r.yaml", []byte(src), testFiles, ".")
	checkProblems(t, err, []string{`3:11: file "page.html": "page.html" does not exist`, `5:10: dir "assets": "assets" does not exist`})
}

func TestLoadRoutesFileOS(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	abs := write("elsewhere/abs.txt", "abs\n")
	write("conf/files/one.txt", "one\n")
	write("conf/files/sub/two.txt", "two\n")
	write("conf/routes.yaml", "routes:\n"+
		"  - path: /one\n    file: files/one.txt\n"+
		"  - path: /files/\n    dir: ./files/sub/../\n"+
		"  - path: /abs\n    file: "+abs+"\n")

	// A relative routes file path and a different working directory: paths
	// still resolve against the routes file's directory.
	t.Chdir(dir)
	rt, err := LoadRoutesFile(filepath.Join("conf", "routes.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if rt.Source != filepath.Join("conf", "routes.yaml") || rt.Files != nil {
		t.Errorf("Source = %q, Files = %v", rt.Source, rt.Files)
	}
	want := []string{filepath.Join(dir, "conf/files/one.txt"), filepath.Join(dir, "conf/files"), abs}
	got := []string{rt.Routes[0].File, rt.Routes[1].Dir, rt.Routes[2].File}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("resolved paths:\n got %q\nwant %q", got, want)
	}

	bad := write("conf/bad.yaml", "routes:\n  - path: /x\n    file: files/missing.txt\n")
	_, err = LoadRoutesFile(bad)
	wantMsg := bad + `:3:11: file "files/missing.txt": ` + strconv.Quote(filepath.Join(dir, "conf/files/missing.txt")) + " does not exist"
	if err == nil || err.Error() != wantMsg {
		t.Errorf("err = %v\nwant %s", err, wantMsg)
	}

	_, err = LoadRoutesFile(filepath.Join(dir, "nope.yaml"))
	var re *RoutesError
	if !errors.As(err, &re) || !strings.HasSuffix(err.Error(), "nope.yaml: cannot read routes file: no such file or directory") {
		t.Errorf("missing file: err = %v", err)
	}

	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxRoutesFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadRoutesFile(big); err == nil || !strings.HasSuffix(err.Error(), "big.yaml: routes file is larger than 16MiB") {
		t.Errorf("big file: err = %v", err)
	}
}

func TestDefaultRoutes(t *testing.T) {
	for _, load := range []func() (*route.Routes, error){DefaultRoutes, func() (*route.Routes, error) { return LoadRoutes("") }} {
		rt, err := load()
		if err != nil {
			t.Fatal(err)
		}
		if rt.Source != "embedded default (testdata/routes.yaml)" || rt.Files == nil {
			t.Errorf("Source = %q, Files = %v", rt.Source, rt.Files)
		}
		seen := make(map[route.Kind]bool)
		for _, r := range rt.Routes {
			seen[r.Kind] = true
		}
		for _, k := range kinds {
			if !seen[k] {
				t.Errorf("the default routes have no %s route", k)
			}
		}
	}
}

func TestLoadRoutesFileMatchesDefault(t *testing.T) {
	// The default file also loads from the OS, where its paths resolve
	// against testdata/.
	rt, err := LoadRoutes(filepath.Join("..", "testdata", "routes.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	def, err := DefaultRoutes()
	if err != nil {
		t.Fatal(err)
	}
	if len(rt.Routes) != len(def.Routes) {
		t.Fatalf("%d routes from the file, %d embedded", len(rt.Routes), len(def.Routes))
	}
	for i, r := range rt.Routes {
		d := def.Routes[i]
		if r.File != "" {
			if want, _ := filepath.Abs(filepath.Join("..", "testdata", d.File)); r.File != want {
				t.Errorf("route %s: File = %q, want %q", r.Path, r.File, want)
			}
			r.File = d.File
		}
		if r.Dir != "" {
			r.Dir = d.Dir
		}
		if !reflect.DeepEqual(r, d) {
			t.Errorf("route %d:\n file %+v\n  embedded %+v", i, r, d)
		}
	}
}

// TestSyntaxErrorFarFromItsBlock puts a syntax error that yaml reports at
// the start of its block hundreds of lines below it, in files of growing
// size: its position must still be the line at fault.
func TestSyntaxErrorFarFromItsBlock(t *testing.T) {
	for _, routes := range []int{10, 120, 1000, 9000} {
		var b strings.Builder
		b.WriteString("routes:\n")
		for i := range routes {
			fmt.Fprintf(&b, "  - path: /r%d\n    body: x\n", i)
		}
		b.WriteString("   bad: 1\n")
		line := 2*routes + 2
		_, err := ParseRoutes("r.yaml", []byte(b.String()), fstest.MapFS{}, ".")
		if want := fmt.Sprintf("r.yaml:%d:4: did not find expected '-' indicator", line); err == nil || err.Error() != want {
			t.Errorf("%d routes: %v; want %s", routes, err, want)
		}
	}
}

// TestFileRouteHeadersTheServerLeaves checks that a file route may name the
// headers that the server does not set on its replies: Content-Encoding,
// for a file stored compressed, and the validators of a status other
// than 200.
func TestFileRouteHeadersTheServerLeaves(t *testing.T) {
	src := "routes:\n  - path: /app.js\n    file: logo.svg\n    headers: {Content-Encoding: gzip}\n" +
		"  - path: /gone\n    file: logo.svg\n    status: 410\n    headers: {Last-Modified: 'Mon, 01 Jan 2024 00:00:00 GMT', ETag: '\"x\"'}\n"
	if _, err := parseTest(t, src); err != nil {
		t.Error(err)
	}
}
