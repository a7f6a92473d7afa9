package main

import (
	"bytes"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"
)

// safeText is an io.Writer for what tinyget prints to stderr: its
// messages, -v's trace and the progress meter. Text there comes partly
// from the server (reply headers, a certificate's names, file names), and a
// terminal obeys the control characters in it: an escape sequence could
// retitle the window, rewrite what is on the screen or hide a warning. So
// every control character but tab, newline and carriage return (which the
// progress meter uses at the start of a Write; elsewhere only before a
// newline), DEL, a C1 control (U+0080 to U+009F), a
// bidirectional control (U+202E shows what follows it backwards) and a
// byte that is not UTF-8 is written as a Go escape (\x1b, \u009b). Each
// Write should hold whole characters: a character split over two Writes
// is written as escapes.
type safeText struct{ w io.Writer }

// Write writes p to the underlying writer with its unsafe characters
// escaped, and reports len(p) when all of it was written.
func (s safeText) Write(p []byte) (int, error) {
	var out []byte // nil until a character is escaped
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		var escaped []byte
		switch {
		case r == utf8.RuneError && size == 1:
			escaped = fmt.Appendf(nil, `\x%02x`, p[i])
		case r == '\r' && i > 0 && !bytes.HasPrefix(p[i+1:], []byte("\n")):
			// A carriage return inside a line would let what follows
			// overwrite it; the progress meter's starts its Write.
			escaped = []byte(`\r`)
		case unsafeRune(r) && r < utf8.RuneSelf:
			escaped = fmt.Appendf(nil, `\x%02x`, r)
		case unsafeRune(r):
			escaped = fmt.Appendf(nil, `\u%04x`, r)
		}
		switch {
		case escaped != nil:
			if out == nil {
				out = append(make([]byte, 0, len(p)+16), p[:i]...)
			}
			out = append(out, escaped...)
		case out != nil:
			out = append(out, p[i:i+size]...)
		}
		i += size
	}
	if out == nil {
		return s.w.Write(p)
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// unsafeRune reports whether a terminal may take r for part of a control
// sequence.
func unsafeRune(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return false
	case r < ' ', r == 0x7f:
		return true
	}
	return r >= 0x80 && r <= 0x9f || unicode.Is(unicode.Bidi_Control, r)
}
