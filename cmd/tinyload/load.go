package main

import (
	"context"
	"errors"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// maxShards bounds the tallies that workers share; see shard.
const maxShards = 16

// loader runs the phases of a load: the same workers, targets and requests
// for the warm-up and the measured phase.
type loader struct {
	opts    *options
	targets []target
	reqs    []*client.Request // one per target
	clients []*client.Client  // one per source address; workers take them in turn
	// byTarget holds, for each source address, its client for each
	// target: with -tls, one whose configuration names the target's host.
	byTarget [][]*client.Client
	note     string     // why fewer sources than asked for are used, if so
	hs       handshakes // with -tls
}

// phase is what one phase measured.
type phase struct {
	tally   *tally
	elapsed time.Duration
	cpu     cpuTime // the process's CPU time during the phase
	// unstarted counts, in an open loop, the scheduled exchanges that no
	// worker had started when the phase's time was up: they are not run.
	unstarted int64
}

// run runs one phase of length d, or of n exchanges if n > 0, whichever
// ends first. onStart, if not nil, is called with the phase's shards once
// the workers start, for the progress line.
func (l *loader) run(ctx context.Context, d time.Duration, n int64, onStart func(shards, time.Time)) phase {
	c := l.opts.concurrency
	sh := newShards(min(c, maxShards))
	var issued atomic.Int64
	var wg sync.WaitGroup
	cpu0 := processCPU()
	start := time.Now()
	sched := schedule{start: start, rate: l.opts.rate, length: d, limit: n}
	for i := range c {
		w := &worker{l: l, shard: &sh[i%len(sh)], buf: make([]byte, l.opts.readBuf), next: i % len(l.targets), clients: l.byTarget[i%len(l.clients)]}
		wg.Go(func() {
			if l.opts.rate > 0 {
				w.openLoop(ctx, sched, &issued)
			} else {
				w.closedLoop(ctx, start.Add(d), n, &issued)
			}
		})
	}
	if onStart != nil {
		onStart(sh, start)
	}
	wg.Wait()
	p := phase{tally: sh.total(), elapsed: time.Since(start), cpu: processCPU().sub(cpu0)}
	if l.opts.rate > 0 && ctx.Err() == nil {
		p.unstarted = max(sched.count()-p.tally.exchanges(), 0)
	}
	return p
}

// worker runs exchanges one after another.
type worker struct {
	l       *loader
	shard   *shard
	buf     []byte // reply bodies are read into it and dropped
	next    int    // index of the next target
	timer   *time.Timer
	clients []*client.Client // one per target
}

// closedLoop starts an exchange as soon as the last one ended, until end
// or until n exchanges were started by all workers together (n > 0).
func (w *worker) closedLoop(ctx context.Context, end time.Time, n int64, issued *atomic.Int64) {
	for ctx.Err() == nil {
		if n > 0 && issued.Add(1) > n {
			return
		}
		start := time.Now()
		if !start.Before(end) {
			return
		}
		r := w.exchange(ctx, start)
		w.shard.add(&r)
	}
}

// openLoop takes the next exchange of the schedule, waits for its start
// time, runs it and charges it from its scheduled start; it stops at the
// end of the schedule, or when the phase's time is up, so that a server
// that falls behind cannot stretch the run: the exchanges still due then
// are not run (phase.unstarted). A worker that finds its exchange already
// due starts it at once: the lag, the wait for a free worker, is part of
// the latency.
func (w *worker) openLoop(ctx context.Context, s schedule, issued *atomic.Int64) {
	end := s.start.Add(s.length)
	for {
		i := issued.Add(1) - 1
		at, ok := s.at(i)
		if !ok || !w.sleepUntil(ctx, at) {
			return
		}
		start := time.Now()
		if !start.Before(end) {
			return
		}
		r := w.exchange(ctx, start)
		r.fromSchedule(at, start)
		w.shard.add(&r)
	}
}

// fromSchedule charges an open-loop exchange that was due at at and started
// at start: its lag is the wait for a free worker, and its latency runs
// from at, so that a server that stalls is charged for every exchange it
// delayed, not only the one it was serving.
func (r *result) fromSchedule(at, start time.Time) {
	r.lag = max(start.Sub(at), 0)
	r.latency += r.lag
}

// sleepUntil waits until t, and reports false if ctx ended first.
func (w *worker) sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	if w.timer == nil {
		w.timer = time.NewTimer(d)
	} else {
		w.timer.Reset(d)
	}
	select {
	case <-w.timer.C:
		return true
	case <-ctx.Done():
		w.timer.Stop()
		return false
	}
}

// exchange runs one exchange with the next target, started at start, and
// reads the reply's body to its end.
func (w *worker) exchange(ctx context.Context, start time.Time) result {
	i := w.next
	w.next = (w.next + 1) % len(w.l.targets)
	t, req := &w.l.targets[i], w.l.reqs[i]
	ctx, cancel := context.WithDeadline(ctx, start.Add(w.l.opts.timeout))
	defer cancel()
	var r result
	resp, err := w.clients[i].Do(ctx, t.addr, req)
	if err != nil {
		r.class, r.err = classify(err), err
		if r.class != classConnect {
			r.bytesOut = requestSize(req)
		}
		r.latency = time.Since(start)
		return r
	}
	r.bytesOut = requestSize(req)
	r.status = resp.StatusCode
	r.bytesIn = int64(len(resp.RawHeader))
	for {
		n, err := resp.Body.Read(w.buf)
		r.bytesIn += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			r.class, r.err = classify(err), err
			break
		}
	}
	resp.Body.Close()
	r.latency = time.Since(start)
	if r.class == classOK && w.l.opts.status != 0 && r.status != w.l.opts.status {
		r.class = classBadStatus
		r.err = errors.New("status " + resp.Status)
	}
	return r
}

// requestSize is the number of bytes req puts on the wire.
func requestSize(req *client.Request) int64 {
	n := len(req.Method) + 1 + len(req.Target) + len(" HTTP/1.0\r\n") + 2 + len(req.Body)
	for _, h := range req.Header {
		n += len(h.Name) + 2 + len(h.Value) + 2
	}
	return int64(n)
}

// schedule spaces the exchanges of an open-loop phase evenly: exchange i
// is due i/rate seconds after start. Exchanges due at or after start+length,
// and those beyond limit (when limit > 0), are not run.
type schedule struct {
	start  time.Time
	rate   float64 // per second, > 0
	length time.Duration
	limit  int64
}

// offset is how long after the start exchange i is due. It is computed
// from i, not by adding intervals, so rounding does not accumulate.
func (s schedule) offset(i int64) time.Duration {
	return time.Duration(math.Round(float64(i) * float64(time.Second) / s.rate))
}

// at returns when exchange i is due, and false if it is not to be run.
func (s schedule) at(i int64) (time.Time, bool) {
	if s.limit > 0 && i >= s.limit {
		return time.Time{}, false
	}
	off := s.offset(i)
	if off >= s.length {
		return time.Time{}, false
	}
	return s.start.Add(off), true
}

// count is the number of exchanges the schedule runs.
func (s schedule) count() int64 {
	n := int64(math.Ceil(s.length.Seconds() * s.rate))
	for n > 0 && s.offset(n-1) >= s.length {
		n--
	}
	for s.offset(n) < s.length {
		n++
	}
	if s.limit > 0 {
		n = min(n, s.limit)
	}
	return n
}
