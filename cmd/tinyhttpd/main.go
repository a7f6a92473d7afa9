// Command tinyhttpd serves static replies over the half-close exchange: a
// client sends its request and shuts down its write side; tinyhttpd reads to
// EOF, replies from its route table, and closes.
//
// Settings come from TINYHTTPD_* environment variables (tinyhttpd -h lists
// them); routes from the file named by TINYHTTPD_ROUTES, or the built-in
// default.
package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	systemd "github.com/coreos/go-systemd/v22/daemon"

	"github.com/tinyhttpd/tinyhttpd/admin"
	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/logbuf"
	"github.com/tinyhttpd/tinyhttpd/internal/reload"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
	"github.com/tinyhttpd/tinyhttpd/internal/version"
	"github.com/tinyhttpd/tinyhttpd/respond"
	"github.com/tinyhttpd/tinyhttpd/server"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // the server could not run or stop cleanly
	exitConfig = 2 // bad flags, settings or routes
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tinyhttpd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	check := fs.Bool("check", false, "check settings and routes, then exit: 0 if valid, 2 if not")
	printVersion := fs.Bool("version", false, "print the version and exit")
	genCert := fs.String("gen-cert", "", "write a self-signed certificate for localhost, 127.0.0.1 and ::1 to `DIR`/cert.pem and DIR/key.pem, valid a year, then exit")
	fs.Usage = func() {} // -h prints the full usage to stdout below; errors get a hint
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(fs, stdout)
			return exitOK
		}
		fmt.Fprintln(stderr, "tinyhttpd: see tinyhttpd -h")
		return exitConfig
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tinyhttpd: unexpected argument %q; settings come from TINYHTTPD_* variables (tinyhttpd -h)\n", fs.Arg(0))
		return exitConfig
	}
	if *printVersion {
		fmt.Fprintf(stdout, "tinyhttpd %s\n", version.Release)
		return exitOK
	}
	if *genCert != "" {
		return writeSelfSigned(*genCert, stdout, stderr)
	}

	// SIGHUP is caught from here on: a reload asked for while the server
	// starts (systemd's reload right after its restart) must not end it, as
	// the signal's default action would. It waits in hups and runs once the
	// server serves.
	hups := make(chan os.Signal, 1)
	signal.Notify(hups, syscall.SIGHUP)
	defer signal.Stop(hups)

	settings, err := config.LoadFromEnv()
	if err != nil {
		fmt.Fprintf(stderr, "tinyhttpd: %v\n", err)
		return exitConfig
	}
	table, err := reload.Load(settings.RoutesFile)
	if err != nil {
		fmt.Fprintf(stderr, "tinyhttpd: routes:\n%v\n", err)
		return exitConfig
	}
	unknown := config.UnknownVarsFromEnv()
	if *check {
		if err := checkListeners(settings, true); err != nil {
			fmt.Fprintf(stderr, "tinyhttpd: %v\n", err)
			return exitConfig
		}
		for _, u := range unknown {
			fmt.Fprintf(stderr, "tinyhttpd: warning: %v\n", u)
		}
		fmt.Fprintf(stdout, "tinyhttpd: settings ok; %d routes ok from %s\n", len(table.Routes()), table.Source())
		return exitOK
	}
	logs := logbuf.NewWriter(stderr, logBufferSize, logFlushInterval)
	defer logs.Close()
	logger := newLogger(settings, logs)
	for _, u := range unknown {
		attrs := []any{"var", u.Name}
		if u.Nearest != "" {
			attrs = append(attrs, "did_you_mean", u.Nearest)
		}
		logger.Warn("unknown setting ignored", attrs...)
	}
	return serve(settings, table, logger, hups)
}

