package main

import (
	"errors"
	"sync"
	"syscall"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/tinyhttpd/tinyhttpd/client"
)

// class is how an exchange ended.
type class int

// The classes of exchange. Every exchange counts in exactly one.
const (
	classOK        class = iota
	classConnect         // the connect or TLS handshake failed: refused, no ports left, a certificate
	classTimeout         // the -timeout passed, at any step
	classReset           // reading the reply failed: reset by the server
	classTruncated       // the reply ended inside its header or short of its Content-Length
	classEmpty           // the server closed without a byte of reply
	classMalformed       // not an HTTP/1.x reply
	classBadStatus       // a complete reply with another status than -status
	classCanceled        // the run was interrupted during the exchange
	numClasses
)

var classNames = [numClasses]string{"ok", "connect", "timeout", "reset", "truncated", "empty", "malformed", "bad_status", "canceled"}

func (c class) String() string { return classNames[c] }

// classify maps an exchange's error from the client package to a class.
func classify(err error) class {
	switch client.KindOf(err) {
	case client.Resolve, client.Connect, client.TLSHandshake, client.TLSVerify, client.PinnedKey:
		return classConnect
	case client.Timeout:
		return classTimeout
	case client.Canceled:
		return classCanceled
	case client.Empty:
		return classEmpty
	case client.Truncated:
		return classTruncated
	case client.Malformed, client.HeaderTooLarge:
		return classMalformed
	case client.Reset:
		return classReset
	}
	var ne interface{ Timeout() bool }
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return classTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EADDRNOTAVAIL):
		return classConnect
	}
	return classReset
}

// Histogram range: latencies are recorded in nanoseconds with three
// significant digits, from 1 µs to an hour; longer ones count as an hour.
const (
	histLowest  = int64(time.Microsecond)
	histHighest = int64(time.Hour)
	histDigits  = 3
)

func newHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(histLowest, histHighest, histDigits)
}

// result is one exchange's outcome.
type result struct {
	class    class
	err      error
	latency  time.Duration
	status   int
	bytesIn  int64 // reply bytes read, header and body
	bytesOut int64 // request bytes written
	lag      time.Duration
}

// tally is the counts of a set of exchanges.
type tally struct {
	hist      *hdrhistogram.Histogram // latencies of the ok exchanges
	counts    [numClasses]int64
	firstErr  [numClasses]string
	bytesIn   int64
	bytesOut  int64
	lagged    int64         // open loop: exchanges started over lagLimit late
	maxLag    time.Duration // open loop: the latest start
	statusBad map[int]int64 // statuses counted as bad_status
}

// lagLimit is how late an open-loop exchange may start before the report
// counts it as lagging: the workers could not keep the schedule.
const lagLimit = time.Millisecond

func newTally() *tally { return &tally{hist: newHistogram()} }

func (t *tally) add(r *result) {
	t.counts[r.class]++
	t.bytesIn += r.bytesIn
	t.bytesOut += r.bytesOut
	if r.lag > lagLimit {
		t.lagged++
	}
	t.maxLag = max(t.maxLag, r.lag)
	if r.class == classOK {
		t.record(r.latency)
		return
	}
	if t.firstErr[r.class] == "" {
		if r.err != nil {
			t.firstErr[r.class] = r.err.Error()
		}
	}
	if r.class == classBadStatus {
		if t.statusBad == nil {
			t.statusBad = map[int]int64{}
		}
		t.statusBad[r.status]++
	}
}

// record adds a latency to the histogram, clamped to its range.
func (t *tally) record(d time.Duration) {
	v := min(max(int64(d), histLowest), histHighest)
	t.hist.RecordValue(v)
}

func (t *tally) merge(o *tally) {
	t.hist.Merge(o.hist)
	for i := range t.counts {
		t.counts[i] += o.counts[i]
		if t.firstErr[i] == "" {
			t.firstErr[i] = o.firstErr[i]
		}
	}
	t.bytesIn += o.bytesIn
	t.bytesOut += o.bytesOut
	t.lagged += o.lagged
	t.maxLag = max(t.maxLag, o.maxLag)
	for s, n := range o.statusBad {
		if t.statusBad == nil {
			t.statusBad = map[int]int64{}
		}
		t.statusBad[s] += n
	}
}

// exchanges is the number of exchanges counted, whatever their class.
func (t *tally) exchanges() int64 {
	var n int64
	for _, c := range t.counts {
		n += c
	}
	return n
}

// shard is a tally under a lock, shared by a few workers, so that neither
// one histogram per worker (memory, with thousands of workers) nor one for
// all (contention) is needed.
type shard struct {
	mu sync.Mutex
	t  *tally
	_  [40]byte // keeps neighbouring shards' locks off one cache line
}

func (s *shard) add(r *result) {
	s.mu.Lock()
	s.t.add(r)
	s.mu.Unlock()
}

// shards is the set of shards of one phase.
type shards []shard

func newShards(n int) shards {
	s := make(shards, n)
	for i := range s {
		s[i].t = newTally()
	}
	return s
}

// total merges the shards into a new tally.
func (s shards) total() *tally {
	t := newTally()
	for i := range s {
		s[i].mu.Lock()
		t.merge(s[i].t)
		s[i].mu.Unlock()
	}
	return t
}

// counts returns the exchanges done and failed so far, for the progress line.
func (s shards) counts() (done, failed int64) {
	for i := range s {
		s[i].mu.Lock()
		n := s[i].t.exchanges()
		done += n
		failed += n - s[i].t.counts[classOK]
		s[i].mu.Unlock()
	}
	return done, failed
}
