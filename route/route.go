// Package route is the model of tinyhttpd's route table: what a route
// answers and how, as the config package reads it from a routes file and
// the respond package answers by it. It holds the defaults a route takes when
// its file leaves a field out, so that they are stated once.
package route

import (
	"io/fs"
	"time"
)

// Routes is a validated route table as read from a routes file or from the
// embedded default. It is immutable once returned by a loader.
type Routes struct {
	// Source says where the table came from: a file path, or "embedded default".
	Source string
	// Files is the file system that File and Dir of every route name paths in.
	// Nil means the operating system's: File and Dir are then absolute paths,
	// resolved against the routes file's directory when written as relative
	// paths. The embedded default sets Files to an embedded tree, with
	// slash-separated paths valid for fs.ValidPath.
	Files fs.FS
	// Routes are in file order.
	Routes []Route
}

// Kind names the one way a route produces its reply.
type Kind string

// The reply kinds a route can have; exactly one per route.
const (
	KindBody  Kind = "body"  // a static body
	KindFile  Kind = "file"  // one file, read at request time
	KindDir   Kind = "dir"   // files under a directory, confined to it
	KindEcho  Kind = "echo"  // the request body back
	KindIndex Kind = "index" // a plain-text list of the route table
	KindFault Kind = "fault" // a misbehaving reply, for testing clients
	// KindRedirect sends the client elsewhere: a Location header and a
	// one-line plain-text body.
	KindRedirect Kind = "redirect"
)

// Fault kinds for KindFault routes.
const (
	FaultReset    = "reset"    // reset the connection (RST) instead of replying
	FaultClose    = "close"    // close without a reply
	FaultTruncate = "truncate" // send fewer body bytes than Content-Length says
)

// Faults returns the fault kinds, in the order error messages list them.
func Faults() []string { return []string{FaultReset, FaultClose, FaultTruncate} }

// Header is one reply header field as written in the routes file.
type Header struct {
	Name  string
	Value string
}

// Route is one entry of the route table.
type Route struct {
	// Path is matched exactly, or as a prefix when Prefix is set. Prefix is
	// set on dir routes, and only there; their paths end in "/". Any other
	// route with the path "/" matches "/" alone.
	Path   string
	Prefix bool
	// Methods allowed on the route; DefaultMethods when not given.
	Methods []string
	// Status of the reply; DefaultStatus when not given, or
	// DefaultRedirectStatus on a KindRedirect route.
	Status int
	// Headers added to the reply, in file order. Content-Type, when given
	// here, replaces the one derived from the file extension.
	Headers []Header
	// Kind says which one of the fields below applies.
	Kind Kind
	Body string // KindBody
	File string // KindFile
	Dir  string // KindDir
	// Listing allows a plain-text directory listing for KindDir routes.
	Listing bool
	// Dotfiles lets a KindDir route serve and list the names under its
	// directory that start with "." (.git, .env); without it they are
	// not found and not listed, .well-known excepted.
	Dotfiles bool
	Fault    string // KindFault: one of the Fault constants
	// Redirect is the Location of a KindRedirect route: a path starting
	// with "/" or an absolute http or https URL.
	Redirect string
	// Delay is a simulated latency before the reply; zero for none.
	Delay time.Duration
	// Line and Column locate the route's entry in the routes file.
	Line, Column int
}

// DefaultStatus is the status of a route that gives none.
const DefaultStatus = 200

// DefaultRedirectStatus is the status of a redirect route that gives none:
// 308 Permanent Redirect, which keeps the method and the body.
const DefaultRedirectStatus = 308

// RedirectStatuses are the statuses a redirect route may have.
func RedirectStatuses() []int { return []int{301, 302, 303, 307, 308} }

// NoBody reports whether replies with status carry no body, and so no
// Content-Length and no Content-Type either (RFC 9110 sections 15.3.5 and
// 15.4.5): 204 No Content and 304 Not Modified.
func NoBody(status int) bool { return status == 204 || status == 304 }

// NoContent reports whether replies with status must have empty content:
// those NoBody names, and 205 Reset Content (RFC 9110 section 15.3.6),
// which says so with Content-Length: 0.
func NoContent(status int) bool { return NoBody(status) || status == 205 }

// DefaultMethods returns the methods allowed on a route that lists none:
// GET and HEAD.
func DefaultMethods() []string { return []string{"GET", "HEAD"} }

// Normalize fills the fields of r that its file may leave out with their
// defaults: Methods and Status, which depends on Kind.
func (r *Route) Normalize() {
	if len(r.Methods) == 0 {
		r.Methods = DefaultMethods()
	}
	if r.Status == 0 {
		r.Status = DefaultStatus
		if r.Kind == KindRedirect {
			r.Status = DefaultRedirectStatus
		}
	}
}
