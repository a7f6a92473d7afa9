package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/client"
)

func TestBuildRequest(t *testing.T) {
	tiny := target{Scheme: client.SchemeTiny, Host: "h", Port: "7070", Path: "/p"}
	web := target{Scheme: client.SchemeHTTP, Host: "h", Port: "80", Path: "/p"}
	defaults := []client.Header{{Name: "Host", Value: "h:7070"}, {Name: "User-Agent", Value: userAgent}, {Name: "Accept", Value: "*/*"}}
	tests := []struct {
		name   string
		o      options
		t      target
		body   string
		method string
		header []client.Header
	}{
		{"GET", options{}, tiny, "", "GET", defaults},
		{"HEAD", options{head: true}, tiny, "", "HEAD", defaults},
		{"POST form", options{data: []dataArg{{"a=1", dataASCII}}}, tiny, "a=1", "POST", append(defaults[:3:3],
			client.Header{Name: "Content-Type", Value: "application/x-www-form-urlencoded"},
			client.Header{Name: "Content-Length", Value: "3"})},
		{"-X wins", options{method: "PUT", data: []dataArg{{"", dataASCII}}}, tiny, "", "PUT", append(defaults[:3:3],
			client.Header{Name: "Content-Type", Value: "application/x-www-form-urlencoded"},
			client.Header{Name: "Content-Length", Value: "0"})},
		{"http", options{}, web, "", "GET", []client.Header{{Name: "Host", Value: "h"}, {Name: "User-Agent", Value: userAgent},
			{Name: "Accept", Value: "*/*"}, {Name: "Connection", Value: "close"}}},
		{"-H replaces a default in place", options{headers: []string{"accept: text/plain"}}, tiny, "", "GET",
			[]client.Header{defaults[0], defaults[1], {Name: "accept", Value: "text/plain"}}},
		{"-H removes a default", options{headers: []string{"User-Agent:", "Host: "}}, tiny, "", "GET",
			[]client.Header{defaults[2]}},
		{"-H removing an unknown header sends nothing", options{headers: []string{"X-None:"}}, tiny, "", "GET", defaults},
		{"-H appends, repeats included", options{headers: []string{"X-A: 1", "X-A: 2"}}, tiny, "", "GET",
			append(defaults[:3:3], client.Header{Name: "X-A", Value: "1"}, client.Header{Name: "X-A", Value: "2"})},
		{"-H Host twice sends the first, as curl", options{headers: []string{"Host: a", "Host: b", "X-A: 1"}}, tiny, "", "GET",
			[]client.Header{{Name: "Host", Value: "a"}, defaults[1], defaults[2], {Name: "X-A", Value: "1"}}},
		{"-H with ; sends an empty header", options{headers: []string{"X-Empty;"}}, tiny, "", "GET",
			append(defaults[:3:3], client.Header{Name: "X-Empty", Value: ""})},
		{"-A replaces the User-Agent", options{userAgent: "curl/8", userAgentSet: true}, tiny, "", "GET",
			[]client.Header{defaults[0], {Name: "User-Agent", Value: "curl/8"}, defaults[2]}},
		{"-A \"\" sends none", options{userAgentSet: true}, tiny, "", "GET", []client.Header{defaults[0], defaults[2]}},
		{"-H wins over -A", options{userAgent: "a", userAgentSet: true, headers: []string{"User-Agent: b"}}, tiny, "", "GET",
			[]client.Header{defaults[0], {Name: "User-Agent", Value: "b"}, defaults[2]}},
		{"--no-half-close asks the server to close", options{noHalfClose: true}, tiny, "", "GET",
			append(defaults[:3:3], client.Header{Name: "Connection", Value: "close"})},
		{"user:password@ in the URL", options{}, target{Scheme: client.SchemeTiny, Host: "h", Port: "7070", Path: "/p", User: "u@s", Password: "p:ss"}, "", "GET",
			[]client.Header{defaults[0], {Name: "Authorization", Value: "Basic dUBzOnA6c3M="}, defaults[1], defaults[2]}},
		{"-H overrides Content-Type", options{data: []dataArg{{"{}", dataASCII}}, headers: []string{"Content-Type: application/json"}}, tiny, "{}", "POST",
			append(defaults[:3:3], client.Header{Name: "Content-Type", Value: "application/json"},
				client.Header{Name: "Content-Length", Value: "2"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := buildRequest(&tt.o, tt.t, inMemory([]byte(tt.body)), t.Errorf)
			if err != nil {
				t.Fatal(err)
			}
			if req.Method != tt.method || req.Target != "/p" || string(req.Body) != tt.body || req.NoHalfClose == halfCloses(&tt.o, tt.t) {
				t.Errorf("got %s %s body %q no half-close %v", req.Method, req.Target, req.Body, req.NoHalfClose)
			}
			if fmt.Sprint(req.Header) != fmt.Sprint(tt.header) {
				t.Errorf("header\n got %v\nwant %v", req.Header, tt.header)
			}
		})
	}
}

func TestBuildRequestBadHeader(t *testing.T) {
	tiny := target{Scheme: client.SchemeTiny, Host: "h", Port: "7070", Path: "/"}
	for _, h := range []string{": value", "Bad Name: x", "X: a\r\nY: b", "X-A\x00b: v", "X-\x01: v", "X\x7f: v", "X-A\v: v", "\fX-A: v"} {
		_, err := buildRequest(&options{headers: []string{h}}, tiny, requestBody{}, t.Errorf)
		if codeOf(err) != exitUsage {
			t.Errorf("-H %q: error %v, code %d; want %d", h, err, codeOf(err), exitUsage)
		}
	}
	// curl ignores a value with no colon; tinyget says so.
	for _, h := range []string{"NoColon", "X;junk"} {
		var warned []string
		req, err := buildRequest(&options{headers: []string{h}}, tiny, requestBody{}, func(f string, a ...any) { warned = append(warned, fmt.Sprintf(f, a...)) })
		if err != nil || len(req.Header) != 3 || len(warned) != 1 || !strings.Contains(warned[0], "ignored") {
			t.Errorf("-H %q: header %v, error %v, warnings %q", h, req.Header, err, warned)
		}
	}
}

func TestRequestVersion(t *testing.T) {
	tiny := target{Scheme: client.SchemeTiny, Host: "h", Port: "7070", Path: "/"}
	web := target{Scheme: client.SchemeHTTP, Host: "h", Port: "80", Path: "/"}
	tests := []struct {
		o    options
		t    target
		want string
	}{
		{options{}, tiny, "HTTP/1.0"},
		{options{}, web, "HTTP/1.1"},
		{options{httpVersion: "HTTP/1.0"}, web, "HTTP/1.0"},
		{options{httpVersion: "HTTP/1.1"}, tiny, "HTTP/1.1"},
	}
	for _, tt := range tests {
		req, err := buildRequest(&tt.o, tt.t, requestBody{}, t.Errorf)
		if err != nil || req.Version != tt.want {
			t.Errorf("%s with %q: version %q, %v; want %q", tt.t.Scheme, tt.o.httpVersion, req.Version, err, tt.want)
		}
	}
}

// TestBuildRequestGetQuery checks that -G refuses data that would break the
// request line, with curl's exit code, and sends the rest as it is.
func TestBuildRequestGetQuery(t *testing.T) {
	tiny := target{Scheme: client.SchemeTiny, Host: "h", Port: "7070", Path: "/p?x=1"}
	o := &options{get: true, data: []dataArg{{"d", dataASCII}}}
	for _, body := range []string{"a b", "a\r\nX-Evil: 1", "a\tb", "a\x7f"} {
		if _, err := buildRequest(o, tiny, inMemory([]byte(body)), t.Errorf); codeOf(err) != exitMalformedURL {
			t.Errorf("-G -d %q: error %v, code %d; want %d", body, err, codeOf(err), exitMalformedURL)
		}
	}
	req, err := buildRequest(o, tiny, inMemory([]byte("q=caf\xc3\xa9&r=%20")), t.Errorf)
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "GET" || req.Target != "/p?x=1&q=caf\xc3\xa9&r=%20" || req.Body != nil {
		t.Errorf("request %s %q body %q, %v", req.Method, req.Target, req.Body, err)
	}
}
