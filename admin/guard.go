package admin

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/tinyhttpd/tinyhttpd/internal/hostport"
)

// guard holds what the admin's protections check requests against.
type guard struct {
	token string
	// own are the Host values that name a loopback listener: its address
	// and localhost, with its port. Beyond loopback it is empty.
	own map[string]bool
	// names are the configured names, normalized (see normalHost), each
	// also with the listener's port when it has none.
	names map[string]bool
}

// newGuard returns the guard of an admin listener on addr with the
// configured names.
//
// A page that rebinds its own DNS name to the admin's address (DNS
// rebinding) sends that name as Host. On a loopback listener the Host must
// name the listener exactly, as its address or as localhost with its port,
// or be one of names. Beyond loopback the names clients use are not known:
// a Host must be one of names, an IP address or localhost (which no page
// can rebind). Health checks and scrapes are answered whatever the
// listener (see isProbe).
func newGuard(token string, addr net.Addr, names []string) *guard {
	g := &guard{token: token, own: map[string]bool{}, names: map[string]bool{}}
	tcp, ok := addr.(*net.TCPAddr)
	port := ""
	if ok {
		port = strconv.Itoa(tcp.Port)
	}
	if ok && tcp.IP.IsLoopback() {
		g.own[net.JoinHostPort(tcp.IP.String(), port)] = true
		g.own["localhost:"+port] = true
		if tcp.IP.To4() != nil {
			g.own["127.0.0.1:"+port] = true
		} else {
			g.own["[::1]:"+port] = true
		}
	}
	for _, name := range names {
		name = normalHost(name)
		g.names[name] = true
		if a, _ := hostport.Parse(name); port != "" && !a.HasPort {
			g.names[name+":"+port] = true
		}
	}
	return g
}

// acceptsHost reports whether a request with this Host header may be
// answered (see newGuard).
func (g *guard) acceptsHost(host string) bool {
	switch {
	case g.own[strings.ToLower(host)] || g.names[normalHost(host)]:
		return true
	case len(g.own) > 0:
		return false // loopback: exactly its names
	}
	return unrebindable(host)
}

// unrebindable reports whether a Host value, with or without a port, is an
// IP address or localhost: names no page can rebind to another address.
func unrebindable(host string) bool {
	a, err := hostport.Parse(host)
	if err != nil {
		return false
	}
	if ip, err := netip.ParseAddr(a.Host); err == nil {
		return ip.Zone() == ""
	}
	return strings.EqualFold(a.Host, "localhost")
}

// probePaths are the read-only endpoints that health checkers and metric
// scrapers call (see isProbe).
var probePaths = map[string]bool{"/livez": true, "/readyz": true, "/metrics": true}

// isProbe reports whether r is a health check or a scrape as load
// balancers and probes send them, which is answered whatever the listener:
// a GET or HEAD of a probe path with no Host at all (HAProxy's option
// httpchk sends HTTP/1.0 without one) or with a Host that is an IP address
// or localhost, with or without a port. A DNS-rebinding page can send
// neither: its requests carry the page's own name.
func isProbe(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && probePaths[r.URL.Path] &&
		(r.Host == "" || unrebindable(r.Host))
}

// normalHost lower-cases a Host value, writes an IP address in its
// standard form and drops the trailing dot of a fully qualified name, so
// that "Admin.Example.:7071" is "admin.example:7071" and "[2001:DB8:0::1]"
// is "[2001:db8::1]". An empty port is dropped.
func normalHost(host string) string {
	host = strings.ToLower(host)
	a, err := hostport.Parse(host)
	if err != nil {
		return host
	}
	name, port := a.Host, a.Port
	if ip, err := netip.ParseAddr(name); err == nil {
		name = ip.String()
		if ip.Is6() {
			name = "[" + name + "]"
		}
	} else {
		name = strings.TrimSuffix(name, ".")
	}
	if port == "" {
		return name
	}
	return name + ":" + port
}

// checkHostHeader refuses requests whose Host does not name the admin
// endpoint (see newGuard).
func (g *guard) checkHostHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.acceptsHost(r.Host) && !isProbe(r) {
			writeError(w, errorf(http.StatusForbidden, "host "+quote(r.Host)+" is not this admin endpoint; a name it answers to goes in TINYHTTPD_ADMIN_HOSTS"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireToken refuses requests without the bearer token, compared in
// constant time, and writes whose Origin is another site (CSRF). The
// scheme's name is case-insensitive (RFC 9110 section 11.1); the token is
// not.
func (g *guard) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.token == "" {
			writeError(w, errorf(http.StatusForbidden, "no admin token is configured: set TINYHTTPD_ADMIN_TOKEN to enable this endpoint"))
			return
		}
		scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(got), []byte(g.token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tinyhttpd admin"`)
			writeError(w, errorf(http.StatusUnauthorized, "missing or wrong bearer token"))
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r.Host, r.TLS != nil) {
			writeError(w, errorf(http.StatusForbidden, "origin "+quote(origin)+" may not write to this admin endpoint"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether an Origin header names host over https, or
// over http for a request that did not come over TLS. A page of host over
// https in front of an endpoint served without TLS is a TLS-terminating
// proxy's, which keeps the Host; a page over http may not write to an
// endpoint served over TLS.
func sameOrigin(origin, host string, overTLS bool) bool {
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http" && !overTLS) && strings.EqualFold(u.Host, host)
}

// quote quotes s for an error message, cut short if long.
func quote(s string) string {
	if len(s) > 100 {
		s = s[:100] + "..."
	}
	return "\"" + strings.ToValidUTF8(strings.ReplaceAll(s, "\"", "'"), "?") + "\""
}
