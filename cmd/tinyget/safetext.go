package main

import (
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
// progress meter uses), DEL, a C1 control (U+0080 to U+009F), a
// bidirectional control (U+202E shows what follows it backwards) and a
// byte that is not UTF-8 is written as a Go escape (\x1b, \u009b). Each
// Write should hold whole characters: a character split over two Writes
// is written as escapes.
type safeText struct{ w io.Writer }

// Write writes p to the underlying writer with its unsafe characters
// escaped, and reports len(p) when all of it was written.
func (s safeText) Write(p []byte) (int, error) {
	if isSafeText(p) {
		return s.w.Write(p)
	}
	out := make([]byte, 0, len(p)+16)
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = fmt.Appendf(out, `\x%02x`, p[i])
		case unsafeRune(r):
			if r < utf8.RuneSelf {
				out = fmt.Appendf(out, `\x%02x`, r)
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
		default:
			out = append(out, p[i:i+size]...)
		}
		i += size
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// isSafeText reports whether p can be written as it is: ASCII without
// unsafe controls, the common case, is checked byte by byte.
func isSafeText(p []byte) bool {
	for _, c := range p {
		if c >= utf8.RuneSelf {
			return utf8.Valid(p) && !hasUnsafeRune(p)
		}
		if unsafeRune(rune(c)) {
			return false
		}
	}
	return true
}

func hasUnsafeRune(p []byte) bool {
	for _, r := range string(p) {
		if unsafeRune(r) {
			return true
		}
	}
	return false
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
