package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadData(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "form")
	if err := os.WriteFile(file, []byte("a=1\r\nb=2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := func(v string) dataArg { return dataArg{v, dataASCII} }
	tests := []struct {
		name   string
		values []dataArg
		stdin  string
		want   string
	}{
		{"none", nil, "", ""},
		{"literal", []dataArg{d("x=1")}, "", "x=1"},
		{"literal keeps newlines", []dataArg{d("line\n")}, "", "line\n"},
		{"empty", []dataArg{d("")}, "", ""},
		{"joined with &", []dataArg{d("x=1"), d("y=2"), d("")}, "", "x=1&y=2&"},
		{"file without CR and LF", []dataArg{d("@" + file)}, "", "a=1b=2"},
		{"stdin", []dataArg{d("@-")}, "from\nstdin\n", "fromstdin"},
		{"mixed", []dataArg{d("k=v"), d("@-"), d("@" + file)}, "s", "k=v&s&a=1b=2"},
		{"binary file", []dataArg{{"@" + file, dataBinary}}, "", "a=1\r\nb=2\n"},
		{"binary stdin", []dataArg{{"@-", dataBinary}}, "x\r\ny\n", "x\r\ny\n"},
		{"raw @", []dataArg{{"@" + file, dataRaw}}, "", "@" + file},
		{"urlencode NAME=CONTENT", []dataArg{{"a b=c d", dataURLEncode}}, "", "a b=c+d"},
		{"urlencode NAME@FILE", []dataArg{{"n@-", dataURLEncode}}, "x y", "n=x+y"},
		{"urlencode = before @", []dataArg{{"a=b@c", dataURLEncode}}, "", "a=b%40c"},
		{"urlencode = after @", []dataArg{{"a@b=c d", dataURLEncode}, {"@x=y", dataURLEncode}}, "", "a@b=c+d&@x=y"},
		{"modes mixed in order", []dataArg{{"@-", dataBinary}, d("q=1"), {"@x", dataRaw}}, "b\n", "b\n&q=1&@x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readData(tt.values, strings.NewReader(tt.stdin))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadDataMissingFile(t *testing.T) {
	for _, mode := range []dataMode{dataASCII, dataBinary} {
		_, err := readData([]dataArg{{"@" + filepath.Join(t.TempDir(), "missing"), mode}}, strings.NewReader(""))
		if codeOf(err) != exitReadError || !strings.Contains(err.Error(), "no such file") {
			t.Errorf("mode %d: error %v, code %d; want %d", mode, err, codeOf(err), exitReadError)
		}
	}
}

func TestReadWriteOut(t *testing.T) {
	file := filepath.Join(t.TempDir(), "format")
	if err := os.WriteFile(file, []byte("%{http_code}\\n\r\ncode %{http_code}\\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ value, stdin, want string }{
		{"%{json}", "", "%{json}"},
		{"@" + file, "", `%{http_code}\ncode %{http_code}\n`},
		{"@-", "%{exitcode}\n", "%{exitcode}"},
	} {
		got, err := readWriteOut(tt.value, strings.NewReader(tt.stdin))
		if err != nil || got != tt.want {
			t.Errorf("readWriteOut(%q) = %q, %v; want %q", tt.value, got, err, tt.want)
		}
	}
	if _, err := readWriteOut("@"+file+".missing", nil); codeOf(err) != exitReadError {
		t.Errorf("missing -w file: %v", err)
	}
}

// TestReadHeaders checks -H @FILE and @-: one header a line, LF or CRLF,
// empty lines skipped, in place among the other -H values; a file that
// cannot be read, or is too large, is exit 26, and @- after another flag
// read stdin is exit 2.
func TestReadHeaders(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hdrs")
	if err := os.WriteFile(file, []byte("X-A: 1\r\n\r\nX-B: 2\n\nUser-Agent:\nX-C;"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("X-A: 1\n", maxHeaderFile/7+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		values []string
		stdin  string
		read   bool // stdin read already
		want   []string
		code   exitCode
	}{
		{"file", []string{"X-0: 0", "@" + file, "X-D: 4"}, "", false, []string{"X-0: 0", "X-A: 1", "X-B: 2", "User-Agent:", "X-C;", "X-D: 4"}, exitOK},
		{"stdin", []string{"@-"}, "X-S: 1\r\nX-T: 2\r\n", false, []string{"X-S: 1", "X-T: 2"}, exitOK},
		{"empty file", []string{"@" + os.DevNull, "X-A: 1"}, "", false, []string{"X-A: 1"}, exitOK},
		{"missing file", []string{"@" + filepath.Join(dir, "missing")}, "", false, nil, exitReadError},
		{"directory", []string{"@" + dir}, "", false, nil, exitReadError},
		{"too large", []string{"@" + big}, "", false, nil, exitReadError},
		{"stdin read already", []string{"@-"}, "X-S: 1\n", true, nil, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readHeaders(tt.values, &sharedStdin{r: strings.NewReader(tt.stdin), read: tt.read})
			if codeOf(err) != tt.code || strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, %v; want %q, code %d", got, err, tt.want, tt.code)
			}
		})
	}
}

// TestHeaderFileErrors checks tinyget's exit codes for an -H @FILE it
// cannot use, before any connection: a missing file, which curl 7.88
// ignores, and -H @- after -d @- has read stdin, where curl sends the
// headers and an empty body.
func TestHeaderFileErrors(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		stdin string
		code  exitCode
		want  string
	}{
		{[]string{"-sS", "-H", "@missing", "http://127.0.0.1:1/"}, "", exitReadError, "Failed to read the -H file missing: no such file or directory"},
		{[]string{"-sS", "-d", "@-", "-H", "@-", "http://127.0.0.1:1/"}, "X-A: 1\n", exitUsage, "-H @-: stdin is read already"},
		{[]string{"-sS", "-K", "-", "-H", "@-", "http://127.0.0.1:1/"}, "silent\n", exitUsage, "-H @-: stdin is read already"},
	} {
		code, _, stderr := runTinyget(t, tc.args, t.TempDir(), tc.stdin)
		if code != int(tc.code) || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d, stderr with %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}
