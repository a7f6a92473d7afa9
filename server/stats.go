package server

import (
	"net/netip"
	"sync/atomic"
	"time"
)

// End says how an exchange's connection ended.
type End uint8

// The ways an exchange ends.
const (
	// EndDelivered: the whole reply was written, then the connection closed.
	EndDelivered End = iota
	// EndClientGone: writing the reply failed because the client reset or
	// closed the connection.
	EndClientGone
	// EndReset: the client reset the connection before its half-close.
	EndReset
	// EndWriteTimeout: the client did not read the reply within WriteTimeout.
	EndWriteTimeout
	// EndFileError: a file failed while being sent; the reply is short of its
	// Content-Length.
	EndFileError
	// EndFault: a fault route misbehaved on purpose.
	EndFault
	// EndAborted: Close ended the exchange.
	EndAborted
	// EndHandshakeFailed: the TLS handshake failed or did not complete
	// within ReadTimeout; nothing was answered.
	EndHandshakeFailed
	numEnds
)

var endNames = [numEnds]string{"delivered", "client_gone", "reset", "write_timeout", "file_error", "fault", "aborted", "tls_handshake"}

func (e End) String() string {
	if e < numEnds {
		return endNames[e]
	}
	return "unknown"
}

// Exchange describes one finished exchange, as logged and as handed to
// Server.OnExchange.
type Exchange struct {
	// Start is when the connection was accepted; Duration runs from Start
	// to the close.
	Start    time.Time
	Duration time.Duration
	// Remote is the client's address; the zero AddrPort for a client that
	// has none, as on a Unix domain socket (see RemoteString).
	Remote netip.AddrPort
	// Method and Target are as sent; empty when the request could not be
	// read or parsed.
	Method, Target string
	// Route is the path of the route that replied; empty when none did.
	Route string
	// Status is the reply's status; 0 when no reply was sent.
	Status int
	// BytesIn and BytesOut count the bytes read and written.
	BytesIn, BytesOut int64
	// End says how the exchange ended.
	End End
	// ClientSubject is the subject of the client's verified TLS
	// certificate; empty without one.
	ClientSubject string
}

// RemoteString is the client's address as logged: Remote, or "unix:" for a
// client without an IP address, as nginx logs one on a Unix domain socket.
func (e *Exchange) RemoteString() string {
	if !e.Remote.IsValid() {
		return "unix:"
	}
	return e.Remote.String()
}

// Stats is a snapshot of a server's counters since it was made.
type Stats struct {
	// Accepted counts accepted connections.
	Accepted uint64
	// Dropped counts connections closed at once, unanswered, because twice
	// MaxConns connections were open.
	Dropped uint64
	// Replies counts replies by status; 0 counts exchanges that ended with
	// no reply (a client reset, a fault).
	Replies map[int]uint64
	// OwnReplies counts, among Replies, those of exchanges that no route
	// answered: the server's refusals (400, 413, 503...), timeouts (408)
	// and 404s for paths no route names, told apart from a route's reply
	// of the same status. A route's 405, or its 404 for a missing file,
	// counts as the route's.
	OwnReplies map[int]uint64
	// Ends counts exchanges by how they ended.
	Ends map[End]uint64
	// BytesIn and BytesOut count bytes read and written on exchange
	// connections.
	BytesIn, BytesOut uint64
	// Panics counts exchanges that panicked, each logged with its stack;
	// one whose reply had not begun was answered 500 where it could be.
	Panics uint64
	// Reading, Writing and Lingering are the connections now reading a
	// request to its EOF, replying (a route's delay included), and
	// discarding input after an early reply.
	Reading, Writing, Lingering int64
	// RequestMemory is the memory the requests being read or answered
	// hold, as counted against MaxRequestMemory.
	RequestMemory int64
	// Acceptors holds each acceptor's counts, in the order the acceptors
	// started.
	Acceptors []AcceptorStats
}

// AcceptorStats counts one acceptor's connections.
type AcceptorStats struct {
	// ID numbers the acceptor from 0; its goroutine carries the profiler
	// label acceptor=<ID>.
	ID int
	// Accepted counts the connections it accepted.
	Accepted uint64
	// Inline counts the exchanges it answered itself, without a goroutine.
	Inline uint64
}

// counters are the live counters behind Stats; all atomic, so an exchange
// records itself without a lock.
type counters struct {
	accepted, dropped, panics atomic.Uint64
	bytesIn, bytesOut         atomic.Uint64
	replies                   [600]atomic.Uint64 // by status; 0 for none
	ownReplies                [600]atomic.Uint64 // by status, those no route made
	ends                      [numEnds]atomic.Uint64
	states                    [numStates]atomic.Int64
}

// connState is what an exchange's connection is doing.
type connState uint8

const (
	stateReading connState = iota
	stateWriting
	stateLingering
	numStates
)

// Stats returns a snapshot of the server's counters.
func (s *Server) Stats() Stats {
	c := &s.stats
	st := Stats{
		Accepted: c.accepted.Load(),
		Dropped:  c.dropped.Load(),
		Panics:   c.panics.Load(),
		BytesIn:  c.bytesIn.Load(),
		BytesOut: c.bytesOut.Load(),
		// Own replies first: finish adds to replies first, so that no
		// snapshot has more of a status among own replies than in all.
		OwnReplies:    nonZero[int](c.ownReplies[:]),
		Replies:       nonZero[int](c.replies[:]),
		Ends:          nonZero[End](c.ends[:]),
		Reading:       c.states[stateReading].Load(),
		Writing:       c.states[stateWriting].Load(),
		Lingering:     c.states[stateLingering].Load(),
		RequestMemory: s.requestMemory.Load(),
	}
	s.mu.Lock()
	for _, a := range s.acceptors {
		st.Acceptors = append(st.Acceptors, AcceptorStats{ID: a.id, Accepted: a.accepted.Load(), Inline: a.inline.Load()})
	}
	s.mu.Unlock()
	return st
}

// nonZero returns the counts in c that are not zero, by index.
func nonZero[K ~int | ~uint8](c []atomic.Uint64) map[K]uint64 {
	m := make(map[K]uint64)
	for i := range c {
		if n := c[i].Load(); n > 0 {
			m[K(i)] = n
		}
	}
	return m
}
