package client

import (
	"crypto/tls"
	"net"
)

// EventKind names a step of an exchange reported to Client.Trace.
type EventKind int

// The steps of an exchange, in the order they usually happen. The request
// events come from the goroutine that writes the request, so when the server
// answers before reading the whole request, reply events may come first.
const (
	// EventTrying means a TCP connect to Remote, a resolved address, is
	// about to start. A name that resolves to several addresses may give
	// several; they may come from different goroutines, but never at once.
	EventTrying EventKind = iota + 1

	// EventConnected means the TCP connection is up; Local and Remote are
	// set.
	EventConnected

	// EventTLSHandshake means the TLS handshake is done, over a TLS
	// exchange; TLS is set.
	EventTLSHandshake

	// EventRequestLine carries one line of the request head, about to be
	// sent, in Line without its CRLF; the last one is empty.
	EventRequestLine

	// EventRequestSent means N request bytes were written; Err is set if
	// writing the rest failed.
	EventRequestSent

	// EventWriteClosed means the write side was half-closed (CloseWrite:
	// over TLS, a close_notify alert was sent); Err is set if that failed.
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

	// EventPeerClosed means the server closed the connection (EOF); N is
	// the number of bytes it sent, header section, body and anything after
	// the body included. Over TLS, CloseNotify says whether the server
	// ended with a close_notify alert rather than a bare FIN.
	EventPeerClosed
)

// Event describes one step of an exchange. Only the fields that its Kind
// names are set.
type Event struct {
	// Kind is the step.
	Kind EventKind

	// N counts bytes: written for EventRequestSent, of the body for
	// EventBodyRead, received in all for EventPeerClosed.
	N int64

	// Line is a request or reply line, without its line ending.
	Line string

	// Local and Remote are the connection's addresses, for EventConnected;
	// Remote alone is set for EventTrying.
	Local  net.Addr
	Remote net.Addr

	// Err is a failure of the request writer, which does not decide the
	// exchange's outcome: the reply does.
	Err error

	// TLS is the connection's TLS state, for EventTLSHandshake.
	TLS *tls.ConnectionState

	// CloseNotify, for EventPeerClosed over TLS, reports that the
	// server's close_notify alert came before its close.
	CloseNotify bool
}
