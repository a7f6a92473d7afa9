package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	u := []string{"h:1/"}
	tests := []struct {
		name string
		args []string
		want options
	}{
		{"URL only", []string{"h:1/"}, options{urls: u}},
		{"combined shorts", []string{"-sSfi#", "h:1/"}, options{silent: true, showError: true, fail: true, include: true, progressBar: true, urls: u}},
		{"flags after the URL", []string{"h:1/", "-v", "-I"}, options{verbose: true, head: true, urls: u}},
		{"data flags in order", []string{"-d", "a=1", "--data-binary", "@f", "--data=b=2", "--data-raw", "@x", "-dc", "h:1/"},
			options{data: []dataArg{{"a=1", dataASCII}, {"@f", dataBinary}, {"b=2", dataASCII}, {"@x", dataRaw}, {"c", dataASCII}}, urls: u}},
		{"repeated -H", []string{"-H", "X: 1", "--header", "Y: 2", "h:1/"}, options{headers: []string{"X: 1", "Y: 2"}, urls: u}},
		{"-d value with a comma", []string{"-d", "a,b", "h:1/"}, options{data: []dataArg{{"a,b", dataASCII}}, urls: u}},
		{"method and output", []string{"-X", "PUT", "-o", "out.txt", "h:1/"}, options{method: "PUT", outputs: []outputArg{{path: "out.txt"}}, urls: u}},
		{"-o and -O pair with URLs in order", []string{"a:1/x", "-O", "b:1/", "-o", "f", "--remote-name"},
			options{outputs: []outputArg{{remote: true}, {path: "f"}, {remote: true}}, urls: []string{"a:1/x", "b:1/"}}},
		{"user agent", []string{"-A", "", "h:1/"}, options{userAgentSet: true, urls: u}},
		{"timeouts", []string{"-m", "1.5", "--connect-timeout", "0.25", "h:1/"},
			options{maxTime: 1500 * time.Millisecond, connectTimeout: 250 * time.Millisecond, urls: u}},
		{"retries", []string{"--retry", "3", "--retry-delay", "0.5", "--retry-max-time", "10", "--retry-connrefused", "--retry-all-errors", "h:1/"},
			options{retry: 3, retryDelay: 500 * time.Millisecond, retryMaxTime: 10 * time.Second, retryRefused: true, retryAll: true, urls: u}},
		{"last of -4 and -6 wins", []string{"-4", "-6", "h:1/"}, options{ipVersion: 6, urls: u}},
		{"last of -0 and --http1.1 wins", []string{"--http1.1", "-0", "h:1/"}, options{httpVersion: "HTTP/1.0", urls: u}},
		{"output flags", []string{"--create-dirs", "--no-progress-meter", "--no-half-close", "--fail-with-body", "-w", "%{json}", "h:1/"},
			options{createDirs: true, noProgress: true, noHalfClose: true, failWithBody: true, writeOut: "%{json}", urls: u}},
		{"-g is accepted", []string{"-sg", "--globoff", "h:1/"}, options{silent: true, urls: u}},
		{"--no- turns a flag off", []string{"-sLfN", "--no-progress-meter", "--no-silent", "--no-location", "--no-fail=true", "--buffer", "--progress-meter", "--no-compressed=false", "h:1/"},
			options{compressed: true, urls: u}},
		{"the last of a flag and its --no- wins", []string{"--no-silent", "-s", "--no-buffer", "--no-half-close", "h:1/"}, options{silent: true, noBuffer: true, noHalfClose: true, urls: u}},
		{"several URLs", []string{"a:1/", "b:1/"}, options{urls: []string{"a:1/", "b:1/"}}},
		{"help without URL", []string{"-h"}, options{help: true}},
		{"version without URL", []string{"--version"}, options{version: true}},
		{"URL after --", []string{"--", "-weird"}, options{urls: []string{"-weird"}}},
		{"--url in its place", []string{"a:1/", "--url", "b:1/", "-d", "--url", "-so", "--url", "c:1/", "--url=d:1/", "--", "e:1/"},
			options{data: []dataArg{{"--url", dataASCII}}, silent: true, outputs: []outputArg{{path: "--url"}}, urls: []string{"a:1/", "b:1/", "c:1/", "d:1/", "e:1/"}}},
		{"-C OFFSET", []string{"-C", "990", "h:1/"}, options{continueAt: "990", resumeAt: 990, urls: u}},
		{"-C -", []string{"-C", "-", "h:1/"}, options{continueAt: "-", urls: u}},
		{"sizes", []string{"--limit-rate", "1.5k", "--max-filesize", "2M", "h:1/"}, options{limitRate: 1536, maxFilesize: 2 << 20, urls: u}},
		{"-e ;auto", []string{"-e", "http://r/;auto", "h:1/"}, options{referer: "http://r/", autoReferer: true, urls: u}},
		{"--parallel-max 0 is curl's default", []string{"-Z", "--parallel-max", "0", "h:1/"}, options{parallel: true, parallelMax: 50, urls: u}},
		{"redirects and parallel", []string{"-LZ", "--max-redirs", "-1", "--parallel-max", "500", "h:1/"}, options{location: true, maxRedirs: -1, parallel: true, parallelMax: 300, urls: u}},
		{"data flags of all kinds", []string{"--data-urlencode", "a b", "--json", "{}", "-G", "h:1/"},
			options{data: []dataArg{{"a b", dataURLEncode}, {"{}", dataJSON}}, get: true, urls: u}},
		{"-G -I -d: HEAD with a query", []string{"-G", "-I", "-d", "a=b", "h:1/"}, options{data: []dataArg{{"a=b", dataASCII}}, get: true, head: true, urls: u}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want.maxRedirs == 0 {
				tt.want.maxRedirs = 50
			}
			if tt.want.parallelMax == 0 {
				tt.want.parallelMax = 50
			}
			got, err := parseArgs(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no URL", nil},
		{"unknown long flag", []string{"--bogus", "h:1/"}},
		{"unknown short flag", []string{"-sz", "h:1/"}},
		{"missing value", []string{"h:1/", "-d"}},
		{"bad number", []string{"-m", "soon", "h:1/"}},
		{"negative time", []string{"-m", "-1", "h:1/"}},
		{"infinite time", []string{"--connect-timeout", "Inf", "h:1/"}},
		{"negative retries", []string{"--retry", "-1", "h:1/"}},
		{"-I and -d", []string{"-I", "-d", "a=b", "h:1/"}},
		{"-I and -T", []string{"-I", "-T", "file", "h:1/"}},
		{"HEAD with data", []string{"-I", "-d", "x", "h:1/"}},
		{"both fail flags", []string{"-f", "--fail-with-body", "h:1/"}},
		{"-C N with -O -J", []string{"-C", "5", "-O", "-J", "h:1/f"}},
		{"-J with -i", []string{"-J", "-i", "-O", "h:1/f"}},
		{"-i with -J", []string{"-iOJ", "h:1/f"}},
		{"-J with -I", []string{"-J", "-I", "-o", "f", "h:1/f"}},
		{"bad -C", []string{"-C", "x", "h:1/"}},
		{"negative -C", []string{"-C", "-5", "h:1/"}},
		{"-C over int64", []string{"-C", "9223372036854775808", "h:1/"}},
		{"bad --limit-rate", []string{"--limit-rate", "fast", "h:1/"}},
		{"negative --max-filesize", []string{"--max-filesize", "-1", "h:1/"}},
		{"--max-redirs below -1", []string{"--max-redirs", "-2", "h:1/"}},
		{"--parallel-max -1", []string{"--parallel-max", "-1", "h:1/"}},
		{"-T with -d", []string{"-T", "f", "-d", "x", "h:1/"}},
		{"-X not a token", []string{"-X", "GET / HTTP/1.0\r\nX: y\r\n\r\nGET", "h:1/"}},
		{"-X with a space", []string{"-X", "GE T", "h:1/"}},
		{"-A with CRLF", []string{"-A", "a\r\nX-Evil: 1", "h:1/"}},
		{"-e with LF", []string{"-e", "r\nX-Evil: 1", "h:1/"}},
		{"-e ;auto with CR", []string{"-e", "r\r;auto", "h:1/"}},
		{"-r with CRLF", []string{"-r", "1-2\r\nX-Evil: 1", "h:1/"}},
		{"-A with NUL", []string{"-A", "a\x00", "h:1/"}},
		{"empty -o", []string{"-o", "", "h:1/"}},
		{"--no- of a flag with a value", []string{"--no-output", "h:1/"}},
		{"--no- of an unknown flag", []string{"--no-bogus", "h:1/"}},
		{"--no-no-buffer", []string{"--no-no-buffer", "h:1/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseArgs(tt.args)
			if codeOf(err) != exitUsage {
				t.Errorf("error %v, code %d; want %d", err, codeOf(err), exitUsage)
			}
		})
	}
}

// TestNotANumber checks the words for a number flag's value that is none,
// and for --no-X where X is a flag that is not boolean, as curl refuses it,
// on the command line and in a -K file, where the file and line are named.
func TestNotANumber(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "conf")
	if err := os.WriteFile(conf, []byte("silent\nmax-time = abc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf3 := filepath.Join(t.TempDir(), "conf")
	if err := os.WriteFile(conf3, []byte("header = X-D: two words\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf2 := filepath.Join(t.TempDir(), "conf")
	if err := os.WriteFile(conf2, []byte("url = \"h:1/\"\n\nlimit-rate = fast\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf4 := filepath.Join(t.TempDir(), "conf")
	if err := os.WriteFile(conf4, []byte("no-silent\nno-max-time\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--no-output", "h:1/"}, "--no-output: --output is not a boolean flag, so it has no --no- form"},
		{[]string{"--no-ipv4", "h:1/"}, "--no-ipv4: --ipv4 is not a boolean flag, so it has no --no- form"},
		{[]string{"--no-bogus", "h:1/"}, "unknown flag: --no-bogus"},
		{[]string{"--no-no-buffer", "h:1/"}, "unknown flag: --no-no-buffer"},
		{[]string{"-K", conf4, "h:1/"}, conf4 + ":2: --no-max-time: --max-time is not a boolean flag, so it has no --no- form"},
		{[]string{"-m", "abc", "h:1/"}, `--max-time: "abc" is not a number`},
		{[]string{"--retry=1.5", "h:1/"}, `--retry: "1.5" is not a number`},
		{[]string{"--connect-timeout", "", "h:1/"}, `--connect-timeout: "" is not a number`},
		{[]string{"-K", conf, "h:1/"}, conf + `:2: --max-time: "abc" is not a number`},
		{[]string{"-K", conf2}, conf2 + `:3: --limit-rate: "fast" is not a number of bytes (suffix k, m or g)`},
		{[]string{"-K", conf3}, conf3 + `:1: value "X-D: two words" has a space or tab outside quotes: put it in double quotes`},
		{[]string{"--retry", "99999999999999999999", "h:1/"}, `--retry: "99999999999999999999" is out of range`},
		{[]string{"-m", "1e400", "h:1/"}, `--max-time: "1e400" is out of range`},
	}
	for _, tt := range tests {
		args, err := expandArgs(tt.args, strings.NewReader(""), 0)
		if err == nil {
			_, err = parseArgs(args)
		}
		if codeOf(err) != exitUsage || err.Error() != tt.want {
			t.Errorf("%q: error %v, code %d; want %q, code %d", tt.args, err, codeOf(err), tt.want, exitUsage)
		}
	}
}

// TestConfigShortGroups checks the groups of short flags a config file may
// hold, as a command line may: flags without a value, then at most one
// that takes the rest of the group or the next word.
func TestConfigShortGroups(t *testing.T) {
	args, err := configArgs("conf", "-sS\n-sSo out\n-o/dev/null\n-H \"X: y\"\n", nil, 0)
	want := []string{"--silent", "--show-error", "--silent", "--show-error", "--output=out", "--output=/dev/null", "--header=X: y"}
	if err != nil || fmt.Sprint(args) != fmt.Sprint(want) {
		t.Errorf("got %q, %v; want %q", args, err, want)
	}
	if _, err := configArgs("conf", "-s@\n", nil, 0); codeOf(err) != exitUsage || !strings.Contains(err.Error(), `conf:1: unknown flag "-@"`) {
		t.Errorf("unknown flag in a group: %v", err)
	}
}
