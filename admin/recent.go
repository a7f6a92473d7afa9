package admin

import (
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

func (r *recent) add(e *server.Exchange) {
	r.mu.Lock()
	r.ring[r.next] = *e
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

// list returns the exchanges, most recent first.
func (r *recent) list() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.next
	if r.full {
		n = len(r.ring)
	}
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
