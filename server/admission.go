package server

import (
	"net/netip"
	"sync"
)

// verdict is what admission decides for a new connection.
type verdict uint8

const (
	// admitted: the connection is served.
	admitted verdict = iota
	// refused: the connection is answered 503, RST-safely, with a reason.
	refused
	// dropped: the connection is closed at once, unanswered, because
	// MaxConns connections are being refused already: a flood cannot grow
	// the server without bound.
	dropped
)

// admission is the verdict on one connection, kept with its exchange until
// release.
type admission struct {
	verdict verdict
	reason  string     // why the connection is refused
	ip      netip.Addr // the client address counted against MaxConnsPerIP
}

// admit decides whether a new connection from the client at ip is served,
// refused with 503, or dropped, and counts it: every admission must be
// released once its connection closes. Every way of accepting calls it,
// once the client's address is known; a connection without one, such as a
// Unix socket's, is not counted against MaxConnsPerIP.
func (s *Server) admit(ip netip.Addr) admission {
	limit := int64(s.maxConns())
	var reason string
	switch {
	case s.served.Add(1) > limit:
		s.served.Add(-1)
		reason = "server busy: too many connections"
	case s.MaxConnsPerIP > 0 && ip.IsValid() && !s.perIP.add(ip, s.MaxConnsPerIP):
		s.served.Add(-1)
		reason = "too many connections from " + ip.String()
	default:
		return admission{verdict: admitted, ip: ip}
	}
	if s.refused.Add(1) > limit {
		s.refused.Add(-1)
		s.stats.dropped.Add(1)
		return admission{verdict: dropped}
	}
	return admission{verdict: refused, reason: reason}
}

// release uncounts a connection that admit counted.
func (s *Server) release(a admission) {
	switch a.verdict {
	case admitted:
		s.served.Add(-1)
		if s.MaxConnsPerIP > 0 && a.ip.IsValid() {
			s.perIP.remove(a.ip)
		}
	case refused:
		s.refused.Add(-1)
	}
}

// reserveRequestMemory counts n more bytes of request buffers against
// MaxRequestMemory, unless they would take the count over it. The count
// never passes the limit, even for a moment, so that a reservation that
// fits is never refused for one that does not.
func (s *Server) reserveRequestMemory(n int64) bool {
	limit := s.maxRequestMemory()
	for {
		held := s.requestMemory.Load()
		if held+n > limit {
			return false
		}
		if s.requestMemory.CompareAndSwap(held, held+n) {
			return true
		}
	}
}

// ipCounts counts connections by client address.
type ipCounts struct {
	mu sync.Mutex
	n  map[netip.Addr]int
}

// add counts a connection from ip, unless limit are counted already.
func (c *ipCounts) add(ip netip.Addr, limit int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[ip] >= limit {
		return false
	}
	if c.n == nil {
		c.n = make(map[netip.Addr]int)
	}
	c.n[ip]++
	return true
}

func (c *ipCounts) remove(ip netip.Addr) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[ip] <= 1 {
		delete(c.n, ip)
		return
	}
	c.n[ip]--
}
