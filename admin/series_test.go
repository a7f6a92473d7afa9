package admin

import (
	"math"
	"testing"
	"time"
)

func TestLatencyBuckets(t *testing.T) {
	prev := time.Duration(0)
	for b := range numLatencyBuckets {
		mid := bucketMiddle(b)
		if mid <= prev {
			t.Fatalf("bucket %d middle %v not above %v", b, mid, prev)
		}
		prev = mid
	}
	for _, d := range []time.Duration{time.Microsecond, 1999 * time.Nanosecond, 19500 * time.Nanosecond, 137 * time.Microsecond, 3 * time.Millisecond, 2 * time.Second, 3000738801, 10 * time.Minute, 70 * time.Minute} {
		b := latencyBucket(d)
		if mid := bucketMiddle(b); math.Abs(float64(mid-d)) > 0.045*float64(d) {
			t.Errorf("%v falls in bucket %d, whose middle %v is more than 4.5%% away", d, b, mid)
		}
	}
	if b := latencyBucket(2 * time.Hour); b != numLatencyBuckets-1 {
		t.Errorf("two hours fall in bucket %d", b)
	}
}

func TestSeriesWindowAndPoints(t *testing.T) {
	var s series
	now := time.Unix(1_000_000, 0)
	for i := range 100 {
		d := time.Millisecond
		if i == 99 {
			d = time.Second
		}
		s.observe(now.Add(-2*time.Second), d, i == 99)
	}
	s.observe(now.Add(-400*time.Second), time.Hour, false) // too old: overwritten or out of window

	w := s.window(now, 60)
	if w.Count != 100 {
		t.Fatalf("count %d, want 100", w.Count)
	}
	if w.P50 < 0.955 || w.P50 > 1.045 || w.P99 < 0.955 || w.P99 > 1.045 || w.P999 < 955 || w.P999 > 1045 {
		t.Errorf("window %+v", w)
	}
	pts := s.points(now, 5)
	if len(pts) != 5 || pts[len(pts)-1].Unix != now.Unix()-1 {
		t.Fatalf("points %+v", pts)
	}
	if p := pts[3]; p.Unix != now.Unix()-2 || p.Requests != 100 || p.Errors != 1 {
		t.Errorf("point two seconds ago %+v", p)
	}
	if empty := (Latency{WindowSeconds: 60}); s.window(now.Add(time.Hour), 60) != empty {
		t.Errorf("an hour later the window is not empty")
	}
}
