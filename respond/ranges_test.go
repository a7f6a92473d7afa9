package respond

import (
	"strings"
	"testing"
	"time"
)

func TestParseRange(t *testing.T) {
	tests := []struct {
		h       string
		size    int64
		want    byteRange
		outcome rangeOutcome
	}{
		{"bytes=0-0", 10, byteRange{0, 1}, rangeOne},
		{"bytes=2-5", 10, byteRange{2, 4}, rangeOne},
		{"bytes=2-", 10, byteRange{2, 8}, rangeOne},
		{"bytes=2-100", 10, byteRange{2, 8}, rangeOne},
		{"bytes=9-9", 10, byteRange{9, 1}, rangeOne},
		{"bytes=-3", 10, byteRange{7, 3}, rangeOne},
		{"bytes=-30", 10, byteRange{0, 10}, rangeOne},
		{"BYTES = 1-2", 10, byteRange{1, 2}, rangeOne},
		{"bytes= 1-2 ,", 10, byteRange{1, 2}, rangeOne},
		{"bytes=0-9223372036854775807", 10, byteRange{0, 10}, rangeOne},
		{"bytes=10-", 10, byteRange{}, rangeUnsatisfiable},
		{"bytes=10-20", 10, byteRange{}, rangeUnsatisfiable},
		{"bytes=-0", 10, byteRange{}, rangeUnsatisfiable},
		{"bytes=0-", 0, byteRange{}, rangeUnsatisfiable},
		{"bytes=-1", 0, byteRange{}, rangeUnsatisfiable},
		{"bytes=0-1,3-4", 10, byteRange{}, rangeWhole},
		{"bytes=0-1,20-30", 10, byteRange{}, rangeWhole},
		{"bytes=5-2", 10, byteRange{}, rangeWhole},
		{"bytes=-", 10, byteRange{}, rangeWhole},
		{"bytes=", 10, byteRange{}, rangeWhole},
		{"bytes=,", 10, byteRange{}, rangeWhole},
		{"bytes=a-b", 10, byteRange{}, rangeWhole},
		{"bytes=+1-2", 10, byteRange{}, rangeWhole},
		{"bytes=1-+2", 10, byteRange{}, rangeWhole},
		{"bytes=1 - 2", 10, byteRange{}, rangeWhole},
		{"bytes=99999999999999999999-", 10, byteRange{}, rangeWhole},
		{"items=0-1", 10, byteRange{}, rangeWhole},
		{"0-1", 10, byteRange{}, rangeWhole},
		{"", 10, byteRange{}, rangeWhole},
		{"bytes=0-1" + strings.Repeat(" ", maxRangeHeader), 10, byteRange{}, rangeWhole},
	}
	for _, tt := range tests {
		got, outcome := parseRange(tt.h, tt.size)
		if got != tt.want || outcome != tt.outcome {
			t.Errorf("parseRange(%q, %d) = %v, %d; want %v, %d", tt.h, tt.size, got, outcome, tt.want, tt.outcome)
		}
	}
}

// FuzzParseRange checks that every range parseRange accepts lies inside
// the file and is not empty.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-0", "bytes=2-", "bytes=-3", "bytes=5-2", "bytes=0-1,2-3", "bytes=-0", "bytes= 1-2 ,"} {
		f.Add(s, int64(10))
	}
	f.Add("bytes=0-", int64(0))
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			size = -size
		}
		if size < 0 {
			return
		}
		r, outcome := parseRange(h, size)
		switch outcome {
		case rangeOne:
			if r.Start < 0 || r.Length <= 0 || r.Start+r.Length > size || r.Start+r.Length < r.Start {
				t.Fatalf("parseRange(%q, %d) = %+v, outside the file", h, size, r)
			}
		case rangeWhole, rangeUnsatisfiable:
			if r != (byteRange{}) {
				t.Fatalf("parseRange(%q, %d) = %+v with outcome %d", h, size, r, outcome)
			}
		default:
			t.Fatalf("outcome %d", outcome)
		}
	})
}

func TestAcceptsGzip(t *testing.T) {
	for ae, want := range map[string]bool{
		"gzip": true, "GZIP": true, "x-gzip": true, "deflate, gzip;q=0.5": true, "br, *": true,
		"gzip;q=0": false, "gzip; q=0.000": false, "*;q=0": false, "gzip;q=0, *": false, "identity": false,
		"": false, "br": false, "gzip;q=2": false, "gzip;q=x": false, "*, gzip;q=0": false,
	} {
		if got := acceptsGzip(ae); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", ae, got, want)
		}
	}
}

func TestFileValidators(t *testing.T) {
	for _, mtime := range []time.Time{{}, time.Unix(0, 0), time.Unix(-5, 0)} {
		if v := fileValidators(mtime, 10); v != (validators{}) {
			t.Errorf("a file modified at %v has validators %+v; want none", mtime, v)
		}
	}
	v := fileValidators(time.Unix(1, 999_999_999), 10)
	if v.etag != `"1-a"` || v.lastModified != "Thu, 01 Jan 1970 00:00:01 GMT" || !v.mtime.Equal(time.Unix(1, 0)) {
		t.Errorf("validators %+v; want those of the second 1 and 10 bytes", v)
	}
}
