package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want class
	}{
		{&client.Error{Kind: client.Connect, Err: syscall.ECONNREFUSED}, classConnect},
		{&client.Error{Kind: client.Resolve, Err: errors.New("no such host")}, classConnect},
		{&client.Error{Kind: client.Timeout, Err: os.ErrDeadlineExceeded}, classTimeout},
		{&client.Error{Kind: client.Reset, Err: syscall.ECONNRESET}, classReset},
		{&client.Error{Kind: client.Truncated, Err: io.ErrUnexpectedEOF}, classTruncated},
		{&client.Error{Kind: client.Empty, Err: io.EOF}, classEmpty},
		{&client.Error{Kind: client.Malformed, Err: errors.New("bad")}, classMalformed},
		{&client.Error{Kind: client.Canceled, Err: errors.New("canceled")}, classCanceled},
		{fmt.Errorf("wrapped: %w", os.ErrDeadlineExceeded), classTimeout},
		{syscall.EADDRNOTAVAIL, classConnect},
		{errors.New("something else"), classReset},
	}
	for _, tt := range tests {
		if got := classify(tt.err); got != tt.want {
			t.Errorf("classify(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestTallyPercentiles records a known distribution and checks the
// percentiles against it, within the histogram's three significant digits.
func TestTallyPercentiles(t *testing.T) {
	a, b := newTally(), newTally()
	for i := 1; i <= 10000; i++ {
		r := result{class: classOK, latency: time.Duration(i) * time.Microsecond, bytesIn: 10, bytesOut: 1}
		if i%2 == 0 {
			a.add(&r)
		} else {
			b.add(&r)
		}
	}
	a.add(&result{class: classReset, err: errors.New("first reset"), bytesOut: 1})
	b.add(&result{class: classReset, err: errors.New("second reset")})
	b.add(&result{class: classBadStatus, status: 503, err: errors.New("status 503")})
	a.merge(b)

	if n := a.exchanges(); n != 10003 {
		t.Errorf("exchanges %d, want 10003", n)
	}
	if a.counts[classOK] != 10000 || a.counts[classReset] != 2 || a.counts[classBadStatus] != 1 {
		t.Errorf("counts %v", a.counts)
	}
	if a.firstErr[classReset] != "first reset" || a.statusBad[503] != 1 {
		t.Errorf("first errors %q, bad statuses %v", a.firstErr, a.statusBad)
	}
	if a.bytesIn != 100000 || a.bytesOut != 10001 {
		t.Errorf("bytes in %d out %d", a.bytesIn, a.bytesOut)
	}
	for _, q := range []struct {
		p    float64
		want time.Duration
	}{{50, 5000 * time.Microsecond}, {90, 9000 * time.Microsecond}, {99, 9900 * time.Microsecond}, {99.9, 9990 * time.Microsecond}, {100, 10000 * time.Microsecond}} {
		got := time.Duration(a.hist.ValueAtPercentile(q.p))
		if d := got - q.want; d < -q.want/500 || d > q.want/500 {
			t.Errorf("p%g = %v, want %v within 0.2%%", q.p, got, q.want)
		}
	}
}

func TestTallyClampsOutOfRange(t *testing.T) {
	tl := newTally()
	tl.add(&result{class: classOK, latency: 0})
	tl.add(&result{class: classOK, latency: 2 * time.Hour})
	if n := tl.hist.TotalCount(); n != 2 {
		t.Fatalf("recorded %d, want 2: out-of-range latencies must be clamped, not dropped", n)
	}
	if max := time.Duration(tl.hist.Max()); max < 59*time.Minute {
		t.Errorf("max %v", max)
	}
}

func TestReport(t *testing.T) {
	tl := newTally()
	for i := 1; i <= 100; i++ {
		tl.add(&result{class: classOK, latency: time.Duration(i) * time.Millisecond, bytesIn: 100, bytesOut: 40})
	}
	tl.add(&result{class: classTruncated, err: errors.New("client: read body: unexpected EOF")})
	o := &options{concurrency: 4, warmup: time.Second, cork: true}
	p := phase{tally: tl, elapsed: 2 * time.Second, cpu: cpuTime{user: 101 * time.Millisecond, system: 202 * time.Millisecond}}
	tg, _ := parseURL("127.0.0.1:7070/hello")
	r := newReport(o, []target{tg}, 1, p, false)

	if r.Exchanges != 101 || r.OK != 100 || r.Errors != 1 || r.ErrorsByClass["truncated"] != 1 {
		t.Errorf("counts: %+v", r)
	}
	if r.ExchangesPerS != 50.5 || r.BytesIn != 10000 || r.BytesInPerS != 5000 {
		t.Errorf("rates: %v/s, %d bytes, %v B/s", r.ExchangesPerS, r.BytesIn, r.BytesInPerS)
	}
	if r.CPUPerExchange != 3000 {
		t.Errorf("CPU per exchange %v µs, want 3000", r.CPUPerExchange)
	}
	if r.Latency.P50 < 49.9 || r.Latency.P50 > 50.1 || r.Latency.Max < 99.9 || r.Latency.Max > 100.1 {
		t.Errorf("latency %+v", r.Latency)
	}

	var js bytes.Buffer
	if err := r.writeJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Exchanges != 101 || back.Latency.P999 != r.Latency.P999 || back.FirstErrors["truncated"] == "" {
		t.Errorf("JSON round trip: %s", js.String())
	}

	var text bytes.Buffer
	if err := r.writeText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"closed loop, 4 workers, after 1s warm-up",
		"target       127.0.0.1:7070/hello",
		"exchanges    101 in 2.00s: 50.5/s; 100 ok, 1 failed",
		"p50 50.0ms",
		"errors       truncated 1",
		"first truncated: client: read body",
		"client CPU   3000.0 µs per exchange (user 1000.0, system 2000.0)",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}

	o.cork = false
	text.Reset()
	if err := newReport(o, []target{tg}, 1, p, false).writeText(&text); err != nil {
		t.Fatal(err)
	}
	if want := "closed loop, 4 workers, requests uncorked, after 1s warm-up"; !strings.Contains(text.String(), want) {
		t.Errorf("text report lacks %q:\n%s", want, text.String())
	}
}

func TestSchedule(t *testing.T) {
	start := time.Unix(1000, 0)
	s := schedule{start: start, rate: 3, length: time.Second}
	// At 3 per second, exchanges are due at 0, 333.333333ms and 666.666667ms;
	// the next, at 1s, is past the length.
	wantOffsets := []time.Duration{0, 333333333, 666666667}
	for i, want := range wantOffsets {
		at, ok := s.at(int64(i))
		if !ok || at.Sub(start) != want {
			t.Errorf("exchange %d: due at +%v (%v), want +%v", i, at.Sub(start), ok, want)
		}
	}
	if _, ok := s.at(3); ok {
		t.Error("exchange 3 is due at the end and must not run")
	}
	if n := s.count(); n != 3 {
		t.Errorf("count %d, want 3", n)
	}
	// Offsets come from the index, so rounding does not drift.
	s = schedule{start: start, rate: 7, length: time.Hour}
	if off := s.offset(7 * 3600); off != time.Hour {
		t.Errorf("offset of exchange 25200 at 7/s: %v, want 1h", off)
	}
	if n := s.count(); n != 7*3600 {
		t.Errorf("count %d, want %d", n, 7*3600)
	}
	// A limit ends the schedule first.
	s = schedule{start: start, rate: 1000, length: time.Second, limit: 10}
	if _, ok := s.at(9); !ok {
		t.Error("exchange 9 of 10 must run")
	}
	if _, ok := s.at(10); ok {
		t.Error("exchange 10 is past the limit")
	}
	if n := s.count(); n != 10 {
		t.Errorf("count %d, want 10", n)
	}
	// Fractional rates: one every two seconds.
	s = schedule{start: start, rate: 0.5, length: 5 * time.Second}
	if n := s.count(); n != 3 {
		t.Errorf("count at 0.5/s over 5s: %d, want 3 (at 0, 2 and 4s)", n)
	}
}

// TestFromSchedule checks that an open-loop exchange is charged from the
// time it was due, so a late start counts in full.
func TestFromSchedule(t *testing.T) {
	at := time.Unix(1000, 0)
	r := result{latency: 2 * time.Millisecond} // service time, from its actual start
	r.fromSchedule(at, at.Add(30*time.Millisecond))
	if r.lag != 30*time.Millisecond || r.latency != 32*time.Millisecond {
		t.Errorf("lag %v latency %v, want 30ms and 32ms", r.lag, r.latency)
	}
	r = result{latency: 2 * time.Millisecond}
	r.fromSchedule(at, at.Add(-time.Microsecond)) // a timer that fired early
	if r.lag != 0 || r.latency != 2*time.Millisecond {
		t.Errorf("early start: lag %v latency %v", r.lag, r.latency)
	}
	tl := newTally()
	tl.add(&result{class: classOK, latency: time.Millisecond, lag: 500 * time.Microsecond})
	tl.add(&result{class: classOK, latency: 10 * time.Millisecond, lag: 5 * time.Millisecond})
	if tl.lagged != 1 || tl.maxLag != 5*time.Millisecond {
		t.Errorf("lagged %d, max lag %v; want 1 and 5ms", tl.lagged, tl.maxLag)
	}
}
