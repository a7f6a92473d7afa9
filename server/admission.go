package server

import (
	"net/netip"
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
	ip      netip.Addr // the client address counted against MaxConnsPerIP, if any
}

// admit decides whether a new connection from the client at ip is served,
// refused with 503, or dropped, and counts it: every admission must be
// released once its connection closes. Every way of accepting calls it,
// or admitConn and then admitFrom, once the client's address is known; a
// connection without one, such as a Unix socket's, is not counted against
// MaxConnsPerIP.
func (s *Server) admit(ip netip.Addr) admission {
	a := s.admitConn()
	s.admitFrom(&a, ip)
	return a
}

// admitConn is admit's first step, which needs no address: the connection
// counts against MaxConns. A connection whose address comes later, from
// a PROXY header, is counted at once, so that a flood of connections that
// never send one is bounded as any other.
func (s *Server) admitConn() admission {
	if s.served.Add(1) > int64(s.maxConns()) {
		s.served.Add(-1)
		return s.refuse("server busy: too many connections")
	}
	return admission{verdict: admitted}
}

// admitFrom is admit's second step, for a connection admitConn admitted:
// it counts the connection against MaxConnsPerIP for the client at ip.
func (s *Server) admitFrom(a *admission, ip netip.Addr) {
	if a.verdict != admitted || s.MaxConnsPerIP <= 0 || !ip.IsValid() {
		return
	}
	if !s.perIP.Add(ip, s.MaxConnsPerIP) {
		s.served.Add(-1)
		*a = s.refuse("too many connections from " + ip.String())
		return
	}
	a.ip = ip
}

// refuse answers a connection 503 with reason, unless MaxConns connections
// are being refused already: then it is dropped.
func (s *Server) refuse(reason string) admission {
	if s.refused.Add(1) > int64(s.maxConns()) {
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
		if a.ip.IsValid() {
			s.perIP.Remove(a.ip)
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
