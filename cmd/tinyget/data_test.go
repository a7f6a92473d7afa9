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
	tests := []struct {
		name   string
		values []string
		stdin  string
		want   string
	}{
		{"none", nil, "", ""},
		{"literal", []string{"x=1"}, "", "x=1"},
		{"literal keeps newlines", []string{"line\n"}, "", "line\n"},
		{"empty", []string{""}, "", ""},
		{"joined with &", []string{"x=1", "y=2", ""}, "", "x=1&y=2&"},
		{"file without CR and LF", []string{"@" + file}, "", "a=1b=2"},
		{"stdin", []string{"@-"}, "from\nstdin\n", "fromstdin"},
		{"mixed", []string{"k=v", "@-", "@" + file}, "s", "k=v&s&a=1b=2"},
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
	_, err := readData([]string{"@" + filepath.Join(t.TempDir(), "missing")}, strings.NewReader(""))
	if codeOf(err) != exitReadError {
		t.Errorf("error %v, code %d; want %d", err, codeOf(err), exitReadError)
	}
}
