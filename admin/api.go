package admin

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/reload"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
	"github.com/tinyhttpd/tinyhttpd/internal/version"
	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/server"
)

// Status is the body of GET /api/status.
type Status struct {
	Version       string            `json:"version"`
	Started       time.Time         `json:"started"`
	UptimeSeconds float64           `json:"uptime_seconds"`
	Addresses     Addresses         `json:"addresses"`
	Ready         bool              `json:"ready"`
	Draining      bool              `json:"draining"`
	Settings      map[string]string `json:"settings"`
	Connections   Connections       `json:"connections"`
	Totals        Totals            `json:"totals"`
	Bytes         Bytes             `json:"bytes"`
	Acceptors     []Acceptor        `json:"acceptors"`
	Latency       Latency           `json:"latency"`
	Routes        map[string]uint64 `json:"routes,omitempty"` // written last, a route at a time (see status)
	Reloads       Reloads           `json:"reloads"`
	// TLS describes each TLS listener's certificate; empty without TLS.
	TLS []tlscert.Info `json:"tls"`
}

// Addresses are the listeners' addresses.
type Addresses struct {
	Protocol string `json:"protocol"`
	Admin    string `json:"admin"`
}

// Connections are the protocol connections open now, by exchange state.
type Connections struct {
	Reading   int64 `json:"reading"`
	Writing   int64 `json:"writing"`
	Lingering int64 `json:"lingering"`
	// RequestMemory is the memory the requests being read or answered
	// hold, in bytes,
	// as counted against MAX_REQUEST_MEMORY.
	RequestMemory int64 `json:"request_memory_bytes"`
}

// Totals count exchanges since start.
type Totals struct {
	Accepted   uint64 `json:"accepted"`
	Dropped    uint64 `json:"dropped"`
	Delivered  uint64 `json:"delivered"`
	ClientGone uint64 `json:"client_gone"`
	// Timeouts, TooLarge, Malformed and Busy count the server's own
	// replies, not a route's of the same status: 408 (and replies cut by
	// the write timeout); 413; 400, 414, 431 and 505; 503.
	Timeouts  uint64            `json:"timeouts"`
	TooLarge  uint64            `json:"too_large"`
	Malformed uint64            `json:"malformed"`
	Busy      uint64            `json:"busy"`
	Panics    uint64            `json:"panics"`
	Replies   map[string]uint64 `json:"replies"`
	Ends      map[string]uint64 `json:"ends"`
}

// Bytes count protocol bytes since start.
type Bytes struct {
	In  uint64 `json:"in"`
	Out uint64 `json:"out"`
}

// Acceptor counts one acceptor goroutine's connections.
type Acceptor struct {
	ID       int    `json:"id"`
	Accepted uint64 `json:"accepted"`
	// Inline counts the exchanges it answered itself, without a goroutine.
	Inline uint64 `json:"inline"`
}

// Reloads count reloads of the routes and certificates.
type Reloads struct {
	OK     uint64         `json:"ok"`
	Failed uint64         `json:"failed"`
	Last   *reload.Result `json:"last,omitempty"`
}

// statusWindow is the window of the status API's latency percentiles.
const statusWindow = 60

// status answers GET /api/status. Its per-route counts are written a
// route at a time: MaxRoutes long paths are megabytes of JSON.
func (a *Admin) status(w http.ResponseWriter, r *http.Request) error {
	s := a.snapshot(time.Now())
	routes := slices.Sorted(maps.Keys(s.Routes))
	counts := s.Routes
	s.Routes = nil
	writeJSONList(w, http.StatusOK, s, "routes", true, len(routes), func(i int) (string, any) { return routes[i], counts[routes[i]] })
	return nil
}

func (a *Admin) snapshot(now time.Time) Status {
	srv := a.opts.Server
	st := srv.Stats()
	s := Status{
		Version:       version.Release,
		Started:       a.started,
		UptimeSeconds: now.Sub(a.started).Seconds(),
		Addresses:     Addresses{Protocol: a.opts.ProtocolAddr},
		Ready:         srv.Ready(),
		Draining:      srv.Draining(),
		Settings:      a.opts.Settings.Values(),
		Connections:   Connections{Reading: st.Reading, Writing: st.Writing, Lingering: st.Lingering, RequestMemory: st.RequestMemory},
		Totals: Totals{
			Accepted:   st.Accepted,
			Dropped:    st.Dropped,
			Delivered:  st.Ends[server.EndDelivered],
			ClientGone: st.Ends[server.EndClientGone] + st.Ends[server.EndReset],
			Timeouts:   st.OwnReplies[408] + st.Ends[server.EndWriteTimeout],
			TooLarge:   st.OwnReplies[413],
			Malformed:  st.OwnReplies[400] + st.OwnReplies[414] + st.OwnReplies[431] + st.OwnReplies[505],
			Busy:       st.OwnReplies[503],
			Panics:     st.Panics,
			Replies:    make(map[string]uint64),
			Ends:       make(map[string]uint64),
		},
		Bytes:     Bytes{In: st.BytesIn, Out: st.BytesOut},
		Acceptors: make([]Acceptor, 0, len(st.Acceptors)),
		Latency:   a.series.window(now, statusWindow),
		Routes:    a.routeCounts(),
	}
	if a.opts.Addr != nil {
		s.Addresses.Admin = a.opts.Addr.String()
	}
	for _, acc := range st.Acceptors {
		s.Acceptors = append(s.Acceptors, Acceptor(acc))
	}
	for status, n := range st.Replies {
		s.Totals.Replies[statusLabel(status)] = n
	}
	for end, n := range st.Ends {
		s.Totals.Ends[end.String()] = n
	}
	if rl := a.opts.Reloader; rl != nil {
		s.Reloads.OK, s.Reloads.Failed = rl.Counts()
		s.Reloads.Last = rl.Last()
	}
	s.TLS = make([]tlscert.Info, 0, len(a.certs()))
	for _, c := range a.certs() {
		s.TLS = append(s.TLS, c.Info())
	}
	return s
}

