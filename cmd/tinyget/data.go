package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
)

// readData returns the request body from the data flags, as curl builds it:
// the values joined with "&", where "@FILE" is replaced by the file's
// contents and "@-" by stdin's; -d removes CR and LF from those, and
// --data-binary keeps them. --data-raw values are taken as they are. Its
// errors are *exitError with exitReadError.
func readData(values []dataArg, stdin io.Reader) ([]byte, error) {
	var body []byte
	for i, v := range values {
		if i > 0 && v.mode != dataJSON {
			body = append(body, '&')
		}
		if v.mode == dataURLEncode {
			b, err := urlEncodeData(v.value, stdin)
			if err != nil {
				return nil, err
			}
			body = append(body, b...)
			continue
		}
		name, ok := strings.CutPrefix(v.value, "@")
		if !ok || v.mode == dataRaw {
			body = append(body, v.value...)
			continue
		}
		b, err := readSource(name, stdin)
		if err != nil {
			return nil, fail(exitReadError, "Failed to open/read local data from file/application: %v", err)
		}
		if v.mode == dataBinary || v.mode == dataJSON {
			body = append(body, b...)
		} else {
			body = appendWithoutNewlines(body, b)
		}
	}
	return body, nil
}

// urlEncodeData returns a --data-urlencode value as curl sends it:
// "CONTENT" and "=CONTENT" give CONTENT percent-encoded, "NAME=CONTENT"
// gives NAME=, then CONTENT percent-encoded, "@FILE" and "NAME@FILE" the
// same with FILE's contents ("-": stdin). As in curl, an "=" anywhere
// makes the value NAME=CONTENT, and an "@" counts only without one.
func urlEncodeData(v string, stdin io.Reader) ([]byte, error) {
	eq, at := strings.IndexByte(v, '='), strings.IndexByte(v, '@')
	var prefix, content string
	switch {
	case eq < 0 && at >= 0:
		b, err := readSource(v[at+1:], stdin)
		if err != nil {
			return nil, fail(exitReadError, "Failed to open/read local data from file/application: %v", err)
		}
		prefix, content = v[:at], string(b)
	case eq >= 0:
		prefix, content = v[:eq], v[eq+1:]
	default:
		content = v
	}
	var out []byte
	if prefix != "" {
		out = append(append(out, prefix...), '=')
	}
	return appendFormEscaped(out, content), nil
}

// appendFormEscaped appends s percent-encoded as curl's --data-urlencode
// does: letters, digits and -._~ as they are, a space as +, every other
// byte as %XX.
func appendFormEscaped(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

// loadUpload returns the body of -T name: a regular file, kept open and
// streamed, of the size it has now; stdin ("-") and other files (a FIFO,
// /dev/stdin, and files that say they are empty, as /proc's do) read into
// memory, since they can be read only once or their size is known only at
// their end.
func loadUpload(name string, stdin io.Reader) (requestBody, error) {
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return requestBody{}, err
		}
		info, err := f.Stat()
		if err != nil {
			f.Close()
			return requestBody{}, err
		}
		if info.Mode().IsRegular() && info.Size() > 0 {
			return requestBody{file: f, size: info.Size()}, nil
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		return inMemory(data), err
	}
	data, err := readSource(name, stdin)
	return inMemory(data), err
}

// readSource reads the file name, or stdin if name is "-".
func readSource(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}

// appendWithoutNewlines appends b to dst without its CR and LF bytes.
func appendWithoutNewlines(dst, b []byte) []byte {
	for len(b) > 0 {
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:i]...)
		b = b[i+1:]
	}
	return dst
}

// readWriteOut returns the -w format: the value itself, or the contents of
// the file it names after "@" ("@-": stdin) without their CR and LF bytes,
// as curl reads it: a format file spells its line ends as \n. Its errors
// are *exitError with exitReadError.
func readWriteOut(value string, stdin io.Reader) (string, error) {
	name, ok := strings.CutPrefix(value, "@")
	if !ok {
		return value, nil
	}
	b, err := readSource(name, stdin)
	if err != nil {
		return "", fail(exitReadError, "Failed to read the -w format: %v", err)
	}
	return string(appendWithoutNewlines(nil, b)), nil
}

// maxHeaderFile bounds the size of an -H @FILE, far above any request
// head a server takes.
const maxHeaderFile = 1 << 20

// readHeaders returns the -H values with each @FILE ("@-": stdin) replaced
// by the lines of the file, as curl reads them: one header a line, its
// line end (LF or CRLF) dropped, empty lines skipped. Its errors are
// *exitError: exitReadError for a file that cannot be read or is larger
// than maxHeaderFile, exitUsage for "@-" when another flag has read stdin.
func readHeaders(values []string, stdin *sharedStdin) ([]string, error) {
	var out []string
	for _, v := range values {
		name, ok := strings.CutPrefix(v, "@")
		if !ok {
			out = append(out, v)
			continue
		}
		if name == "-" && stdin.read {
			return nil, fail(exitUsage, "-H @-: stdin is read already, by -K -, -d @-, -T -, -w @- or another -H @-; give the headers in a file")
		}
		var r io.Reader = stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return nil, fail(exitReadError, "Failed to read the -H file %s: %v", name, unwrapPath(err))
			}
			defer f.Close()
			r = f
		}
		b, err := io.ReadAll(io.LimitReader(r, maxHeaderFile+1))
		if err == nil && len(b) > maxHeaderFile {
			err = fmt.Errorf("larger than %d bytes", maxHeaderFile)
		}
		if err != nil {
			return nil, fail(exitReadError, "Failed to read the -H file %s: %v", name, unwrapPath(err))
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSuffix(line, "\r"); line != "" {
				out = append(out, line)
			}
		}
	}
	return out, nil
}

// sharedStdin is stdin, noting whether a flag has read it: a flag that
// reads it after another gets nothing.
type sharedStdin struct {
	r    io.Reader
	read bool
}

func (s *sharedStdin) Read(p []byte) (int, error) {
	s.read = true
	return s.r.Read(p)
}
