package config

import (
	"fmt"
	"strconv"
	"strings"
)

// ByteSize is a number of bytes, written in settings as a plain number or
// with a binary unit: "1048576", "1024KiB", "1 MiB".
type ByteSize int64

// Binary units, the only ones ByteSize accepts besides plain bytes.
const (
	KiB ByteSize = 1 << 10
	MiB ByteSize = 1 << 20
	GiB ByteSize = 1 << 30
)

// byteUnits are the accepted units, keyed by their lower-case spelling.
var byteUnits = map[string]ByteSize{"": 1, "b": 1, "kib": KiB, "mib": MiB, "gib": GiB}

// ambiguousUnits are rejected because readers disagree on whether they mean
// powers of 1000 or 1024; the value is the unit to write instead.
var ambiguousUnits = map[string]string{
	"k": "KiB", "kb": "KiB",
	"m": "MiB", "mb": "MiB",
	"g": "GiB", "gb": "GiB",
}

// byteSizeError says why a byte size did not parse.
type byteSizeError struct {
	input  string
	reason string
}

func (e *byteSizeError) Error() string {
	return fmt.Sprintf("config: invalid byte size %q: %s", e.input, e.reason)
}

// UnmarshalText parses a byte size: a whole, non-negative number of bytes,
// optionally followed by B, KiB, MiB or GiB (any case, optionally after a
// space). K, KB, M, MB, G and GB are rejected as ambiguous.
func (b *ByteSize) UnmarshalText(text []byte) error {
	n, reason := parseByteSize(strings.TrimSpace(string(text)))
	if reason != "" {
		return &byteSizeError{input: string(text), reason: reason}
	}
	*b = n
	return nil
}

// parseByteSize returns the size written in s, or the reason it is not one.
func parseByteSize(s string) (ByteSize, string) {
	const want = "want a whole number of bytes, optionally with a unit: B, KiB, MiB or GiB"
	if s == "" {
		return 0, "empty value; " + want
	}
	if s[0] == '-' {
		return 0, "must not be negative"
	}
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	if digits == 0 {
		return 0, want
	}
	number, rest := s[:digits], s[digits:]
	if rest != "" && rest[0] == '.' {
		return 0, "fractions are not allowed; use a smaller unit"
	}
	unit := strings.ToLower(strings.TrimPrefix(rest, " "))
	if better, ok := ambiguousUnits[unit]; ok {
		return 0, fmt.Sprintf("ambiguous unit %q; write %s for binary multiples (1%s = %d bytes)",
			strings.TrimPrefix(rest, " "), better, better, byteUnits[strings.ToLower(better)])
	}
	scale, ok := byteUnits[unit]
	if !ok {
		return 0, fmt.Sprintf("unknown unit %q; %s", rest, want)
	}
	n, err := strconv.ParseInt(number, 10, 64)
	if err != nil || n > int64(maxByteSize/scale) {
		return 0, "too large"
	}
	return ByteSize(n) * scale, ""
}

// maxByteSize is the largest ByteSize.
const maxByteSize = ByteSize(1<<63 - 1)

// String returns the shortest exact spelling of b that UnmarshalText
// accepts, such as "1MiB", "64KiB" or "1000".
func (b ByteSize) String() string {
	for _, u := range []struct {
		size ByteSize
		name string
	}{{GiB, "GiB"}, {MiB, "MiB"}, {KiB, "KiB"}} {
		if b != 0 && b%u.size == 0 {
			return strconv.FormatInt(int64(b/u.size), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(b), 10)
}
