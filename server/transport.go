package server

import "net"

// A transport is a new connection as its acceptor sees it: every call
// returns at once. An exchange starts on one, on the acceptor's goroutine,
// reads what has arrived and, when it can, answers there; the rest of an
// exchange, whose calls may wait, goes on in a goroutine of its own over the
// net.Conn that conn returns. doc.go tells which paths have one.
type transport interface {
	// readNow reads into p what has arrived: n > 0 bytes; or 0 and io.EOF
	// once the client has half-closed; or 0 and socket.ErrWouldBlock when
	// nothing more has arrived.
	readNow(p []byte) (int, error)
	// writeNow writes as much of the parts, in order, as the kernel takes
	// at once, drops what it wrote from them, and returns how many bytes
	// that was; socket.ErrWouldBlock when some are left.
	writeNow(parts [][]byte) (int, error)
	// conn returns the connection as a net.Conn, whose calls wait, for an
	// exchange that leaves the acceptor. Once it succeeds the connection is
	// the net.Conn's, and close must not be called. It fails when no file
	// descriptor is to be had, and may then be called again.
	conn() (net.Conn, error)
	// close closes the connection.
	close() error
}

// next is how an exchange goes on once its acceptor has read what had
// arrived.
type next uint8

const (
	// nextInline: the request is complete and its reply small and ready,
	// so the acceptor answers it at once.
	nextInline next = iota
	// nextWait: the request is incomplete and all that had arrived was
	// read: the exchange parks, holding no buffer, until more arrives.
	nextWait
	// nextGoroutine: the exchange goes on in a goroutine of its own.
	nextGoroutine
)

var nextNames = [...]string{"inline", "wait", "goroutine"}

func (n next) String() string { return nextNames[n] }