func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, `Usage: tinyhttpd [-check] [-version] [-gen-cert DIR]

tinyhttpd answers the half-close exchange: the client sends a request and
shuts down its write side; tinyhttpd reads to EOF, replies from its route
table, and closes. Try it with:

    printf 'GET /hello\n' | nc -N 127.0.0.1 7070

Flags:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintf(w, "\nSettings (environment variables):\n\n")
	config.WriteUsage(w)
}

// The log is written in batches (see logbuf): the access log line of each
// exchange, written on its own, would cost a write system call per
// exchange (docs/PERFORMANCE.md gives the figure). A line waits at most
// logFlushInterval; warnings and errors are written at once, and
// everything is written before tinyhttpd exits.
// lookUpTimeout bounds the look-up of the listeners' host names.
const lookUpTimeout = 10 * time.Second

// checkListeners runs s.CheckListeners within lookUpTimeout.
func checkListeners(s config.Settings, withAddr bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), lookUpTimeout)
	defer cancel()
	return s.CheckListeners(ctx, withAddr)
}

const (
	logBufferSize    = 64 << 10
	logFlushInterval = 100 * time.Millisecond
)

// newLogger returns the logger the settings ask for, writing to logs.
func newLogger(s config.Settings, logs *logbuf.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: s.LogLevel}
	var h slog.Handler = slog.NewTextHandler(logs, opts)
	if s.LogFormat == "json" {
		h = slog.NewJSONHandler(logs, opts)
	}
	return slog.New(&logbuf.Handler{Handler: h, Writer: logs, Level: slog.LevelWarn})
}

// notifySystemd tells systemd the service's state (sd_notify), when it
// runs tinyhttpd as a Type=notify service: NOTIFY_SOCKET names its socket.
// Without it, nothing is sent; a failure to send is logged, not fatal.
func notifySystemd(logger *slog.Logger, state string) {
	if _, err := systemd.SdNotify(false, state); err != nil {
		logger.Warn("cannot notify systemd", "state", state, "err", err)
	}
}

// serve runs the protocol server, and the admin endpoint unless disabled,
// until SIGINT or SIGTERM; then it shuts down gracefully (see shutdown).
// SIGHUP reloads the routes file, keeping the current table if the file is
// bad.
func serve(s config.Settings, table *respond.Table, logger *slog.Logger, hups chan os.Signal) int {
	srv := &server.Server{
		Addr:             s.Addr,
		ReadTimeout:      s.ReadTimeout,
		WriteTimeout:     s.WriteTimeout,
		LingerTimeout:    s.LingerTimeout,
		MaxRequestBytes:  int64(s.MaxRequestBytes),
		MaxRequestMemory: int64(s.MaxRequestMemory),
		MaxConns:         s.MaxConns,
		MaxConnsPerIP:    s.MaxConnsPerIP,
		Acceptors:        s.Acceptors,
		Logger:           logger,
	}
	srv.SetRoutes(table)
	reloader := &reload.Reloader{Server: srv, File: s.RoutesFile, Logger: logger}
	protoCert, adminCert, err := loadCerts(s, srv)
	if err != nil {
		logger.Error("cannot start TLS", "err", err)
		return exitConfig
	}
	for _, c := range []*tlscert.Store{protoCert, adminCert} {
		if c != nil {
			reloader.Certs = append(reloader.Certs, c)
		}
	}

	inherited, socketName, err := activated(logger)
	if err != nil {
		logger.Error("cannot use the sockets systemd passed", "err", err)
		return exitConfig
	}
	srv.ListenersShared = inherited != nil // systemd keeps the socket open
	if err := checkListeners(s, inherited == nil); err != nil {
		logger.Error("cannot listen", "err", err)
		return exitConfig
	}
	l, err := listen(s, inherited, logger)
	if err != nil {
		logger.Error("cannot listen", "addr", s.Addr, "err", err)
		return exitFailed
	}
	defer l.Close()
	protocolAddr := l.Addr().String()

	// The admin endpoint is served before the protocol listener, so /readyz
	// says 503 until exchanges are being accepted.
	var adminSrv *http.Server
	adminAddr := "disabled"
	adminErr := make(chan error, 1)
	if s.AdminAddr != "" {
		al, err := listenAdmin(s.AdminAddr)
		if err != nil {
			logger.Error("cannot listen for the admin endpoint", "addr", s.AdminAddr, "err", err)
			return exitFailed
		}
		if err := checkAdminBound(al.Addr(), s.AdminToken); err != nil {
			al.Close()
			logger.Error("refusing to serve the admin endpoint", "addr", s.AdminAddr, "err", err)
			return exitConfig
		}
		adminAddr = al.Addr().String()
		al = admin.Listener(al) // under TLS, which net/http must see to set Request.TLS
		if adminCert != nil {
			al = tls.NewListener(al, adminCert.ServerConfig(nil))
		} else if warning := adminTLSWarning(s); warning != "" {
			logger.Warn(warning, "admin", adminAddr)
		}
		adm := admin.New(admin.Options{
			Server: srv, Reloader: reloader, Settings: s, Token: s.AdminToken,
			Addr: al.Addr(), Hosts: s.AdminHostList(), ProtocolAddr: protocolAddr, Recent: s.AdminRecent,
		})
		srv.OnExchange = adm.Observe
		adminSrv = adm.HTTPServer()
		adminSrv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
		go func() { adminErr <- adminSrv.Serve(al) }()
		defer adminSrv.Close()
	}

	logger.Info("tinyhttpd listening", "version", version.Release, "addr", protocolAddr, "admin", adminAddr,
		"routes", table.Source(), "route_count", len(table.Routes()),
		"reuseport", s.ReusePort, "proxy_protocol_from", proxyFrom(s), "systemd_socket", cmp.Or(socketName, "none"),
		"tls", tlsMode(s.TLS(), s.TLSClientCA != ""), "admin_tls", tlsMode(adminCert != nil, false))

	// Stop signals and SIGHUP have channels of their own, and reloads run
	// off this loop: os/signal drops a signal its channel has no room for,
	// so a stop must never queue behind reloads. SIGHUPs that arrive during
	// a reload make one more, not one each.
	stops := make(chan os.Signal, 2) // the first, and the second that aborts
	signal.Notify(stops, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(stops)
	reloading := make(chan struct{})
	go func() {
		defer close(reloading)
		for range hups {
			reloader.Reload("SIGHUP")
		}
	}()
	defer func() {
		// Ignored first: a SIGHUP with no handler left would end the
		// process, and the logs not yet written, while a reload finishes.
		signal.Ignore(syscall.SIGHUP)
		signal.Stop(hups)
		close(hups)
		<-reloading
	}()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	// The listener is bound and queues connections: under systemd's
	// Type=notify the start ends here, and a reload is sent no sooner.
	notifySystemd(logger, systemd.SdNotifyReady)
	for {
		select {
		case err := <-served:
			logger.Error("server stopped", "err", err)
			return exitFailed
		case err := <-adminErr:
			logger.Error("admin endpoint stopped", "err", err)
			return exitFailed
		case sig := <-stops:
			code := shutdown(srv, s, sig, stops, served, logger)
			if adminSrv != nil {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				adminSrv.Shutdown(ctx)
				cancel()
			}
			return code
		}
	}
}

// loadCerts reads the certificates the settings name and gives the
// protocol server its TLS configuration; each store is nil without its
// listener's TLS.
func loadCerts(s config.Settings, srv *server.Server) (protocol, admin *tlscert.Store, err error) {
	if s.TLS() {
		if protocol, err = tlscert.NewStore("protocol", s.TLSCert, s.TLSKey); err != nil {
			return nil, nil, err
		}
		var pool *x509.CertPool
		if s.TLSClientCA != "" {
			if pool, err = tlscert.LoadPool(s.TLSClientCA); err != nil {
				return nil, nil, err
			}
		}
		srv.TLSConfig = protocol.ServerConfig(pool)
	}
	if s.AdminTLSCert != "" {
		if admin, err = tlscert.NewStore("admin", s.AdminTLSCert, s.AdminTLSKey); err != nil {
			return nil, nil, err
		}
	}
	return protocol, admin, nil
}

// adminTLSWarning returns the warning for an admin endpoint that listens
// beyond loopback with a token and without TLS, or "".
func adminTLSWarning(s config.Settings) string {
	if s.AdminTLSCert != "" || s.AdminToken == "" || s.AdminAddr == "" || config.IsLoopback(s.AdminAddr) {
		return ""
	}
	return "the admin endpoint listens beyond loopback without TLS: its token crosses the network in clear text; set TINYHTTPD_ADMIN_TLS_CERT and TINYHTTPD_ADMIN_TLS_KEY"
}

// tlsMode describes a listener's TLS for the start line.
func tlsMode(on, mutual bool) string {
	switch {
	case mutual:
		return "mutual"
	case on:
		return "on"
	}
	return "off"
}

// writeSelfSigned writes a self-signed pair for this machine to dir, for
// -gen-cert, and says how to use it.
func writeSelfSigned(dir string, stdout, stderr io.Writer) int {
	pair, err := tlscert.SelfSigned(tlscert.Options{Hosts: tlscert.LocalHosts})
	if err == nil {
		var certFile, keyFile string
		if certFile, keyFile, err = pair.Write(dir); err == nil {
			fmt.Fprintf(stdout, "tinyhttpd: wrote %s and %s (self-signed for %s, valid until %s); serve with:\n\n",
				certFile, keyFile, strings.Join(tlscert.LocalHosts, ", "), pair.Cert.NotAfter.Format(time.DateOnly))
			fmt.Fprintf(stdout, "    TINYHTTPD_TLS_CERT=%s TINYHTTPD_TLS_KEY=%s tinyhttpd\n", certFile, keyFile)
			return exitOK
		}
	}
	fmt.Fprintf(stderr, "tinyhttpd: -gen-cert: %v\n", err)
	return exitFailed
}

// proxyFrom describes the PROXY protocol setting for the start line.
func proxyFrom(s config.Settings) string {
	if !s.ProxyProtocol {
		return "off"
	}
	return string(s.ProxyProtocolFrom)
}

// shutdown stops the server after the first stop signal. With a
// ShutdownDelay, readiness fails at once while connections are still
// accepted and served for that long, so that load balancers and
// Kubernetes endpoints stop sending new ones before the listener closes;
// then Shutdown lets accepted exchanges finish within ShutdownTimeout. A
// second signal, during the delay or after, closes every connection at
// once.
func shutdown(srv *server.Server, s config.Settings, sig os.Signal, signals <-chan os.Signal, served <-chan error, logger *slog.Logger) int {
	notifySystemd(logger, systemd.SdNotifyStopping)
	abort, cancelAbort := context.WithCancel(context.Background())
	defer cancelAbort()
	go func() {
		select {
		case sig := <-signals:
			logger.Warn("second signal: closing every connection now", "signal", sig.String())
			cancelAbort()
		case <-abort.Done():
		}
	}()
	if s.ShutdownDelay > 0 {
		srv.DrainUntilShutdown()
		logger.Info("shutting down after a delay: not ready, still serving", "signal", sig.String(), "delay", s.ShutdownDelay)
		delay := time.NewTimer(s.ShutdownDelay)
		select {
		case <-delay.C:
		case <-abort.Done():
			delay.Stop()
		}
	}
	logger.Info("shutting down: answering accepted exchanges", "signal", sig.String(), "timeout", s.ShutdownTimeout)
	ctx, cancel := context.WithTimeout(abort, s.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(ctx)
	if serr := <-served; !errors.Is(serr, server.ErrServerClosed) {
		logger.Error("server stopped", "err", serr)
	}
	if err == nil && abort.Err() != nil {
		err = abort.Err() // the second signal came before Shutdown found nothing open
	}
	if err != nil {
		logger.Error("shutdown incomplete: connections closed", "err", err)
		return exitFailed
	}
	logger.Info("shutdown complete")
	return exitOK
}
