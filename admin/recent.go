package admin

import (
	"strings"
	"sync"
	"time"

	"github.com/tinyhttpd/tinyhttpd/server"
)

// recent is a bounded ring of the most recent exchanges.
type recent struct {
	mu   sync.Mutex
	ring []server.Exchange
	next int
	full bool
}

func newRecent(size int) *recent { return &recent{ring: make([]server.Exchange, max(size, 1))} }

// maxRecentTarget bounds the bytes of a target the ring keeps, so that
// clients sending long targets cannot make the ring hold ADMIN_RECENT times
// MAX_REQUEST_BYTES.
const maxRecentTarget = 256

// add keeps e, its target cut to maxRecentTarget bytes and marked so.
func (r *recent) add(e *server.Exchange) {
	kept := *e
	if len(kept.Target) > maxRecentTarget {
		// A copy: a substring would keep the whole target alive.
		kept.Target = strings.Clone(kept.Target[:maxRecentTarget-len(cutMark)]) + cutMark
	}
	r.mu.Lock()
	r.ring[r.next] = kept
	r.next++
	if r.next == len(r.ring) {
		r.next, r.full = 0, true
	}
	r.mu.Unlock()
}

// Request is an exchange as the API shows it.
type Request struct {
	Start      time.Time `json:"start"`
	Remote     string    `json:"remote"`
	Method     string    `json:"method"`
	Target     string    `json:"target"`
	Route      string    `json:"route"`
	Status     int       `json:"status"`
	BytesIn    int64     `json:"bytes_in"`
	BytesOut   int64     `json:"bytes_out"`
	DurationMS float64   `json:"duration_ms"`
	End        string    `json:"end"`
}

// cutMark ends a target the ring cut short. Targets are ASCII (the parser
// refuses others), so the mark cannot be taken for part of one.
const cutMark = "…"

// list returns the limit most recent exchanges, most recent first.
func (r *recent) list(limit int) []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.next
	if r.full {
		n = len(r.ring)
	}
	n = min(n, limit)
	out := make([]Request, 0, n)
	for i := range n {
		e := &r.ring[(r.next-1-i+len(r.ring))%len(r.ring)]
		out = append(out, Request{
			Start: e.Start, Remote: e.RemoteString(), Method: e.Method, Target: e.Target,
			Route: e.Route, Status: e.Status, BytesIn: e.BytesIn, BytesOut: e.BytesOut,
			DurationMS: ms(e.Duration), End: e.End.String(),
		})
	}
	return out
}
