// Package reload re-reads the routes file and swaps the new table into a
// running server: the one reload path behind SIGHUP and the admin API.
package reload

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/server"
)

// Reloader reloads the routes of Server from File ("" for the embedded
// default). A bad file never replaces the table being served.
type Reloader struct {
	Server *server.Server
	File   string
	// Logger receives one line per reload. If nil, slog.Default().
	Logger *slog.Logger

	mu     sync.Mutex // one reload at a time
	ok     atomic.Uint64
	failed atomic.Uint64
	last   atomic.Pointer[Result]
}

// Result describes one reload.
type Result struct {
	// At is when the reload ended; Trigger says what asked for it
	// ("SIGHUP", "admin API").
	At      time.Time `json:"at"`
	Trigger string    `json:"trigger"`
	// Error is the reason a reload failed, with file:line:col positions;
	// empty on success.
	Error string `json:"error,omitempty"`
}

// Reload loads the routes and, if they are valid, makes them the server's
// table; exchanges in flight finish on the table they started with. It
// returns the load error, and keeps the current table, if the file is bad.
func (r *Reloader) Reload(trigger string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	table, err := Load(r.File)
	res := &Result{At: time.Now(), Trigger: trigger}
	log := r.logger()
	if err != nil {
		r.failed.Add(1)
		res.Error = err.Error()
		r.last.Store(res)
		log.Error("reload failed; keeping the current routes", "trigger", trigger, "current", r.Server.Routes().Source(), "err", err)
		return err
	}
	r.Server.SetRoutes(table)
	r.ok.Add(1)
	r.last.Store(res)
	log.Info("routes reloaded", "trigger", trigger, "routes", table.Source(), "route_count", len(table.Routes()))
	return nil
}

// Counts returns how many reloads succeeded and failed.
func (r *Reloader) Counts() (ok, failed uint64) { return r.ok.Load(), r.failed.Load() }

// Last returns the most recent reload, or nil if there was none.
func (r *Reloader) Last() *Result { return r.last.Load() }

func (r *Reloader) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}

// Load reads the routes of file ("" for the embedded default) into a
// table, as at start and on every reload.
func Load(file string) (*server.Table, error) {
	routes, err := config.LoadRoutes(file)
	if err != nil {
		return nil, err
	}
	return server.NewTable(routes)
}
