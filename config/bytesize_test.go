package config

import (
	"strconv"
	"strings"
	"testing"
)

func TestByteSizeUnmarshalText(t *testing.T) {
	tests := []struct {
		in   string
		want ByteSize
	}{
		{"0", 0},
		{"1000", 1000},
		{"1048576", MiB},
		{"512B", 512},
		{"512 b", 512},
		{"64KiB", 64 * KiB},
		{"64 KiB", 64 * KiB},
		{"64kib", 64 * KiB},
		{"1MiB", MiB},
		{"1MIB", MiB},
		{"3GiB", 3 * GiB},
		{" 2KiB\n", 2 * KiB},
		{"8589934591GiB", 8589934591 * GiB},
		{"9223372036854775807", maxByteSize},
	}
	for _, tt := range tests {
		var b ByteSize
		if err := b.UnmarshalText([]byte(tt.in)); err != nil || b != tt.want {
			t.Errorf("UnmarshalText(%q) = %d, %v; want %d", tt.in, b, err, tt.want)
		}
	}
}

func TestByteSizeUnmarshalTextErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"", "empty value"},
		{"   ", "empty value"},
		{"-1", "must not be negative"},
		{"-1KiB", "must not be negative"},
		{"1.5MiB", "fractions are not allowed"},
		{"1.0", "fractions are not allowed"},
		{"MiB", "want a whole number of bytes"},
		{"+5", "want a whole number of bytes"},
		{"lots", "want a whole number of bytes"},
		{"1_000", `unknown unit "_000"`},
		{"0x10", `unknown unit "x10"`},
		{"1TiB", `unknown unit "TiB"`},
		{"1  KiB", `unknown unit "  KiB"`},
		{"1KB", `ambiguous unit "KB"; write KiB for binary multiples (1KiB = 1024 bytes)`},
		{"1kb", `ambiguous unit "kb"; write KiB`},
		{"1 K", `ambiguous unit "K"; write KiB`},
		{"1M", `ambiguous unit "M"; write MiB`},
		{"1MB", `ambiguous unit "MB"; write MiB`},
		{"1G", `ambiguous unit "G"; write GiB`},
		{"1gb", `ambiguous unit "gb"; write GiB`},
		{"9223372036854775808", "too large"},
		{"8589934592GiB", "too large"},
		{"99999999999999999999999KiB", "too large"},
	}
	for _, tt := range tests {
		var b ByteSize = 7
		err := b.UnmarshalText([]byte(tt.in))
		if err == nil {
			t.Errorf("UnmarshalText(%q) = %d, want an error", tt.in, b)
			continue
		}
		prefix := "config: invalid byte size " + strconv.Quote(tt.in) + ": " + tt.reason
		if !strings.HasPrefix(err.Error(), prefix) {
			t.Errorf("UnmarshalText(%q) error = %q, want %q", tt.in, err, prefix)
		}
		if b != 7 {
			t.Errorf("UnmarshalText(%q) changed the value to %d on error", tt.in, b)
		}
	}
}

func TestByteSizeString(t *testing.T) {
	tests := []struct {
		in   ByteSize
		want string
	}{
		{0, "0"},
		{1, "1"},
		{1000, "1000"},
		{KiB, "1KiB"},
		{64 * KiB, "64KiB"},
		{1536 * KiB, "1536KiB"},
		{MiB, "1MiB"},
		{1024 * MiB, "1GiB"},
		{GiB + 1, "1073741825"},
		{-2 * KiB, "-2KiB"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("ByteSize(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
		if tt.in < 0 {
			continue
		}
		var back ByteSize
		if err := back.UnmarshalText([]byte(tt.want)); err != nil || back != tt.in {
			t.Errorf("round trip of %q = %d, %v", tt.want, back, err)
		}
	}
}
