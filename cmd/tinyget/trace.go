package main

import (
	"fmt"
	"io"
	"net"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// tracer prints the steps of an exchange for -v, in curl's style: "*" for
// what happened, ">" for request lines, "<" for reply lines.
type tracer struct {
	w         io.Writer
	host      string // as written in the URL
	halfClose bool
}

// event prints one step. Write errors on stderr are ignored, as curl does.
func (p *tracer) event(e client.Event) {
	switch e.Kind {
	case client.EventConnected:
		ip, port, _ := net.SplitHostPort(e.Remote.String())
		fmt.Fprintf(p.w, "* Connected to %s (%s) port %s\n", p.host, ip, port)
	case client.EventRequestLine:
		p.line(">", e.Line)
	case client.EventRequestSent:
		if e.Err != nil {
			fmt.Fprintf(p.w, "* %d request bytes sent, then: %v\n", e.N, e.Err)
		} else {
			fmt.Fprintf(p.w, "* %d request bytes sent\n", e.N)
		}
		if !p.halfClose {
			fmt.Fprintln(p.w, "* write side left open (plain HTTP: no half-close)")
		}
	case client.EventWriteClosed:
		if e.Err != nil {
			fmt.Fprintf(p.w, "* closing the write side failed: %v\n", e.Err)
		} else {
			fmt.Fprintln(p.w, "* write side closed (half-close)")
		}
	case client.EventStatusLine, client.EventHeaderLine:
		p.line("<", e.Line)
	case client.EventBodyRead:
		fmt.Fprintf(p.w, "* %d body bytes read\n", e.N)
	case client.EventPeerClosed:
		fmt.Fprintln(p.w, "* closed by server")
	}
}

// line prints a request or reply line after its marker; the empty line that
// ends a header section is the marker alone.
func (p *tracer) line(marker, s string) {
	if s == "" {
		fmt.Fprintln(p.w, marker)
		return
	}
	fmt.Fprintln(p.w, marker, s)
}
