package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/version"
)

// report is the outcome of a run, as printed in text or JSON.
type report struct {
	Version     string   `json:"version"`
	Mode        string   `json:"mode"` // "closed" or "open"
	Concurrency int      `json:"concurrency"`
	Sources     int      `json:"sources"`        // source addresses the workers connected from
	Corked      bool     `json:"corked"`         // half-closed requests left with their FIN (-cork)
	Rate        float64  `json:"rate,omitempty"` // scheduled exchanges per second, open loop
	Targets     []string `json:"targets"`
	WarmupS     float64  `json:"warmup_s"`
	ElapsedS    float64  `json:"elapsed_s"`
	Interrupted bool     `json:"interrupted,omitempty"`

	Exchanges     int64   `json:"exchanges"`
	OK            int64   `json:"ok"`
	Errors        int64   `json:"errors"`
	ExchangesPerS float64 `json:"exchanges_per_s"`

	// Latency of the ok exchanges, in milliseconds.
	Latency latency `json:"latency_ms"`

	ErrorsByClass map[string]int64  `json:"errors_by_class"`
	FirstErrors   map[string]string `json:"first_errors,omitempty"`
	BadStatuses   map[string]int64  `json:"bad_statuses,omitempty"`

	BytesIn        int64   `json:"bytes_in"`
	BytesOut       int64   `json:"bytes_out"`
	BytesInPerS    float64 `json:"bytes_in_per_s"`
	CPUUserS       float64 `json:"client_cpu_user_s"`
	CPUSystemS     float64 `json:"client_cpu_system_s"`
	CPUPerExchange float64 `json:"client_cpu_us_per_exchange"`

	// Open loop only: exchanges that started over 1 ms after their
	// scheduled time, because every worker was busy or the machine's
	// timers were late, and the latest start; and the exchanges scheduled
	// that had not started when the run's time was up, which are not run.
	Lagged    int64   `json:"lagged,omitempty"`
	MaxLagMS  float64 `json:"max_lag_ms,omitempty"`
	Unstarted int64   `json:"unstarted,omitempty"`
	// TLS describes the handshakes, with -tls.
	TLS *tlsReport `json:"tls,omitempty"`
}

// latency holds percentiles in milliseconds.
type latency struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99_9"`
	Max  float64 `json:"max"`
}

func ms(ns int64) float64 { return float64(ns) / 1e6 }

// newReport builds the report of a measured phase, run from the given
// number of source addresses.
func newReport(o *options, targets []target, sources int, p phase, interrupted bool) *report {
	t := p.tally
	r := &report{
		Version:       version.Release,
		Mode:          "closed",
		Concurrency:   o.concurrency,
		Sources:       sources,
		Corked:        o.cork,
		WarmupS:       o.warmup.Seconds(),
		ElapsedS:      p.elapsed.Seconds(),
		Interrupted:   interrupted,
		Exchanges:     t.exchanges(),
		OK:            t.counts[classOK],
		ErrorsByClass: map[string]int64{},
		BytesIn:       t.bytesIn,
		BytesOut:      t.bytesOut,
		CPUUserS:      p.cpu.user.Seconds(),
		CPUSystemS:    p.cpu.system.Seconds(),
	}
	if o.rate > 0 {
		r.Mode, r.Rate = "open", o.rate
		r.Lagged, r.MaxLagMS, r.Unstarted = t.lagged, ms(int64(t.maxLag)), p.unstarted
	}
	for _, tg := range targets {
		r.Targets = append(r.Targets, tg.url)
	}
	r.Errors = r.Exchanges - r.OK
	if p.elapsed > 0 {
		r.ExchangesPerS = float64(r.Exchanges) / p.elapsed.Seconds()
		r.BytesInPerS = float64(r.BytesIn) / p.elapsed.Seconds()
	}
	if r.Exchanges > 0 {
		r.CPUPerExchange = float64(p.cpu.total().Microseconds()) / float64(r.Exchanges)
	}
	if h := t.hist; h.TotalCount() > 0 {
		q := h.ValueAtPercentiles([]float64{50, 90, 99, 99.9})
		r.Latency = latency{
			Min: ms(h.Min()), Mean: h.Mean() / 1e6, Max: ms(h.Max()),
			P50: ms(q[50]), P90: ms(q[90]), P99: ms(q[99]), P999: ms(q[99.9]),
		}
	}
	for c := classOK + 1; c < numClasses; c++ {
		r.ErrorsByClass[c.String()] = t.counts[c]
		if t.firstErr[c] != "" {
			if r.FirstErrors == nil {
				r.FirstErrors = map[string]string{}
			}
			r.FirstErrors[c.String()] = t.firstErr[c]
		}
	}
	for s, n := range t.statusBad {
		if r.BadStatuses == nil {
			r.BadStatuses = map[string]int64{}
		}
		r.BadStatuses[strconv.Itoa(s)] = n
	}
	return r
}

