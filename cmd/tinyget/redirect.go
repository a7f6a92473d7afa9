package main

import (
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// isRedirect reports whether a status is one that -L follows.
func isRedirect(code int) bool {
	switch code {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// redirectTarget resolves a Location value against the current target, as
// a relative reference (RFC 3986 section 5.2), and returns the new target
// and its URL. Its errors are parseTarget's: a Location with another
// scheme is exit 1, a bad one exit 3.
func redirectTarget(cur target, loc string, pathAsIs bool) (target, string, error) {
	base, err := url.Parse(cur.Scheme + "://" + hostPort(cur) + cur.Path)
	if err != nil {
		return target{}, "", fail(exitMalformedURL, "URL rejected: the current URL cannot be a base: %v", err)
	}
	ref, err := url.Parse(strings.TrimSpace(loc))
	if err != nil {
		// Neither loc nor err is quoted: a "/" in a password can make
		// url.Parse take the user name and password for the host and port.
		return target{}, "", fail(exitMalformedURL, "URL rejected: the Location is not a URL")
	}
	next := base.ResolveReference(ref).String()
	t, err := parseTarget(next, pathAsIs)
	if err != nil {
		shown := client.Redacted(loc)
		if strings.Contains(shown, "@") {
			// An "@" after a "/" may end a password that holds the "/",
			// which Redacted cannot tell from a path.
			return t, next, fail(codeOf(err), "Location: %v", err)
		}
		return t, next, fail(codeOf(err), "Location %q: %v", shown, err)
	}
	return t, next, nil
}

// hostPort returns a target's host and port for a URL: an IPv6 address in
// brackets, its zone encoded.
func hostPort(t target) string {
	return net.JoinHostPort(strings.Replace(t.Host, "%", "%25", 1), t.Port)
}

// redirectRequest returns the request that follows a redirect with status
// code from the target from (whose URL is fromURL) to the target to, with
// curl's rules: 301 and 302 turn a POST into a GET, 303 turns any method
// but GET and HEAD into a GET, each without the body; 307 and 308 keep the
// method and the body. A method set with -X stays, as in curl. The
// Authorization and Cookie headers are dropped when the scheme, host or
// port changes, so that credentials only go where they were given (curl
// 7.83 and later); with -e ";auto" the Referer is the URL redirected from.
// A Host set with -H is sent while the host is the first target's, whatever
// the scheme and port, as curl does; the Host is to's elsewhere.
func redirectRequest(o *options, req *client.Request, code int, first, from, to target, fromURL string) *client.Request {
	next := *req
	next.Target = to.Path
	next.NoHalfClose = !halfCloses(o, to)
	next.Version = requestVersion(o, to)
	dropBody := false
	switch {
	case (code == 301 || code == 302) && req.Method == "POST":
		next.Method, dropBody = "GET", true
	case code == 303 && req.Method != "GET" && req.Method != "HEAD":
		next.Method, dropBody = "GET", true
	}
	if o.method != "" {
		next.Method = o.method
	}
	if dropBody {
		next.Body, next.GetBody = nil, nil
	}
	otherOrigin := !strings.EqualFold(from.Scheme, to.Scheme) || !strings.EqualFold(from.Host, to.Host) || from.Port != to.Port
	next.Header = nil
	referer := false
	for _, h := range req.Header {
		switch {
		case strings.EqualFold(h.Name, "Host"):
			h.Value = to.HostHeader()
			if v, ok := customHost(o); ok && strings.EqualFold(first.Host, to.Host) {
				h.Value = v
			}
		case (strings.EqualFold(h.Name, "Authorization") || strings.EqualFold(h.Name, "Cookie")) && otherOrigin:
			continue
		case (strings.EqualFold(h.Name, "Content-Type") || strings.EqualFold(h.Name, "Content-Length") || strings.EqualFold(h.Name, "Content-Range")) && dropBody:
			continue
		case strings.EqualFold(h.Name, "Connection") && !next.NoHalfClose:
			continue
		case strings.EqualFold(h.Name, "Referer") && o.autoReferer:
			h.Value, referer = fromURL, true
		}
		next.Header = append(next.Header, h)
	}
	if !hasHeader(next.Header, "Host") && !strings.EqualFold(first.Host, to.Host) {
		// -H "Host:" removed it for the first URL's host only, as in curl.
		next.Header = append([]client.Header{{Name: "Host", Value: to.HostHeader()}}, next.Header...)
	}
	if o.autoReferer && !referer {
		next.Header = append(next.Header, client.Header{Name: "Referer", Value: fromURL})
	}
	if next.NoHalfClose && !hasHeader(next.Header, "Connection") {
		next.Header = append(next.Header, client.Header{Name: "Connection", Value: "close"})
	}
	return &next
}

// customHost returns the Host value that -H sets, if it sets one.
func customHost(o *options) (string, bool) {
	fields := []field{{client.Header{Name: "Host"}, true}}
	for _, h := range o.headers {
		if f, err := applyHeader(fields, h); err == nil {
			fields = f
		}
	}
	i := slices.IndexFunc(fields, func(f field) bool { return !f.builtin && strings.EqualFold(f.Name, "Host") })
	if i < 0 {
		return "", false
	}
	return fields[i].Value, true
}

// hasHeader reports whether a header field called name is in h.
func hasHeader(h []client.Header, name string) bool {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

// setHeader sets the header field called name in req, in place of any
// field of that name.
func setHeader(req *client.Request, name, value string) {
	for i, f := range req.Header {
		if strings.EqualFold(f.Name, name) {
			req.Header[i].Value = value
			return
		}
	}
	req.Header = append(req.Header, client.Header{Name: name, Value: value})
}
