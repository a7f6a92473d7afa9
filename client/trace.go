package client

import "net"

// EventKind names a step of an exchange reported to Client.Trace.
type EventKind int

// The steps of an exchange, in the order they usually happen. The request
// events come from the goroutine that writes the request, so when the server
// answers before reading the whole request, reply events may come first.
const (
	// EventConnected means the TCP connection is up; Local and Remote are
	// set.
	EventConnected EventKind = iota + 1

	// EventRequestLine carries one line of the request head, about to be
	// sent, in Line without its CRLF; the last one is empty.
	EventRequestLine

	// EventRequestSent means N request bytes were written; Err is set if
	// writing the rest failed.
	EventRequestSent

	// EventWriteClosed means the write side was half-closed (CloseWrite);
	// Err is set if that failed.
	EventWriteClosed

	// EventStatusLine carries the reply's status line in Line, without its
	// line ending.
	EventStatusLine

	// EventHeaderLine carries the next line of the reply's header section in
	// Line, without its line ending; the last one is empty.
	EventHeaderLine

	// EventBodyRead means the body ended, completely or not, after N body
	// bytes.
	EventBodyRead

	// EventPeerClosed means the server closed the connection (EOF).
	EventPeerClosed
)

// Event describes one step of an exchange. Only the fields that its Kind
// names are set.
type Event struct {
	// Kind is the step.
	Kind EventKind

	// N counts bytes: written for EventRequestSent, of the body for
	// EventBodyRead.
	N int64

	// Line is a request or reply line, without its line ending.
	Line string

	// Local and Remote are the connection's addresses, for EventConnected.
	Local  net.Addr
	Remote net.Addr

	// Err is a failure of the request writer, which does not decide the
	// exchange's outcome: the reply does.
	Err error
}
