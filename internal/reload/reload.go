// Package reload re-reads the routes file and the TLS certificates and
// swaps them into a running server: the one reload path behind SIGHUP and
// the admin API.
package reload

import (
	"crypto/tls"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
	"github.com/tinyhttpd/tinyhttpd/respond"
	"github.com/tinyhttpd/tinyhttpd/server"
)

// Reloader reloads the routes of Server from File ("" for the embedded
// default), and the certificates of Certs. A reload is whole: a bad file
// replaces nothing being served.
type Reloader struct {
	Server *server.Server
	File   string
	// Certs are the TLS listeners' certificates, re-read on each reload.
	Certs []*tlscert.Store
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

// Reload reads the routes file and every certificate and, if all are
// good, makes them what the server uses: its table, for exchanges that
// start from then on (those in flight finish on the table they started
// with), and each certificate, for handshakes from then on. If any is bad,
// it changes nothing and returns why, for every file at fault.
func (r *Reloader) Reload(trigger string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	table, err := Load(r.File)
	errs := []error{err}
	certs := make([]*tls.Certificate, len(r.Certs))
	for i, c := range r.Certs {
		certs[i], err = c.Read()
		errs = append(errs, err)
	}
	res := &Result{At: time.Now(), Trigger: trigger}
	defer r.last.Store(res)
	log := r.logger()
	if err := errors.Join(errs...); err != nil {
		r.failed.Add(1)
		res.Error = err.Error()
		log.Error("reload failed; keeping the current routes and certificates", "trigger", trigger, "current", r.Server.Routes().Source(), "err", err)
		return err
	}
	r.ok.Add(1)
	r.Server.SetRoutes(table)
	log.Info("routes reloaded", "trigger", trigger, "routes", table.Source(), "route_count", len(table.Routes()))
	for i, c := range r.Certs {
		c.Use(certs[i])
		leaf := certs[i].Leaf
		log.Info("TLS certificate reloaded", "trigger", trigger, "listener", c.Name, "subject", leaf.Subject.String(), "not_after", leaf.NotAfter)
	}
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
func Load(file string) (*respond.Table, error) {
	routes, err := config.LoadRoutes(file)
	if err != nil {
		return nil, err
	}
	return respond.NewTable(routes)
}
