package admin

import (
	"fmt"
	"net/http"
	"strings"
)

// check is one named health check: ok, or the reason it fails.
type check struct {
	name   string
	reason string
}

func (a *Admin) livez(w http.ResponseWriter, r *http.Request) {
	writeChecks(w, r, "livez", []check{{name: "ping"}})
}

// readyz fails before the protocol listener is up and while draining, so
// a load balancer sends no new exchanges then.
func (a *Admin) readyz(w http.ResponseWriter, r *http.Request) {
	srv := a.opts.Server
	checks := []check{{name: "listener"}, {name: "draining"}, {name: "routes"}}
	if !srv.Listening() {
		checks[0].reason = "protocol listener not serving"
	}
	if srv.Draining() {
		checks[1].reason = "server is draining"
	}
	if srv.Routes() == nil {
		checks[2].reason = "no route table loaded"
	}
	writeChecks(w, r, "readyz", checks)
}

// writeChecks answers as Kubernetes' health endpoints do: "ok", or with
// ?verbose one line per check; 503 if any check fails.
func writeChecks(w http.ResponseWriter, r *http.Request, name string, checks []check) {
	var b strings.Builder
	failed := false
	for _, c := range checks {
		if c.reason == "" {
			fmt.Fprintf(&b, "[+]%s ok\n", c.name)
		} else {
			failed = true
			fmt.Fprintf(&b, "[-]%s failed: %s\n", c.name, c.reason)
		}
	}
	status := http.StatusOK
	if failed {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, verbose := r.URL.Query()["verbose"]
	switch {
	case verbose && failed:
		fmt.Fprintf(w, "%s%s check failed\n", b.String(), name)
	case verbose:
		fmt.Fprintf(w, "%s%s check passed\n", b.String(), name)
	case failed:
		fmt.Fprintf(w, "%s%s check failed\n", b.String(), name)
	default:
		fmt.Fprintln(w, "ok")
	}
}
