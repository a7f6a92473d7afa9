package main

import (
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// tracer receives the client's events for one attempt. It keeps the timings
// and sizes that -w reports and, for -v, prints each step in curl's style:
// "*" for what happened, ">" for request lines, "<" for reply lines. The
// client calls it one event at a time and never after the attempt is over.
type tracer struct {
	w         io.Writer // stderr for -v, else nil
	host      string    // as written in the URL
	halfClose bool
	start     time.Time
	tls       string // the TLS version as curl names it, once the handshake is done

	namelookup    time.Duration // to the first connect attempt: the name is resolved
	connect       time.Duration // to the connection being up
	pretransfer   time.Duration // to the connection being ready for the request: after TLS's handshake
	starttransfer time.Duration // to the reply's status line
	remote        net.Addr
	local         net.Addr
	headBytes     int64        // request head: lines and their CRLFs
	uploaded      atomic.Int64 // request body bytes written; read by the progress meter
}

// event records one step and prints it for -v. Write errors on stderr are
// ignored, as curl does.
func (p *tracer) event(e client.Event) {
	switch e.Kind {
	case client.EventTrying:
		if p.namelookup == 0 {
			p.namelookup = max(time.Since(p.start), time.Microsecond)
		}
		if p.w != nil && e.Remote != nil {
			fmt.Fprintf(p.w, "*   Trying %s...\n", e.Remote)
		}
	case client.EventConnected:
		p.connect = max(time.Since(p.start), time.Microsecond)
		p.pretransfer = p.connect
		p.remote, p.local = e.Remote, e.Local
		if ua, ok := e.Remote.(*net.UnixAddr); ok && p.w != nil {
			fmt.Fprintf(p.w, "* Connected to %s through the Unix domain socket %s\n", p.host, ua.Name)
		} else if p.w != nil {
			ip, port, _ := net.SplitHostPort(e.Remote.String())
			fmt.Fprintf(p.w, "* Connected to %s (%s) port %s\n", p.host, ip, port)
		}
	case client.EventTLSHandshake:
		p.pretransfer = max(time.Since(p.start), time.Microsecond)
		p.tls = tlsVersionNames[e.TLS.Version]
		if p.w != nil {
			printTLS(p.w, e.TLS)
		}
	case client.EventRequestLine:
		p.headBytes += int64(len(e.Line)) + 2
		p.line(">", e.Line)
	case client.EventRequestSent:
		p.uploaded.Store(max(0, e.N-p.headBytes))
		if p.w == nil {
			break
		}
		if e.Err != nil {
			fmt.Fprintf(p.w, "* sending the request failed after %d bytes: %v\n", e.N, e.Err)
		} else {
			fmt.Fprintf(p.w, "* Request completely sent off (%d bytes)\n", e.N)
		}
		if !p.halfClose {
			fmt.Fprintln(p.w, "* write side left open (no half-close): the server finds the request's end by its Content-Length")
		}
	case client.EventWriteClosed:
		if p.w == nil {
			break
		}
		switch {
		case e.Err != nil:
			fmt.Fprintf(p.w, "* closing the write side failed: %v\n", e.Err)
		case p.tls != "":
			fmt.Fprintf(p.w, "* %s (OUT), TLS alert, close notify (256)\n", p.tls)
			fmt.Fprintln(p.w, "* write side closed with TLS close_notify (half-close): the server reads the request up to it")
		default:
			fmt.Fprintln(p.w, "* write side closed (half-close): the server reads the request up to EOF")
		}
	case client.EventStatusLine:
		if p.starttransfer == 0 {
			p.starttransfer = max(time.Since(p.start), time.Microsecond)
		}
		p.line("<", e.Line)
	case client.EventHeaderLine:
		p.line("<", e.Line)
	case client.EventBodyRead:
		if p.w != nil {
			fmt.Fprintf(p.w, "* %d body bytes read\n", e.N)
		}
	case client.EventPeerClosed:
		switch {
		case p.w == nil:
		case p.tls == "":
			fmt.Fprintf(p.w, "* closed by the server after %d bytes\n", e.N)
		case e.CloseNotify:
			fmt.Fprintf(p.w, "* %s (IN), TLS alert, close notify (256)\n", p.tls)
			fmt.Fprintf(p.w, "* closed by the server with TLS close_notify after %d bytes\n", e.N)
		default:
			fmt.Fprintf(p.w, "* closed by the server after %d bytes without a TLS close_notify: a bare FIN, which anyone on the path can forge\n", e.N)
		}
	}
}

// line prints a request or reply line after its marker; the empty line that
// ends a header section is the marker alone.
func (p *tracer) line(marker, s string) {
	switch {
	case p.w == nil:
	case s == "":
		fmt.Fprintln(p.w, marker)
	default:
		fmt.Fprintln(p.w, marker, s)
	}
}
