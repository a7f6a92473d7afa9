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
