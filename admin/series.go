package admin

import (
	"math"
	"sync"
	"time"
)

// seriesSeconds is how much history the per-second series keeps.
const seriesSeconds = 300

// latencyBuckets split durations from 1µs to 2^32µs (71 minutes), eight
// buckets per doubling. A percentile is reported as the geometric middle of
// the bucket it falls in, so it is within 2^(1/16), 4.4%, of the true value
// in that range.
const (
	bucketsPerDoubling = 8
	numLatencyBuckets  = 32 * bucketsPerDoubling
)

// second holds what happened in one second of wall time.
type second struct {
	unix     int64
	requests uint32
	errors   uint32 // replies of 500 and up, and exchanges without a reply
	latency  [numLatencyBuckets]uint32
}

// series is a ring of the last seriesSeconds seconds, for the dashboard's
// charts and the status API's recent percentiles.
type series struct {
	mu   sync.Mutex
	secs [seriesSeconds]second
}

func latencyBucket(d time.Duration) int {
	us := float64(d) / float64(time.Microsecond)
	if us < 1 {
		return 0
	}
	b := int(math.Log2(us) * bucketsPerDoubling)
	return min(b, numLatencyBuckets-1)
}

// bucketMiddle is the geometric middle of a latency bucket, which stands
// for the durations in it.
func bucketMiddle(b int) time.Duration {
	return time.Duration(math.Exp2((float64(b)+0.5)/bucketsPerDoubling) * float64(time.Microsecond))
}

func (s *series) observe(now time.Time, d time.Duration, failed bool) {
	sec := now.Unix()
	b := latencyBucket(d)
	s.mu.Lock()
	slot := &s.secs[sec%seriesSeconds]
	if slot.unix != sec {
		*slot = second{unix: sec}
	}
	slot.requests++
	if failed {
		slot.errors++
	}
	slot.latency[b]++
	s.mu.Unlock()
}

// Point is one second of the series.
type Point struct {
	Unix     int64   `json:"t"`
	Requests uint32  `json:"requests"`
	Errors   uint32  `json:"errors"`
	P50      float64 `json:"p50_ms"`
	P99      float64 `json:"p99_ms"`
}

// points returns the last n whole seconds before now, oldest first, with
// zeros for seconds without exchanges.
func (s *series) points(now time.Time, n int) []Point {
	n = min(n, seriesSeconds-1)
	end := now.Unix() // the current second is still filling
	pts := make([]Point, 0, n)
	s.mu.Lock()
	defer s.mu.Unlock()
	for sec := end - int64(n); sec < end; sec++ {
		p := Point{Unix: sec}
		if slot := &s.secs[sec%seriesSeconds]; slot.unix == sec {
			p.Requests, p.Errors = slot.requests, slot.errors
			p.P50 = ms(percentile(&slot.latency, slot.requests, 0.50))
			p.P99 = ms(percentile(&slot.latency, slot.requests, 0.99))
		}
		pts = append(pts, p)
	}
	return pts
}

// Latency summarises the exchanges of a window.
type Latency struct {
	WindowSeconds int     `json:"window_seconds"`
	Count         uint64  `json:"count"`
	P50           float64 `json:"p50_ms"`
	P90           float64 `json:"p90_ms"`
	P99           float64 `json:"p99_ms"`
	P999          float64 `json:"p999_ms"`
}

// window merges the last n seconds, the current one included.
func (s *series) window(now time.Time, n int) Latency {
	var merged [numLatencyBuckets]uint32
	var count uint32
	end := now.Unix()
	s.mu.Lock()
	for sec := end - int64(n) + 1; sec <= end; sec++ {
		if slot := &s.secs[sec%seriesSeconds]; slot.unix == sec {
			count += slot.requests
			for i, c := range slot.latency {
				merged[i] += c
			}
		}
	}
	s.mu.Unlock()
	return Latency{
		WindowSeconds: n,
		Count:         uint64(count),
		P50:           ms(percentile(&merged, count, 0.50)),
		P90:           ms(percentile(&merged, count, 0.90)),
		P99:           ms(percentile(&merged, count, 0.99)),
		P999:          ms(percentile(&merged, count, 0.999)),
	}
}

// percentile returns the middle of the bucket holding quantile q of count
// observations, or 0 when there are none.
func percentile(buckets *[numLatencyBuckets]uint32, count uint32, q float64) time.Duration {
	if count == 0 {
		return 0
	}
	rank := uint32(math.Ceil(q * float64(count)))
	var seen uint32
	for i, c := range buckets {
		seen += c
		if seen >= rank {
			return bucketMiddle(i)
		}
	}
	return bucketMiddle(numLatencyBuckets - 1)
}

func ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*1000) / 1000
}