func (r *report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeText prints the report for people.
func (r *report) writeText(w io.Writer) error {
	var b strings.Builder
	mode := fmt.Sprintf("closed loop, %d workers", r.Concurrency)
	if r.Mode == "open" {
		mode = fmt.Sprintf("open loop, %g/s scheduled, up to %d workers", r.Rate, r.Concurrency)
	}
	fmt.Fprintf(&b, "tinyload %s: %s", r.Version, mode)
	if r.Sources > 1 {
		fmt.Fprintf(&b, ", from %d source addresses", r.Sources)
	}
	if !r.Corked {
		b.WriteString(", requests uncorked")
	}
	if r.WarmupS > 0 {
		fmt.Fprintf(&b, ", after %s warm-up", time.Duration(r.WarmupS*1e9))
	}
	if r.Interrupted {
		b.WriteString(" (interrupted)")
	}
	b.WriteByte('\n')
	for _, t := range r.Targets {
		fmt.Fprintf(&b, "target       %s\n", t)
	}
	fmt.Fprintf(&b, "exchanges    %d in %.2fs: %.1f/s; %d ok, %d failed\n", r.Exchanges, r.ElapsedS, r.ExchangesPerS, r.OK, r.Errors)
	from := "connect"
	if r.Mode == "open" {
		from = "scheduled start"
	}
	if r.OK > 0 {
		l := r.Latency
		fmt.Fprintf(&b, "latency      p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (ok exchanges, %s to close)\n",
			fmtMS(l.P50), fmtMS(l.P90), fmtMS(l.P99), fmtMS(l.P999), fmtMS(l.Max), from)
	}
	if r.Mode == "open" {
		fmt.Fprintf(&b, "schedule     %d started over 1ms late, latest %s late", r.Lagged, fmtMS(r.MaxLagMS))
		switch {
		case r.Unstarted > 0:
			fmt.Fprintf(&b, "; %d more were due but not started when the time was up: the server, or %d workers, could not keep up (raise -c if every worker was waiting on a reply)", r.Unstarted, r.Concurrency)
		case r.Exchanges > 0 && r.Lagged*100 > r.Exchanges:
			b.WriteString(": late timers on a busy machine, or every worker waiting on a reply (then raise -c)")
		}
		b.WriteByte('\n')
	}
	b.WriteString("errors       ")
	if r.Errors == 0 {
		b.WriteString("none\n")
	} else {
		var parts []string
		for c := classOK + 1; c < numClasses; c++ {
			if n := r.ErrorsByClass[c.String()]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", c, n))
			}
		}
		b.WriteString(strings.Join(parts, ", ") + "\n")
		for c := classOK + 1; c < numClasses; c++ {
			if e := r.FirstErrors[c.String()]; e != "" {
				fmt.Fprintf(&b, "  first %s: %s\n", c, e)
			}
		}
		if len(r.BadStatuses) > 0 {
			var keys []string
			for k := range r.BadStatuses {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			b.WriteString("  bad statuses:")
			for _, k := range keys {
				fmt.Fprintf(&b, " %s×%d", k, r.BadStatuses[k])
			}
			b.WriteByte('\n')
		}
	}
	if t := r.TLS; t != nil {
		fmt.Fprintf(&b, "tls          %s %s; handshakes: %d full, %d resumed", t.Version, t.CipherSuite, t.Full, t.Resumed)
		if !t.Resume {
			b.WriteString(" (-resume=false)")
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "bytes        read %s (%s/s), written %s\n", fmtBytes(float64(r.BytesIn)), fmtBytes(r.BytesInPerS), fmtBytes(float64(r.BytesOut)))
	if r.Exchanges > 0 {
		n := float64(r.Exchanges)
		fmt.Fprintf(&b, "client CPU   %.1f µs per exchange (user %.1f, system %.1f)\n",
			r.CPUPerExchange, r.CPUUserS*1e6/n, r.CPUSystemS*1e6/n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fmtMS formats milliseconds with three significant digits.
func fmtMS(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0fms", v)
	case v >= 10:
		return fmt.Sprintf("%.1fms", v)
	case v >= 1:
		return fmt.Sprintf("%.2fms", v)
	}
	return fmt.Sprintf("%.3fms", v)
}

// fmtBytes formats a byte count in decimal units.
func fmtBytes(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.2f GB", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.2f MB", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.2f kB", v/1e3)
	}
	return fmt.Sprintf("%.0f B", v)
}
