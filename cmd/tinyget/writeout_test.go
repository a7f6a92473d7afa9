package main

import (
	"encoding/json"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// sampleInfo is a transfer that got a 404 after 1.5 seconds.
func sampleInfo() *transferInfo {
	tr := &tracer{
		namelookup: 1 * time.Millisecond, connect: 2 * time.Millisecond, pretransfer: 2500 * time.Microsecond, starttransfer: 3 * time.Millisecond,
		remote: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 7070}, local: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000},
		headBytes: 80,
	}
	tr.uploaded.Store(4)
	raw := "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nX-A: 1\r\nx-a: \"two\"\r\n\r\n"
	return &transferInfo{
		url: "tiny://h/p", effective: "tiny://h/p", urlnum: 2, scheme: "tiny", method: "POST", code: exitHTTPError,
		errmsg: "The requested URL returned error: 404", filename: "out",
		resp: &client.Response{Proto: "HTTP/1.1", StatusCode: 404, Status: "404 Not Found", RawHeader: raw,
			Header: []client.Header{{Name: "Content-Type", Value: "text/plain"}, {Name: "X-A", Value: "1"}, {Name: "x-a", Value: `"two"`}}},
		retries: 1, trace: tr, total: 1500 * time.Millisecond, download: 3000,
		times: timings{namelookup: tr.namelookup, connect: tr.connect, pretransfer: tr.pretransfer, starttransfer: tr.starttransfer, connects: 1, requestBytes: tr.headBytes},
	}
}

// TestWriteOutStderr checks that on stderr the format's own text is written
// as it is, a colour escape included, and the server's values escaped.
func TestWriteOutStderr(t *testing.T) {
	ti := sampleInfo()
	ti.resp.Header = append(ti.resp.Header, client.Header{Name: "X-Title", Value: "\x1b]0;owned\x07"})
	var stdout, stderr strings.Builder
	writeOut("%{stderr}\x1b[31m%header{x-title} %{content_type}\r\x1b[0m\n", ti, &stdout, safeText{w: &stderr})
	if want := "\x1b[31m\\x1b]0;owned\\x07 text/plain\r\x1b[0m\n"; stderr.String() != want || stdout.Len() != 0 {
		t.Errorf("stderr %q, stdout %q; want stderr %q", stderr.String(), stdout.String(), want)
	}
}

func TestWriteOut(t *testing.T) {
	tests := []struct {
		format string
		stdout string
		stderr string
	}{
		{`%{http_code} %{response_code} %{exitcode}\n`, "404 404 22\n", ""},
		{`%{time_total} %{time_namelookup} %{time_connect} %{time_pretransfer} %{time_starttransfer}`, "1.500000 0.001000 0.002000 0.002500 0.003000", ""},
		{`%{size_download} %{size_upload} %{size_request} %{size_header} %{speed_download} %{speed_upload}`, "3000 4 80 72 2000 2", ""},
		{`%{remote_ip}:%{remote_port} %{local_ip}:%{local_port} %{num_connects}`, "127.0.0.1:7070 127.0.0.1:50000 1", ""},
		{`%{url} %{url_effective} %{urlnum} %{scheme} %{method} %{http_version}`, "tiny://h/p tiny://h/p 2 tiny POST 1.1", ""},
		{`%{content_type}|%{filename_effective}|%{num_headers}|%{num_retries}`, "text/plain|out|3|1", ""},
		{`%{errormsg}`, "The requested URL returned error: 404", ""},
		{`%header{x-a}|%header{missing}|%header{CONTENT-TYPE}`, "1||text/plain", ""},
		{`100%% \t\r\\n \x`, "100% \t\r\\\\n \\x", ""}, // curl writes an unknown escape as it is
		{`%{nope} ok`, " ok", "tinyget: unknown --write-out variable: 'nope'\n"},
		{`a%{stderr}b%{stdout}c`, "ac", "b"},
		{`%{onerror}failed`, "failed", ""},
		{`%{ unterminated`, "%{ unterminated", ""},
		{`%x %`, "%x %", ""},
		{`trailing \`, `trailing \`, ""},
		{"%header{no end", "%header{no end", ""},
	}
	for _, tt := range tests {
		var stdout, stderr strings.Builder
		writeOut(tt.format, sampleInfo(), &stdout, safeText{w: &stderr})
		if stdout.String() != tt.stdout || stderr.String() != tt.stderr {
			t.Errorf("-w %q: stdout %q, stderr %q; want %q, %q", tt.format, stdout.String(), stderr.String(), tt.stdout, tt.stderr)
		}
	}
	ok := sampleInfo()
	ok.code, ok.errmsg = exitOK, ""
	var stdout strings.Builder
	writeOut("before%{onerror}after", ok, &stdout, safeText{w: &stdout})
	if stdout.String() != "before" {
		t.Errorf("%%{onerror} on success: %q", stdout.String())
	}
}

func TestWriteOutJSON(t *testing.T) {
	var b strings.Builder
	writeOut("%{json}", sampleInfo(), &b, safeText{w: &b})
	var m map[string]any
	if err := json.Unmarshal([]byte(b.String()), &m); err != nil {
		t.Fatalf("%%{json} is not JSON: %v\n%s", err, b.String())
	}
	want := map[string]any{"http_code": 404.0, "exitcode": 22.0, "errormsg": "The requested URL returned error: 404",
		"time_total": 1.5, "size_download": 3000.0, "remote_port": 7070.0, "filename_effective": "out", "num_retries": 1.0}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	var names []string
	for _, v := range writeOutVars {
		if v.kind != woSpecial {
			names = append(names, v.name)
			if _, ok := m[v.name]; !ok {
				t.Errorf("%%{json} lacks %s", v.name)
			}
		}
	}
	if !slices.IsSorted(names) {
		t.Error("the variables are not sorted: %{json} would not list them as curl does")
	}

	none := &transferInfo{url: "x", code: exitResolve, errmsg: "Could not resolve host: x", trace: new(tracer)}
	b.Reset()
	writeOut("%{json}", none, &b, safeText{w: &b})
	if err := json.Unmarshal([]byte(b.String()), &m); err != nil || m["content_type"] != nil || m["http_code"] != 0.0 || m["filename_effective"] != nil {
		t.Errorf("%%{json} without a reply: %v, %s", err, b.String())
	}
}

func TestHeaderJSON(t *testing.T) {
	var b strings.Builder
	writeOut("%{header_json}", sampleInfo(), &b, safeText{w: &b})
	const want = "{\"content-type\":[\"text/plain\"],\n\"x-a\":[\"1\",\"\\\"two\\\"\"]\n}"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	writeOut("%{header_json}", &transferInfo{trace: new(tracer)}, &b, safeText{w: &b})
	if b.String() != "{\n}" {
		t.Errorf("without headers: %q", b.String())
	}
}

func TestJSONString(t *testing.T) {
	var b strings.Builder
	appendJSONString(&b, "a\"b\\c\b\f\n\r\t\x01\x1f é\xff<>&")
	const want = `"a\"b\\c\b\f\n\r\t\u0001\u001f é` + "\uFFFD" + `<>&"`
	if b.String() != want {
		t.Errorf("got %s, want %s", b.String(), want)
	}
	if !json.Valid([]byte(b.String())) {
		t.Error("not valid JSON")
	}
}
