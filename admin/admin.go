package admin

import (
	"net"
	"net/http"
	"net/http/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/defaults"
	"github.com/tinyhttpd/tinyhttpd/internal/reload"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
	"github.com/tinyhttpd/tinyhttpd/server"
)

// Options are what the admin endpoint reports on and acts on.
type Options struct {
	// Server is the protocol server. Required.
	Server *server.Server
	// Reloader reloads Server's routes and its Certs for POST /api/reload;
	// nil answers 501 there. Its Certs, the TLS listeners' certificates,
	// are those whose subjects and expiry the status, the metrics and the
	// dashboard show.
	Reloader *reload.Reloader
	// Settings are shown, token redacted, by /api/status.
	Settings config.Settings
	// Token is the bearer token for writes and pprof; empty refuses them.
	Token string
	// Addr is the admin listener's address, which the Host check accepts.
	Addr net.Addr
	// Hosts are further Host header values the admin endpoint answers to
	// (see newGuard).
	Hosts []string
	// ProtocolAddr is the protocol listener's address, shown in status.
	ProtocolAddr string
	// Recent is how many recent exchanges to keep; 0 means DefaultRecent.
	Recent int
}

// certs returns the TLS listeners' certificates: the Reloader's, none
// without one.
func (a *Admin) certs() []*tlscert.Store {
	if a.opts.Reloader == nil {
		return nil
	}
	return a.opts.Reloader.Certs
}

// Admin serves the admin endpoint. Observe must be the protocol server's
// OnExchange so that the recent list, charts and per-route counts fill.
type Admin struct {
	opts     Options
	started  time.Time
	guard    *guard
	recent   *recent
	series   series
	registry *prometheus.Registry
	duration prometheus.Histogram

	routesMu sync.RWMutex
	routes   map[string]*atomic.Uint64
}

// DefaultRecent is how many recent exchanges an admin endpoint keeps when
// Options.Recent is 0.
const DefaultRecent = defaults.AdminRecent

// New returns an admin endpoint for opts.
func New(opts Options) *Admin {
	if opts.Recent == 0 {
		opts.Recent = DefaultRecent
	}
	a := &Admin{
		opts:    opts,
		started: time.Now(),
		guard:   newGuard(opts.Token, opts.Addr, opts.Hosts),
		recent:  newRecent(opts.Recent),
		routes:  make(map[string]*atomic.Uint64),
	}
	a.registry, a.duration = newRegistry(a)
	return a
}

// Observe records a finished exchange; it is meant as the protocol
// server's OnExchange.
func (a *Admin) Observe(e *server.Exchange) {
	a.duration.Observe(e.Duration.Seconds())
	a.series.observe(e.Start.Add(e.Duration), e.Duration, failed(e))
	a.recent.add(e)
	a.countRoute(e.Route)
}

func (a *Admin) countRoute(route string) {
	if route == "" {
		route = noRoute
	}
	a.routesMu.RLock()
	n, ok := a.routes[route]
	a.routesMu.RUnlock()
	if !ok {
		a.routesMu.Lock()
		if n, ok = a.routes[route]; !ok {
			n = new(atomic.Uint64)
			a.routes[route] = n
		}
		a.routesMu.Unlock()
	}
	n.Add(1)
}

// routeCounts returns the exchanges per route label, for the routes of the
// current table and noRoute. Labels come from route tables, never from
// request paths; those of routes a reload removed are dropped here, so that
// reloads of changing tables do not grow them without bound.
func (a *Admin) routeCounts() map[string]uint64 {
	current := map[string]bool{noRoute: true}
	if t := a.opts.Server.Routes(); t != nil {
		for _, rt := range t.Routes() {
			current[rt.Path] = true
		}
	}
	a.routesMu.Lock()
	defer a.routesMu.Unlock()
	counts := make(map[string]uint64, len(a.routes))
	for route, n := range a.routes {
		if !current[route] {
			delete(a.routes, route)
			continue
		}
		counts[route] = n.Load()
	}
	return counts
}

// Handler returns the admin endpoint's routes.
func (a *Admin) Handler() http.Handler {
	r := chi.NewRouter()
	// GetHead answers HEAD with the GET handler, whose body net/http drops.
	r.Use(a.guard.checkHostHeader, middleware.GetHead)
	r.Get("/", a.dashboard)
	r.Get("/assets/*", http.StripPrefix("/assets/", assetHandler()).ServeHTTP)
	r.Get("/livez", a.livez)
	r.Get("/readyz", a.readyz)
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{}))
	r.Mount("/api", a.apiRoutes())
	r.Route("/debug/pprof", func(r chi.Router) {
		r.Use(a.guard.requireToken)
		r.HandleFunc("/", pprof.Index)
		r.HandleFunc("/cmdline", pprof.Cmdline)
		r.HandleFunc("/profile", pprof.Profile)
		r.HandleFunc("/symbol", pprof.Symbol)
		r.HandleFunc("/trace", pprof.Trace)
		r.Handle("/{name}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pprof.Handler(chi.URLParam(r, "name")).ServeHTTP(w, r)
		}))
	})
	r.NotFound(handle(func(w http.ResponseWriter, r *http.Request) error {
		return errorf(http.StatusNotFound, "no admin endpoint "+quote(r.URL.Path))
	}))
	r.MethodNotAllowed(handle(func(w http.ResponseWriter, req *http.Request) error {
		w.Header().Set("Allow", allowed(r, req.URL.Path))
		return errorf(http.StatusMethodNotAllowed, "method "+req.Method+" not allowed on "+quote(req.URL.Path))
	}))
	return r
}

// allowed returns the methods routes answers on path, for a 405's Allow
// header: HEAD wherever GET is (middleware.GetHead).
func allowed(routes chi.Routes, path string) string {
	var methods []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		if routes.Match(chi.NewRouteContext(), m, path) || m == http.MethodHead && slices.Contains(methods, http.MethodGet) {
			methods = append(methods, m)
		}
	}
	return strings.Join(methods, ", ")
}

func (a *Admin) apiRoutes() chi.Router {
	r := chi.NewRouter()
	r.Get("/status", handle(a.status))
	r.Get("/series", handle(a.seriesAPI))
	r.Get("/routes", handle(a.routesAPI))
	r.Get("/requests", handle(a.requests))
	r.Group(func(r chi.Router) {
		r.Use(a.guard.requireToken, limitBody)
		r.Post("/reload", handle(a.reload))
		r.Post("/drain", handle(a.drain))
		r.Delete("/drain", handle(a.endDrain))
	})
	return r
}

// limitBody caps request bodies; the write endpoints read none.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<10)
		next.ServeHTTP(w, r)
	})
}

// HTTPServer returns an http.Server for the admin endpoint with explicit
// timeouts and header limits; serve it on a Listener. It closes each
// connection after its reply: an idle keep-alive connection would hold one
// of the Listener's MaxConns, and enough of them would keep a health
// probe waiting. A connection that sends no request holds its slot for
// HeaderTimeout at most.
func (a *Admin) HTTPServer() *http.Server {
	s := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: HeaderTimeout,
		ReadTimeout:       10 * time.Second,
		// pprof's profile and trace run for up to 30 s by default.
		WriteTimeout:   60 * time.Second,
		MaxHeaderBytes: 16 << 10,
	}
	s.SetKeepAlivesEnabled(false)
	return s
}
