package admin

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// guard holds what the admin's protections check requests against.
type guard struct {
	token string
	// hosts are the Host values accepted; nil accepts any (a listener
	// beyond loopback with no names configured, where the token protects
	// writes).
	hosts map[string]bool
}

// newGuard returns the guard of an admin listener on addr. The Host values
// it accepts are, for a loopback listener, the names of the listener (its
// address and "localhost" with its port), and names, each also with the
// listener's port when it has none. For a listener beyond loopback, they
// are its address, unless it listens on every interface, and names; with
// no names there, any Host is accepted.
func newGuard(token string, addr net.Addr, names []string) *guard {
	g := &guard{token: token}
	tcp, ok := addr.(*net.TCPAddr)
	loopback := ok && tcp.IP.IsLoopback()
	if !loopback && len(names) == 0 {
		return g
	}
	g.hosts = map[string]bool{}
	port := ""
	if ok {
		port = strconv.Itoa(tcp.Port)
		if !tcp.IP.IsUnspecified() {
			g.hosts[net.JoinHostPort(tcp.IP.String(), port)] = true
		}
	}
	if loopback {
		g.hosts["localhost:"+port] = true
		if tcp.IP.To4() != nil {
			g.hosts["127.0.0.1:"+port] = true
		} else {
			g.hosts["[::1]:"+port] = true
		}
	}
	for _, name := range names {
		name = strings.ToLower(name)
		g.hosts[name] = true
		if port != "" && !hasPort(name) {
			g.hosts[name+":"+port] = true
		}
	}
	return g
}

// acceptsHost reports whether the Host value host names this endpoint.
func (g *guard) acceptsHost(host string) bool {
	return g.hosts == nil || g.hosts[strings.ToLower(host)]
}

// hasPort reports whether a Host value names a port: host:port or
// [IPv6]:port.
func hasPort(host string) bool {
	if strings.HasPrefix(host, "[") {
		return strings.Contains(host, "]:")
	}
	return strings.Contains(host, ":")
}

// checkHost refuses requests whose Host does not name the admin listener:
// a page on another site that resolves its name to 127.0.0.1 (DNS
// rebinding) sends its own name as Host.
func (g *guard) checkHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.acceptsHost(r.Host) {
			writeError(w, errorf(http.StatusForbidden, "host "+quote(r.Host)+" is not this admin endpoint"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireToken refuses requests without the bearer token, compared in
// constant time, and writes whose Origin is another site (CSRF).
func (g *guard) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.token == "" {
			writeError(w, errorf(http.StatusForbidden, "no admin token is configured: set TINYHTTPD_ADMIN_TOKEN to enable this endpoint"))
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(g.token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tinyhttpd admin"`)
			writeError(w, errorf(http.StatusUnauthorized, "missing or wrong bearer token"))
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r.Host) {
			writeError(w, errorf(http.StatusForbidden, "origin "+quote(origin)+" may not write to this admin endpoint"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether an Origin header names host over http.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Scheme == "http" && strings.EqualFold(u.Host, host)
}

// quote quotes s for an error message, cut short if long.
func quote(s string) string {
	if len(s) > 100 {
		s = s[:100] + "..."
	}
	return "\"" + strings.ToValidUTF8(strings.ReplaceAll(s, "\"", "'"), "?") + "\""
}
