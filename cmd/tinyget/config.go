package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
)

// rcName is the file in the home directory whose flags come before the
// command line's, as ~/.curlrc does for curl, unless the first flag is -q.
const rcName = ".tinygetrc"

// maxConfigDepth bounds -K files that name -K files.
const maxConfigDepth = 8

// expandConfig returns args with ~/.tinygetrc's flags before them (unless
// the first argument disables it, or home is empty) and each
// -K FILE (--config FILE) replaced by the flags FILE holds, as curl reads
// them. stdin is read for -K -. Its errors are *exitError: exitReadError
// for a file that cannot be read, exitUsage for a bad line.
func expandConfig(args []string, stdin io.Reader, home string) ([]string, error) {
	var out []string
	if home != "" && (len(args) == 0 || !disablesRC(args[0])) {
		rc := filepath.Join(home, rcName)
		b, err := os.ReadFile(rc)
		switch {
		case err == nil:
			if out, err = configArgs(rc, string(b), stdin, 1); err != nil {
				return nil, err
			}
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fail(exitReadError, "Failed to read %s: %v", rc, unwrapPath(err))
		}
	}
	rest, err := expandArgs(args, stdin, 0)
	if err != nil {
		return nil, err
	}
	return append(out, rest...), nil
}

// disablesRC reports whether a, the first argument, says not to read
// ~/.tinygetrc: --disable, or a run of short flags that starts with -q, as
// curl has it.
func disablesRC(a string) bool {
	return a == "--disable" || len(a) > 1 && a[0] == '-' && a[1] == 'q'
}

// expandArgs replaces each -K FILE in args by FILE's flags. It reads args
// as pflag does, so that -K in a run of short flags ("-sK FILE") is found,
// and a value that starts with -K ("--data-raw -Kx") is left alone.
func expandArgs(args []string, stdin io.Reader, depth int) ([]string, error) {
	fs := newFlagSet(new(options))
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...), nil
		}
		f, before, value, inline := valueFlag(fs, a)
		if f == nil || f.Name != "config" {
			out = append(out, a) // and its value, which is not a -K
			if f != nil && !inline && i+1 < len(args) {
				i++
				out = append(out, args[i])
			}
			continue
		}
		if !inline {
			if i+1 == len(args) {
				return nil, fail(exitUsage, "flag needs an argument: %s", a)
			}
			i++
			value = args[i]
		}
		if before != "" {
			out = append(out, before)
		}
		if depth >= maxConfigDepth {
			return nil, fail(exitUsage, "-K %s: config files nested more than %d deep", value, maxConfigDepth)
		}
		b, err := readSource(value, stdin)
		if err != nil {
			return nil, fail(exitReadError, "Failed to read the config file %s: %v", value, unwrapPath(err))
		}
		more, err := configArgs(value, string(b), stdin, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// configArgs turns a config file in curl's syntax into arguments: one flag
// a line, "--name value", "name value", "name = value" or "name: value",
// the value in double quotes when it has spaces (with \", \\, \t, \n, \r
// and \v escapes); lines starting with # are comments. A "url" line adds a
// URL. The -K lines of the file are expanded too.
func configArgs(file, text string, stdin io.Reader, depth int) ([]string, error) {
	fs := newFlagSet(new(options))
	var args []string
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || line[0] == '#' {
			continue
		}
		end := strings.IndexAny(line, " \t=:")
		if end < 0 {
			end = len(line)
		}
		name, rest := line[:end], strings.TrimLeft(line[end:], " \t")
		if rest != "" && (rest[0] == '=' || rest[0] == ':') {
			rest = strings.TrimLeft(rest[1:], " \t")
		}
		var f *pflag.Flag
		switch {
		case strings.HasPrefix(name, "--"):
			f = fs.Lookup(name[2:])
		case strings.HasPrefix(name, "-") && len(name) == 2:
			f = fs.ShorthandLookup(name[1:])
		case strings.HasPrefix(name, "-"):
			// Short flags in a group, as on the command line: -sS,
			// -sSo FILE, -o/dev/null (the value attached).
			group, after, _ := strings.Cut(strings.ReplaceAll(line, "\t", " "), " ")
			for group = group[1:]; group != ""; group = group[1:] {
				g := fs.ShorthandLookup(group[:1])
				if g == nil {
					return nil, fail(exitUsage, "%s:%d: unknown flag \"-%s\" in %q", file, n+1, group[:1], name)
				}
				if g.NoOptDefVal == "" {
					f, rest = g, cmp.Or(group[1:], strings.TrimLeft(after, " \t"))
					break
				}
				args = append(args, "--"+g.Name)
			}
			if f == nil {
				continue
			}
		default:
			f = fs.Lookup(name)
		}
		if err := notBoolean(fs, strings.TrimPrefix(name, "--")); f == nil && err != nil {
			return nil, fail(exitUsage, "%s:%d: %v", file, n+1, err)
		}
		if f == nil {
			return nil, fail(exitUsage, "%s:%d: unknown flag %q", file, n+1, name)
		}
		if f.NoOptDefVal != "" { // a flag without a value
			args = append(args, "--"+f.Name)
			continue
		}
		value, err := configValue(rest)
		if err != nil {
			return nil, fail(exitUsage, "%s:%d: %v", file, n+1, err)
		}
		if f.Name == "config" {
			more, err := expandArgs([]string{"--config", value}, stdin, depth)
			if err != nil {
				return nil, err
			}
			args = append(args, more...)
			continue
		}
		arg := "--" + f.Name + "=" + value
		// A value that no command line could take is reported here,
		// where its file and line are known.
		if _, err := parseArgs([]string{arg, "url"}); err != nil {
			return nil, fail(exitUsage, "%s:%d: %v", file, n+1, err)
		}
		args = append(args, arg)
	}
	return args, nil
}

// configValue returns a config line's value: the rest of the line, with no
// space or tab in it, or in double quotes with backslash escapes.
func configValue(s string) (string, error) {
	if !strings.HasPrefix(s, `"`) {
		if strings.ContainsAny(s, " \t") {
			// curl warns and takes the first word, which is seldom meant.
			return "", fmt.Errorf("value %q has a space or tab outside quotes: put it in double quotes", s)
		}
		return s, nil
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), nil
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 'v':
				b.WriteByte('\v')
			default:
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("unterminated quoted value %s", s)
}
