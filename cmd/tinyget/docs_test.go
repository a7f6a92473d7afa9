package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestDocs checks that docs/tinyget.md describes what --help lists: every
// flag, long and short, every -w variable and every exit code; and that its
// flags table names no flag tinyget lacks.
func TestDocs(t *testing.T) {
	b, err := os.ReadFile("../../docs/tinyget.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	fs := newFlagSet(new(options))
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden { // a --no- negation, described as a whole
			return
		}
		if !strings.Contains(doc, "`--"+f.Name) {
			t.Errorf("docs/tinyget.md does not describe --%s", f.Name)
		}
		if f.Shorthand != "" && !strings.Contains(doc, "`-"+f.Shorthand+"`") {
			t.Errorf("docs/tinyget.md does not give -%s for --%s", f.Shorthand, f.Name)
		}
	})
	for _, v := range writeOutVars {
		if !strings.Contains(doc, "%{"+v.name+"}") {
			t.Errorf("docs/tinyget.md does not describe %%{%s}", v.name)
		}
	}
	for code := range exitSummaries {
		if !strings.Contains(doc, "\n| "+strconv.Itoa(int(code))+" | ") {
			t.Errorf("docs/tinyget.md does not list exit code %d", code)
		}
	}
	for _, row := range regexp.MustCompile("(?m)^\\| `[^|]*").FindAllString(section(doc, "## Flags"), -1) {
		for _, m := range regexp.MustCompile("`-(-[a-z0-9.-]+|[a-zA-Z0-9#])").FindAllStringSubmatch(row, -1) {
			name := m[1]
			if long, ok := strings.CutPrefix(name, "-"); ok && fs.Lookup(long) == nil || !ok && fs.ShorthandLookup(name) == nil {
				t.Errorf("docs/tinyget.md describes -%s, which tinyget does not have", name)
			}
		}
	}
	for code := range exitSummaries {
		if !strings.Contains(usage(), "\n  "+padCode(code)+"  ") {
			t.Errorf("--help does not list exit code %d", code)
		}
	}
}

// section returns the part of doc from the heading to the next one.
func section(doc, heading string) string {
	_, rest, _ := strings.Cut(doc, heading+"\n")
	if i := strings.Index(rest, "\n## "); i >= 0 {
		return rest[:i]
	}
	return rest
}

// padCode formats an exit code as --help does.
func padCode(c exitCode) string {
	s := strconv.Itoa(int(c))
	if len(s) < 2 {
		s = " " + s
	}
	return s
}
