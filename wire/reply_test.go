package wire

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	want := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	for _, s := range []string{
		"Wed, 21 Oct 2015 07:28:00 GMT",
		"Wednesday, 21-Oct-15 07:28:00 GMT",
		"Wed Oct 21 07:28:00 2015",
	} {
		if got, err := ParseDate(s); err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "yesterday", "2015-10-21T07:28:00Z", "Wednesday, 21-Oct-15 07:28:00 PST", "Wed, 21 Oct 2015 07:28:00 PST"} {
		if got, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v; want an error", s, got)
		}
	}
}
