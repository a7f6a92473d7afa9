package main

import (
	"bytes"
	"io"
	"os"
	"strings"
)

// readData returns the request body from the -d values, as curl builds it:
// the values joined with "&", where "@FILE" is replaced by the file's
// contents and "@-" by stdin's, with CR and LF removed from those. Its errors
// are *exitError with exitReadError.
func readData(values []string, stdin io.Reader) ([]byte, error) {
	var body []byte
	for i, v := range values {
		if i > 0 {
			body = append(body, '&')
		}
		name, ok := strings.CutPrefix(v, "@")
		if !ok {
			body = append(body, v...)
			continue
		}
		b, err := readSource(name, stdin)
		if err != nil {
			return nil, fail(exitReadError, "%v", err)
		}
		body = appendWithoutNewlines(body, b)
	}
	return body, nil
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