// seriesAPI answers GET /api/series?seconds=N (default 120, at most 299):
// requests, errors and latency per second, oldest first.
func (a *Admin) seriesAPI(w http.ResponseWriter, r *http.Request) error {
	n := 120
	if v := r.URL.Query().Get("seconds"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n >= seriesSeconds {
			return errorf(http.StatusBadRequest, "seconds must be from 1 to "+strconv.Itoa(seriesSeconds-1))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"points": a.series.points(time.Now(), n)})
	return nil
}

// RouteInfo is one route as GET /api/routes shows it.
type RouteInfo struct {
	Path     string   `json:"path"`
	Prefix   bool     `json:"prefix"`
	Kind     string   `json:"kind"`
	Detail   string   `json:"detail"`
	Methods  []string `json:"methods"`
	Status   int      `json:"status"`
	Delay    string   `json:"delay,omitempty"`
	Requests uint64   `json:"requests"`
}

// RoutesBody is the body of GET /api/routes (which writes it a route at a
// time).
type RoutesBody struct {
	Source string      `json:"source"`
	Loaded time.Time   `json:"loaded"`
	Routes []RouteInfo `json:"routes,omitempty"` // written last, a route at a time (see routesAPI)
}

// routesAPI answers GET /api/routes, each route encoded as it is written:
// a table of MaxRoutes long paths is megabytes of JSON.
func (a *Admin) routesAPI(w http.ResponseWriter, r *http.Request) error {
	t := a.opts.Server.Routes()
	if t == nil {
		return errorf(http.StatusServiceUnavailable, "no route table loaded")
	}
	counts := a.routeCounts()
	routes := t.Routes()
	writeJSONList(w, http.StatusOK, RoutesBody{Source: t.Source(), Loaded: t.Loaded()}, "routes", false, len(routes), func(i int) (string, any) {
		rt := routes[i]
		info := RouteInfo{
			Path: rt.Path, Prefix: rt.Prefix, Kind: string(rt.Kind), Detail: routeDetail(rt),
			Methods: rt.Methods, Status: rt.Status, Requests: counts[rt.Path],
		}
		if rt.Delay > 0 {
			info.Delay = rt.Delay.String()
		}
		return "", info
	})
	return nil
}

// routeDetail says in a few words what a route replies with.
func routeDetail(rt route.Route) string {
	switch rt.Kind {
	case route.KindBody:
		return strconv.Itoa(len(rt.Body)) + " bytes"
	case route.KindFile:
		return rt.File
	case route.KindDir:
		var with []string
		if rt.Listing {
			with = append(with, "listing")
		}
		if rt.Dotfiles {
			with = append(with, "dot files")
		}
		if len(with) == 0 {
			return rt.Dir
		}
		return rt.Dir + " (" + strings.Join(with, ", ") + ")"
	case route.KindFault:
		return rt.Fault
	case route.KindRedirect:
		return "to " + rt.Redirect
	}
	return ""
}

// MaxRequestsLimit is the most exchanges one GET /api/requests answers
// with, whatever ADMIN_RECENT keeps, so that the memory one reply takes
// does not grow with the ring.
const MaxRequestsLimit = 1000

// requests answers GET /api/requests?limit=N (N from 1 to
// MaxRequestsLimit; by default all that the ring keeps, at most
// MaxRequestsLimit): the N most recent exchanges, most recent first, each
// target cut to maxRecentTarget bytes.
func (a *Admin) requests(w http.ResponseWriter, r *http.Request) error {
	size := len(a.recent.ring)
	limit := min(size, MaxRequestsLimit)
	if v := r.URL.Query().Get("limit"); v != "" {
		var err error
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > MaxRequestsLimit {
			return errorf(http.StatusBadRequest, "limit must be a whole number from 1 to "+strconv.Itoa(MaxRequestsLimit))
		}
	}
	list := a.recent.list(limit)
	writeJSONList(w, http.StatusOK, map[string]any{"size": size}, "requests", false, len(list), func(i int) (string, any) { return "", list[i] })
	return nil
}

func (a *Admin) reload(w http.ResponseWriter, r *http.Request) error {
	rl := a.opts.Reloader
	if rl == nil {
		return errorf(http.StatusNotImplemented, "reload is not available")
	}
	if err := rl.Reload("admin API"); err != nil {
		return errorf(http.StatusBadRequest, err.Error())
	}
	t := a.opts.Server.Routes()
	writeJSON(w, http.StatusOK, map[string]any{"reloaded": true, "source": t.Source(), "routes": len(t.Routes()), "certificates": len(rl.Certs)})
	return nil
}

func (a *Admin) drain(w http.ResponseWriter, r *http.Request) error {
	a.opts.Server.Drain()
	writeJSON(w, http.StatusAccepted, map[string]any{"draining": true})
	return nil
}

// endDrain ends a drain; a server shutting down stays draining.
func (a *Admin) endDrain(w http.ResponseWriter, r *http.Request) error {
	if !a.opts.Server.EndDrain() {
		return errorf(http.StatusConflict, "the server is shutting down; its drain cannot end")
	}
	writeJSON(w, http.StatusOK, map[string]any{"draining": false})
	return nil
}
