package main

import (
	"errors"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name  string
		args  string
		check func(*options) bool
	}{
		{"defaults", "127.0.0.1:7070/hello", func(o *options) bool {
			return o.concurrency == defaultConcurrency && o.n == 0 && o.duration == defaultDuration &&
				o.rate == 0 && o.method == "GET" && o.timeout == defaultTimeout && o.status == 200 &&
				o.readBuf == defaultReadBuf && !o.json && o.cork && len(o.urls) == 1
		}},
		{"uncorked", "-cork=false 127.0.0.1/", func(o *options) bool { return !o.cork }},
		{"-n lifts the duration to the cap", "-n 1000 127.0.0.1/", func(o *options) bool {
			return o.n == 1000 && o.duration == maxDuration
		}},
		{"-n and -duration", "-n 1000 -duration 3s 127.0.0.1/", func(o *options) bool {
			return o.n == 1000 && o.duration == 3*time.Second
		}},
		{"flags after the URLs", "127.0.0.1/a -c 8 127.0.0.1/b -json", func(o *options) bool {
			return o.concurrency == 8 && o.json && strings.Join(o.urls, " ") == "127.0.0.1/a 127.0.0.1/b"
		}},
		{"open loop", "-rate 2500.5 -warmup 1s 127.0.0.1/", func(o *options) bool {
			return o.rate == 2500.5 && o.warmup == time.Second
		}},
		{"body file means POST", "-body-file x 127.0.0.1/", func(o *options) bool { return o.method == "POST" }},
		{"-X wins", "-X PUT -body-file x 127.0.0.1/", func(o *options) bool { return o.method == "PUT" }},
		{"headers", "-H Host:example -H X-A:b 127.0.0.1/", func(o *options) bool {
			return len(o.header) == 2 && o.header[0] == client.Header{Name: "Host", Value: "example"} &&
				o.header[1] == client.Header{Name: "X-A", Value: "b"}
		}},
		{"read buffer", "-rbuf 256KiB 127.0.0.1/", func(o *options) bool { return o.readBuf == 256<<10 }},
		{"any status", "-status 0 127.0.0.1/", func(o *options) bool { return o.status == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseArgs(strings.Fields(tt.args))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(o) {
				t.Errorf("%+v", o)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	tests := []struct{ args, want string }{
		{"", "no URL"},
		{"-c 0 127.0.0.1/", "-c 0"},
		{"-c 100000 127.0.0.1/", "-c 100000"},
		{"-n -1 127.0.0.1/", "-n -1"},
		{"-duration 11m 127.0.0.1/", "at most 10m"},
		{"-duration 0s 127.0.0.1/", "-duration 0s"},
		{"-warmup 2m 127.0.0.1/", "-warmup"},
		{"-rate -5 127.0.0.1/", "-rate"},
		{"-rate 2e6 127.0.0.1/", "-rate"},
		{"-timeout 0s 127.0.0.1/", "-timeout"},
		{"-status 1000 127.0.0.1/", "-status"},
		{"-rbuf 0 127.0.0.1/", "bad size"},
		{"-rbuf 64GiB 127.0.0.1/", "bad size"},
		{"-H nocolon 127.0.0.1/", "Name: value"},
		{"-X G\x01T 127.0.0.1/", "token"},
		{"-bogus 127.0.0.1/", "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			_, err := parseArgs(strings.Fields(tt.args))
			if !errors.Is(err, errUsage) {
				t.Fatalf("error %v, want a usage error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
	if _, err := parseArgs([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		in                    string
		host, addr, path      string
		halfClose, wantsError bool
	}{
		{in: "127.0.0.1:8080/hello", host: "127.0.0.1:8080", addr: "127.0.0.1:8080", path: "/hello", halfClose: true},
		{in: "tiny://127.0.0.1/x?y=1#frag", host: "127.0.0.1:7070", addr: "127.0.0.1:7070", path: "/x?y=1", halfClose: true},
		{in: "http://127.0.0.1/", host: "127.0.0.1", addr: "127.0.0.1:80", path: "/", halfClose: false},
		{in: "HTTP://127.0.0.1:81", host: "127.0.0.1:81", addr: "127.0.0.1:81", path: "/", halfClose: false},
		{in: "[::1]:9000/a", host: "[::1]:9000", addr: "[::1]:9000", path: "/a", halfClose: true},
		{in: "127.0.0.1?q", host: "127.0.0.1:7070", addr: "127.0.0.1:7070", path: "/?q", halfClose: true},
		{in: "localhost:1/", host: "localhost:1", addr: "localhost:1", path: "/", halfClose: true},
		{in: "https://127.0.0.1/", wantsError: true},
		{in: "tinys://127.0.0.1/", wantsError: true},
		{in: "127.0.0.1:0/", wantsError: true},
		{in: "127.0.0.1:99999/", wantsError: true},
		{in: "::1/", wantsError: true},
		{in: "[::1/", wantsError: true},
		{in: "user@127.0.0.1/", wantsError: true},
		{in: "127.0.0.1/a b", wantsError: true},
		{in: "/path", wantsError: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseURL(tt.in)
			if tt.wantsError {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.HostHeader() != tt.host || got.addr != tt.addr || got.Path != tt.path || got.HalfClose() != tt.halfClose {
				t.Errorf("got host %q addr %q path %q half-close %v", got.HostHeader(), got.addr, got.Path, got.HalfClose())
			}
		})
	}
}

func TestResolveRefusesRemote(t *testing.T) {
	tests := []struct {
		url         string
		allowRemote bool
		ok          bool
	}{
		{"127.0.0.1:1/", false, true},
		{"127.1.2.3:1/", false, true},
		{"[::1]:1/", false, true},
		{"localhost:1/", false, true},
		{"192.0.2.1:1/", false, false},
		{"[2001:db8::1]:1/", false, false},
		{"192.0.2.1:1/", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			tg, err := parseURL(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			err = tg.resolve(t.Context(), tt.allowRemote)
			if (err == nil) != tt.ok {
				t.Fatalf("resolve: %v, want ok %v", err, tt.ok)
			}
			if err == nil && !tg.ip.IsValid() {
				t.Errorf("no IP after resolve: %+v", tg)
			}
			if !tt.ok && !strings.Contains(err.Error(), "-allow-remote") {
				t.Errorf("error %q does not name -allow-remote", err)
			}
		})
	}
}

func TestRequest(t *testing.T) {
	tg, _ := parseURL("127.0.0.1:7070/echo")
	req := tg.request("POST", []client.Header{{Name: "X-A", Value: "1"}}, []byte("ping"))
	want := "POST /echo HTTP/1.0\r\nHost: 127.0.0.1:7070\r\nX-A: 1\r\nContent-Length: 4\r\n\r\nping"
	if n := requestSize(req); n != int64(len(want)) {
		t.Errorf("request size %d, want %d", n, len(want))
	}
	if req.Header[0].Name != "Host" || req.NoHalfClose {
		t.Errorf("%+v", req)
	}
	req = tg.request("GET", []client.Header{{Name: "host", Value: "other"}}, nil)
	if len(req.Header) != 1 || req.Header[0].Value != "other" || req.Body != nil {
		t.Errorf("a given Host must replace the default, and no body means no Content-Length: %+v", req.Header)
	}
}

// TestParseURLErrorNamesTheURL checks that a bad URL's error names it, one
// of several, without its password.
func TestParseURLErrorNamesTheURL(t *testing.T) {
	for in, want := range map[string]string{
		"tiny://127.0.0.1:99999/b": `"tiny://127.0.0.1:99999/b": bad URL: `,
		"tiny://u:pw@h:1/":         `"tiny://h:1/": bad URL: user name and password`,
	} {
		_, err := parseURL(in)
		if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "pw") {
			t.Errorf("parseURL(%q): %v; want an error starting %s", in, err, want)
		}
	}
}
