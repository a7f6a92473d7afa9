package config

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/user"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/caarlos0/env/v11"

	"github.com/tinyhttpd/tinyhttpd/internal/defaults"
	"github.com/tinyhttpd/tinyhttpd/internal/fileerr"
	"github.com/tinyhttpd/tinyhttpd/internal/hostport"
	"github.com/tinyhttpd/tinyhttpd/internal/regfile"
	"github.com/tinyhttpd/tinyhttpd/internal/socket"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

// EnvPrefix starts the name of every environment variable that Settings reads.
const EnvPrefix = "TINYHTTPD_"

// maxAcceptors is the largest Acceptors that Load accepts.
const maxAcceptors = 1024

// MaxRequestBytesLimit is the largest MaxRequestBytes that Load accepts.
const MaxRequestBytesLimit = GiB

// Settings are tinyhttpd's run-time settings, read from TINYHTTPD_*
// environment variables by Load, which fills every field. The zero values
// that remain meaningful are: AdminAddr "", no admin listener; RoutesFile
// "", the embedded default routes; AdminToken "", no token;
// ProxyProtocolFrom "", no trusted proxy.
//
// The struct tags are the single source of the variable names, defaults
// and help text: env and envDefault are read by caarlos0/env, usage by
// WriteUsage. A field tagged emptyAllowed keeps an explicitly set empty
// value instead of taking its default, and usageDefault replaces the
// default shown by WriteUsage.
type Settings struct {
	Addr              string        `env:"ADDR" usage:"protocol listener, host:port (\":7070\" for all interfaces), or unix:/absolute/path for a Unix domain socket"`
	UnixMode          FileMode      `env:"UNIX_MODE" envDefault:"0660" usage:"permissions of the Unix domain socket of a unix: ADDR, in octal; connecting needs write permission"`
	UnixOwner         string        `env:"UNIX_OWNER" usage:"owner of the Unix domain socket of a unix: ADDR: user, user:group or :group, by name or numeric id (changing the user needs privileges); default the process's"`
	AdminAddr         string        `env:"ADMIN_ADDR" envDefault:"127.0.0.1:7071" emptyAllowed:"true" usage:"admin HTTP listener, host:port; set to empty to disable it"`
	RoutesFile        string        `env:"ROUTES" usageDefault:"(embedded default)" usage:"routes file (YAML); file and dir paths in it are relative to its directory"`
	ReadTimeout       time.Duration `env:"READ_TIMEOUT" usage:"time to read a whole request, from accept to the client's EOF (with DEFER_ACCEPT, a client that sends nothing is accepted about a second after it connects)"`
	WriteTimeout      time.Duration `env:"WRITE_TIMEOUT" usage:"time to write a whole reply"`
	LingerTimeout     time.Duration `env:"LINGER_TIMEOUT" usage:"time to drain unread input after an early reply (408, 413, 503)"`
	MaxRequestBytes   ByteSize      `env:"MAX_REQUEST_BYTES" usage:"request size limit, larger requests get 413 (e.g. 65536, 64KiB, 1MiB; at most 1GiB)"`
	MaxRequestMemory  ByteSize      `env:"MAX_REQUEST_MEMORY" usage:"memory the requests being read or answered may hold together (beyond a pooled buffer of 4 KiB each); a request whose buffer would take more gets 503 at once; raised to MAX_REQUEST_BYTES when unset, and may not be set below it"`
	MaxConns          int           `env:"MAX_CONNS" usage:"open connections limit, new connections above it get 503 (closed unanswered while as many are being answered 503)"`
	MaxConnsPerIP     int           `env:"MAX_CONNS_PER_IP" envDefault:"0" usage:"open connections limit for one client address (the one the PROXY header names, behind a proxy), new connections above it get 503; 0 for no limit"`
	Acceptors         int           `env:"ACCEPTORS" envDefault:"0" usage:"acceptors of the protocol listener, each an event loop with (on Linux) a SO_REUSEPORT socket of its own; 0 for one per core (GOMAXPROCS)"`
	ShutdownTimeout   time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"30s" usage:"graceful drain time on SIGTERM or SIGINT"`
	ShutdownDelay     time.Duration `env:"SHUTDOWN_DELAY" envDefault:"0s" usage:"on SIGTERM or SIGINT, time during which readiness fails while connections are still accepted and served, before accepting stops (like a Kubernetes preStop sleep); 0 stops accepting at once"`
	ReusePort         bool          `env:"REUSEPORT" envDefault:"false" usage:"let another tinyhttpd share the protocol address (SO_REUSEPORT), so a new one can listen on it while the old one drains"`
	DeferAccept       bool          `env:"DEFER_ACCEPT" envDefault:"true" usageDefault:"true on Linux, false elsewhere" usage:"set TCP_DEFER_ACCEPT on the protocol listener (Linux only): a connection is accepted only once its first bytes arrive, so most requests are complete when first read and are answered on the accepting goroutine; a client that connects and sends nothing is accepted about a second late"`
	ProxyProtocol     bool          `env:"PROXY_PROTOCOL" envDefault:"false" usage:"require a PROXY protocol header (v1 or v2) on connections from PROXY_PROTOCOL_FROM and use the client address it carries; other peers are served as direct clients and may not send one"`
	ProxyProtocolFrom IPRanges      `env:"PROXY_PROTOCOL_FROM" usage:"comma-separated IPs and CIDR ranges of the proxies trusted to send the PROXY header; required with PROXY_PROTOCOL"`
	LogFormat         string        `env:"LOG_FORMAT" envDefault:"text" usage:"log format: text or json"`
	LogLevel          slog.Level    `env:"LOG_LEVEL" envDefault:"info" usage:"log level: debug, info, warn or error"`
	AdminToken        string        `env:"ADMIN_TOKEN" usage:"bearer token for admin writes and pprof"`
	AdminTokenFile    string        `env:"ADMIN_TOKEN_FILE" usage:"file holding the admin token, instead of ADMIN_TOKEN"`
	AdminRecent       int           `env:"ADMIN_RECENT" usage:"recent exchanges kept for the admin API and dashboard (1 to 100000)"`
	AdminHosts        string        `env:"ADMIN_HOSTS" usage:"comma-separated names (host or host:port) the admin endpoint also answers to in the Host header, beside its address and localhost; a Host with any other name is refused (DNS rebinding), and with a non-loopback ADMIN_ADDR any IP address is accepted too"`
	TLSCert           string        `env:"TLS_CERT" usage:"PEM certificate chain (leaf first) that makes the protocol listener a TLS one (TLS 1.2 and 1.3); with TLS_KEY; re-read on SIGHUP and POST /api/reload"`
	TLSKey            string        `env:"TLS_KEY" usage:"PEM private key of TLS_CERT"`
	TLSClientCA       string        `env:"TLS_CLIENT_CA" usage:"PEM certificates of the authorities client certificates must chain to: with it, every protocol client must present one (mutual TLS), and its subject is logged; needs TLS_CERT"`
	AdminTLSCert      string        `env:"ADMIN_TLS_CERT" usage:"PEM certificate chain that makes the admin endpoint HTTPS; with ADMIN_TLS_KEY; may be the protocol listener's files"`
	AdminTLSKey       string        `env:"ADMIN_TLS_KEY" usage:"PEM private key of ADMIN_TLS_CERT"`
}

// ErrInvalidSettings is wrapped by every *SettingsError, so that callers can
// test for a settings error with errors.Is.
var ErrInvalidSettings = errors.New("config: invalid settings")

// SettingsError reports one bad setting. Load joins several with
// errors.Join, one per line.
type SettingsError struct {
	// Var is the full variable name, such as TINYHTTPD_READ_TIMEOUT.
	Var string
	// Value is the offending value.
	Value string
	// Secret is set for values that must not be printed, such as the admin
	// token; Error then leaves Value out.
	Secret bool
	// Reason says what is wrong with the value.
	Reason string
}

// Error returns `config: VAR="value": reason`, without the value for secrets.
func (e *SettingsError) Error() string {
	if e.Secret {
		return fmt.Sprintf("config: %s: %s", e.Var, e.Reason)
	}
	return fmt.Sprintf("config: %s=%q: %s", e.Var, e.Value, e.Reason)
}

// Unwrap returns ErrInvalidSettings.
func (e *SettingsError) Unwrap() error { return ErrInvalidSettings }

// LoadFromEnv is Load with the process environment.
func LoadFromEnv() (Settings, error) { return Load(processEnviron()) }

// processEnviron returns the process environment as a map by name.
func processEnviron() map[string]string {
	environ := make(map[string]string)
	for _, kv := range os.Environ() {
		if name, value, ok := strings.Cut(kv, "="); ok {
			environ[name] = value
		}
	}
	return environ
}

// Load reads Settings from environ, a map of environment variables by name
// (prefix included). Variables that are not set, or set to empty, take their
// defaults; TINYHTTPD_ADMIN_ADDR set to empty disables the admin listener.
// When TINYHTTPD_ADMIN_TOKEN_FILE is set, the file's content without its
// trailing white space becomes AdminToken. The error, if any, lists every
// bad variable and wraps one *SettingsError per problem.
func Load(environ map[string]string) (Settings, error) {
	if environ == nil {
		environ = map[string]string{} // env would read the process environment
	}
	s := serverDefaults()
	parseErrs := translateEnvError(env.ParseWithOptions(&s, env.Options{Prefix: EnvPrefix, Environment: environ}), environ)
	keepExplicitEmpty(&s, environ)
	if err := errors.Join(append(parseErrs, s.validate(environ, parseErrs)...)...); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// Values returns every setting by its variable name, formatted as it would
// be written, with the admin token redacted.
func (s Settings) Values() map[string]string {
	r := s.Redacted()
	v := reflect.ValueOf(r)
	values := make(map[string]string)
	for _, f := range settingsFields() {
		values[varName(f)] = fmt.Sprint(v.FieldByIndex(f.Index).Interface())
	}
	return values
}

// Redacted returns a copy of s that is safe to log: AdminToken, when set,
// is replaced by "REDACTED".
func (s Settings) Redacted() Settings {
	if s.AdminToken != "" {
		s.AdminToken = "REDACTED"
	}
	return s
}

// serverDefaults returns the Settings whose defaults are the protocol
// server's and the admin endpoint's, stated once in internal/defaults, and
// zero elsewhere; the other defaults are the envDefault tags'.
func serverDefaults() Settings {
	return Settings{
		Addr:             defaults.Addr,
		ReadTimeout:      defaults.ReadTimeout,
		WriteTimeout:     defaults.WriteTimeout,
		LingerTimeout:    defaults.LingerTimeout,
		MaxRequestBytes:  defaults.MaxRequestBytes,
		MaxConns:         defaults.MaxConns,
		MaxRequestMemory: defaults.MaxRequestMemory,
		AdminRecent:      defaults.AdminRecent,
	}
}

// WriteUsage writes a table of every variable Settings reads, with its
// default and meaning, for the -h output.
func WriteUsage(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tDEFAULT\tMEANING")
	defaults := reflect.ValueOf(serverDefaults())
	for _, f := range settingsFields() {
		def := f.Tag.Get("envDefault")
		if v := defaults.FieldByIndex(f.Index); !v.IsZero() {
			def = fmt.Sprint(v.Interface())
		}
		if d, ok := f.Tag.Lookup("usageDefault"); ok {
			def = d
		}
		if def == "" {
			def = "(none)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", varName(f), def, f.Tag.Get("usage"))
	}
	tw.Flush()
}

// settingsFields returns the fields of Settings in declaration order.
func settingsFields() []reflect.StructField {
	t := reflect.TypeFor[Settings]()
	fields := make([]reflect.StructField, t.NumField())
	for i := range fields {
		fields[i] = t.Field(i)
	}
	return fields
}

// varName returns the full environment variable name of a Settings field.
func varName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
	return EnvPrefix + name
}

// fieldVar returns the full variable name of the Settings field called name.
func fieldVar(name string) string {
	f, ok := reflect.TypeFor[Settings]().FieldByName(name)
	if !ok {
		panic("config: no Settings field " + name)
	}
	return varName(f)
}

// keepExplicitEmpty undoes env's replacement of an empty value by the
// default for fields tagged emptyAllowed.
func keepExplicitEmpty(s *Settings, environ map[string]string) {
	v := reflect.ValueOf(s).Elem()
	for i, f := range settingsFields() {
		if value, set := environ[varName(f)]; set && value == "" && f.Tag.Get("emptyAllowed") == "true" {
			v.Field(i).SetZero()
		}
	}
}

// translateEnvError turns env's errors, which name Go fields, into
// SettingsErrors that name the variables.
func translateEnvError(err error, environ map[string]string) []error {
	if err == nil {
		return nil
	}
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		agg.Errors = []error{err}
	}
	errs := make([]error, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		var pe env.ParseError
		if !errors.As(e, &pe) {
			errs = append(errs, fmt.Errorf("%w: %w", ErrInvalidSettings, e))
			continue
		}
		f, _ := reflect.TypeFor[Settings]().FieldByName(pe.Name)
		name := varName(f)
		errs = append(errs, &SettingsError{Var: name, Value: environ[name], Reason: parseReason(f.Type, pe.Err)})
	}
	return errs
}

// parseReason says why a value of type t did not parse.
func parseReason(t reflect.Type, err error) string {
	var bse *byteSizeError
	var ire *ipRangesError
	var fme *fileModeError
	switch {
	case errors.As(err, &bse):
		return bse.reason
	case errors.As(err, &fme):
		return fme.reason
	case errors.As(err, &ire):
		return ire.reason
	case t == reflect.TypeFor[time.Duration]():
		return "invalid duration; want a number with a unit, such as 500ms, 10s or 1m30s"
	case t == reflect.TypeFor[slog.Level]():
		return "unknown log level; want debug, info, warn or error"
	case t.Kind() == reflect.Bool:
		return "want true or false (or 1 or 0)"
	case errors.Is(err, strconv.ErrRange):
		return "out of range"
	case t.Kind() == reflect.Int:
		return "not an integer"
	}
	return err.Error()
}

// validate checks the values that parsed but are out of range, and reads
// the admin token file. Variables already named in parseErrs are skipped:
// their fields hold zero values, not what the user wrote.
func (s *Settings) validate(environ map[string]string, parseErrs []error) []error {
	failed := make(map[string]bool)
	for _, err := range parseErrs {
		if se, ok := err.(*SettingsError); ok {
			failed[se.Var] = true
		}
	}
	var errs []error
	bad := func(field, reason string) {
		name := fieldVar(field)
		if !failed[name] {
			errs = append(errs, &SettingsError{Var: name, Value: environ[name], Reason: reason})
		}
	}
	for _, d := range []struct {
		field string
		value time.Duration
	}{
		{"ReadTimeout", s.ReadTimeout},
		{"WriteTimeout", s.WriteTimeout},
		{"LingerTimeout", s.LingerTimeout},
		{"ShutdownTimeout", s.ShutdownTimeout},
	} {
		if d.value <= 0 {
			bad(d.field, "must be greater than zero")
		}
	}
	if s.ShutdownDelay < 0 {
		bad("ShutdownDelay", "must not be negative")
	}
	if s.MaxRequestBytes <= 0 {
		bad("MaxRequestBytes", "must be greater than zero")
	} else if s.MaxRequestBytes > MaxRequestBytesLimit {
		bad("MaxRequestBytes", "must be at most "+MaxRequestBytesLimit.String())
	}
	if environ[fieldVar("MaxRequestMemory")] == "" {
		s.MaxRequestMemory = ByteSize(defaults.RequestMemory(int64(s.MaxRequestBytes)))
	} else if s.MaxRequestMemory < s.MaxRequestBytes {
		bad("MaxRequestMemory", "must be at least "+fieldVar("MaxRequestBytes")+" ("+s.MaxRequestBytes.String()+"), or the largest requests could never be read")
	}
	if s.MaxConns < 1 {
		bad("MaxConns", "must be at least 1")
	}
	if s.MaxConnsPerIP < 0 {
		bad("MaxConnsPerIP", "must be 0 (no limit) or more")
	}
	if s.Acceptors < 0 || s.Acceptors > maxAcceptors {
		bad("Acceptors", "must be from 0 (one per core) to "+strconv.Itoa(maxAcceptors))
	}
	s.dropUnsupported(environ, socket.HasDeferAccept, socket.HasReusePort, bad)
	if s.LogFormat != "text" && s.LogFormat != "json" {
		bad("LogFormat", `want "text" or "json"`)
	}
	if v := environ[fieldVar("LogLevel")]; v != "" && !slices.Contains([]string{"debug", "info", "warn", "error"}, strings.ToLower(v)) {
		bad("LogLevel", "want debug, info, warn or error") // not slog's INFO+2
	}
	if path, ok := s.UnixSocket(); ok {
		if reason := checkSocketPath(path); reason != "" {
			bad("Addr", reason)
		}
		if s.ReusePort {
			bad("ReusePort", "SO_REUSEPORT applies to TCP listeners, not to a unix: "+fieldVar("Addr"))
		}
		if s.ProxyProtocol {
			bad("ProxyProtocol", "the PROXY protocol's trusted peers are IP addresses, which a unix: "+fieldVar("Addr")+" has none of")
		}
		s.DeferAccept = false // a TCP option; its default is simply off here
		if s.UnixOwner != "" {
			if _, _, err := s.UnixOwnerIDs(); err != nil {
				bad("UnixOwner", err.Error())
			}
		}
	} else {
		if reason := checkHostPort(s.Addr); reason != "" {
			bad("Addr", reason)
		}
		for _, f := range []string{"UnixMode", "UnixOwner"} {
			if environ[fieldVar(f)] != "" {
				bad(f, "applies only to a unix: "+fieldVar("Addr"))
			}
		}
	}
	adminAddrOK := true
	if s.AdminAddr != "" {
		if reason := checkHostPort(s.AdminAddr); reason != "" {
			bad("AdminAddr", reason)
			adminAddrOK = false
		}
	}
	if s.ProxyProtocol && s.ProxyProtocolFrom == "" {
		bad("ProxyProtocolFrom", "required when "+fieldVar("ProxyProtocol")+" is true: list the addresses or CIDR ranges of the proxies that send the header")
	}
	for _, h := range s.AdminHostList() {
		if reason := checkHostName(h); reason != "" {
			bad("AdminHosts", strconv.Quote(h)+": "+reason)
		}
	}
	if s.AdminRecent < 1 || s.AdminRecent > maxAdminRecent {
		bad("AdminRecent", "must be from 1 to "+strconv.Itoa(maxAdminRecent))
	}
	s.checkTLS(bad)
	if err := s.loadToken(); err != nil {
		errs = append(errs, err)
	} else if s.AdminAddr != "" && adminAddrOK && !IsLoopback(s.AdminAddr) {
		if reason := RemoteAdminTokenProblem(s.AdminToken); reason != "" {
			bad("AdminAddr", "not a loopback address: "+reason)
		}
	}
	return errs
}

// maxAdminRecent bounds AdminRecent.
const maxAdminRecent = 100000

// IsLoopback reports whether the host:port addr listens on loopback only:
// "localhost" or a loopback IP. An empty host means every interface.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// unixPrefix starts an Addr that names a Unix domain socket.
const unixPrefix = "unix:"

// UnixSocket returns the path of the Unix domain socket Addr names
// ("unix:/run/tinyhttpd.sock"); ok is false for a TCP address.
func (s Settings) UnixSocket() (path string, ok bool) {
	return strings.CutPrefix(s.Addr, unixPrefix)
}

// maxSocketPath is the longest socket path the system takes: sun_path
// holds 108 bytes on Linux, with a terminating NUL.
const maxSocketPath = 107

// checkSocketPath returns why path cannot name tinyhttpd's Unix domain
// socket, or "" if it can. The socket's directory must exist, so that
// -check reports a missing one rather than the bind at start; whether the
// directory can be written, or holds a stale socket, is found at bind.
func checkSocketPath(path string) string {
	switch {
	case path == "":
		return "want unix:/absolute/path/to.sock"
	case !filepath.IsAbs(path):
		return "the socket path must be absolute, such as unix:/run/tinyhttpd.sock"
	case len(path) > maxSocketPath:
		return "the socket path is longer than " + strconv.Itoa(maxSocketPath) + " bytes, which the system does not take"
	case strings.ContainsRune(path, 0):
		return "the socket path must not contain NUL"
	case strings.HasSuffix(path, "/"):
		return "the socket path names a directory"
	}
	dir := filepath.Dir(path)
	if info, err := os.Stat(dir); err != nil {
		return "the socket's directory " + dir + ": " + fileerr.Cause(err).Error()
	} else if !info.IsDir() {
		return "the socket's directory " + dir + " is not a directory"
	}
	return ""
}

// UnixOwnerIDs returns the user and group ids UnixOwner names, -1 for
// those it leaves unchanged (os.Lchown's convention).
func (s Settings) UnixOwnerIDs() (uid, gid int, err error) {
	uid, gid = -1, -1
	if s.UnixOwner == "" {
		return uid, gid, nil
	}
	name, group, hasGroup := strings.Cut(s.UnixOwner, ":")
	if name == "" && !hasGroup || hasGroup && group == "" {
		return 0, 0, errors.New("want user, user:group or :group")
	}
	if name != "" {
		if uid, err = lookupID(name, user.LookupId, user.Lookup, func(u *user.User) string { return u.Uid }); err != nil {
			return 0, 0, fmt.Errorf("user %q: %w", name, err)
		}
	}
	if group != "" {
		if gid, err = lookupID(group, user.LookupGroupId, user.LookupGroup, func(g *user.Group) string { return g.Gid }); err != nil {
			return 0, 0, fmt.Errorf("group %q: %w", group, err)
		}
	}
	return uid, gid, nil
}

// lookupID resolves a user or group given by numeric id or by name to its
// numeric id.
func lookupID[T any](s string, byID, byName func(string) (T, error), id func(T) string) (int, error) {
	lookup := byName
	if _, err := strconv.Atoi(s); err == nil {
		lookup = byID
	}
	v, err := lookup(s)
	if err != nil {
		return 0, errors.New("unknown on this system")
	}
	n, err := strconv.Atoi(id(v))
	if err != nil {
		return 0, errors.New("has no numeric id")
	}
	return n, nil
}

// checkHostPort returns why addr is not a host:port with a numeric port and
// a host that is an IP address or a host name, or "" if it is one. The
// host may be empty, meaning every interface.
func checkHostPort(addr string) string {
	const want = `want host:port with a numeric port, such as 127.0.0.1:7070 or ":7070"`
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return want
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || strconv.FormatUint(n, 10) != port {
		return "port " + strconv.Quote(port) + " is not a number from 0 to 65535"
	}
	if _, err := netip.ParseAddr(host); host != "" && err != nil && !isDNSName(host) {
		return "host " + strconv.Quote(host) + " is neither an IP address nor a host name (letters, digits, hyphens and underscores, in labels between dots)"
	}
	return ""
}

// CheckListeners checks what the settings alone cannot show about the
// listeners' addresses: that the host names of Addr and AdminAddr resolve,
// as listening on them will, and that the two do not want the same port.
// It leaves Addr out unless withAddr, for a server that listens on a
// socket it was given (systemd's) instead. It returns a *SettingsError,
// joined, for each problem; a name that fails to resolve for a reason that
// may pass (a timeout, a DNS server that cannot be reached) is left for the
// listen to report.
func (s Settings) CheckListeners(ctx context.Context, withAddr bool) error {
	_, unix := s.UnixSocket()
	withAddr = withAddr && !unix
	var errs []error
	if withAddr && s.AdminAddr != "" && samePort(s.Addr, s.AdminAddr) {
		errs = append(errs, &SettingsError{Var: fieldVar("AdminAddr"), Value: s.AdminAddr, Reason: "takes the port of " + fieldVar("Addr") + " (" + s.Addr + "): the two listeners need ports of their own"})
	}
	for _, a := range []struct{ field, addr string }{{"Addr", s.Addr}, {"AdminAddr", s.AdminAddr}} {
		if a.addr == "" || a.field == "Addr" && !withAddr {
			continue
		}
		host, _, err := net.SplitHostPort(a.addr)
		if _, ipErr := netip.ParseAddr(host); err != nil || host == "" || ipErr == nil {
			continue
		}
		var notFound *net.DNSError
		if _, err := net.DefaultResolver.LookupHost(ctx, host); errors.As(err, &notFound) && notFound.IsNotFound {
			errs = append(errs, &SettingsError{Var: fieldVar(a.field), Value: a.addr, Reason: "cannot listen on this host: " + err.Error()})
		}
	}
	return errors.Join(errs...)
}

// samePort reports whether listeners on the host:port addresses a and b
// would want the same port: one that is not 0, on the same host or with
// either of them on every interface.
func samePort(a, b string) bool {
	hostA, portA, errA := net.SplitHostPort(a)
	hostB, portB, errB := net.SplitHostPort(b)
	if errA != nil || errB != nil {
		return false
	}
	everywhere := func(host string) bool {
		ip, err := netip.ParseAddr(host)
		return host == "" || err == nil && ip.IsUnspecified()
	}
	return portA == portB && portA != "0" && (hostA == hostB || everywhere(hostA) || everywhere(hostB))
}

// dropUnsupported turns off the listener options the system lacks: one
// left at its default is simply off there, so that the defaults work
// everywhere, and one set to true is reported to bad.
func (s *Settings) dropUnsupported(environ map[string]string, hasDeferAccept, hasReusePort bool, bad func(field, reason string)) {
	if !hasDeferAccept {
		if s.DeferAccept && environ[fieldVar("DeferAccept")] != "" {
			bad("DeferAccept", "TCP_DEFER_ACCEPT is not supported on this system")
		}
		s.DeferAccept = false
	}
	if !hasReusePort {
		if s.ReusePort {
			bad("ReusePort", "SO_REUSEPORT is not supported on this system")
		}
		s.ReusePort = false
	}
}

// AdminHostList returns AdminHosts split at its commas, each name trimmed
// and lower-cased, empty ones left out.
func (s Settings) AdminHostList() []string {
	var hosts []string
	for h := range strings.SplitSeq(s.AdminHosts, ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

// checkHostName returns why h is not a Host header value the admin
// endpoint can be named by, a DNS name or IP address with an optional
// numeric port (an IPv6 address in brackets), or "" if it is one. The
// syntax is the server's (internal/hostport); the names allowed are fewer.
func checkHostName(h string) string {
	const want = "want a name or IP address with an optional port, such as admin.example, admin.example:7071 or [2001:db8::1]:7071"
	a, err := hostport.Parse(h)
	switch {
	case err == hostport.ErrColons:
		return "put an IPv6 address in brackets, such as [2001:db8::1]"
	case err == hostport.ErrLiteral || err == nil && a.Kind == hostport.IPvFuture:
		return "not an IPv6 address in brackets; " + want
	case err != nil && err != hostport.ErrPort:
		return want
	case a.Kind == hostport.RegName && strings.Contains(a.Host, "*"):
		return "wildcards are not supported; list each name"
	case a.Kind == hostport.RegName && !isDNSName(a.Host):
		return want
	}
	if a.HasPort {
		if n, err := strconv.ParseUint(a.Port, 10, 16); err != nil || n == 0 || strconv.FormatUint(n, 10) != a.Port {
			return "port " + strconv.Quote(a.Port) + " is not a number from 1 to 65535"
		}
	}
	return ""
}

// isDNSName reports whether s is a host name or IPv4 address: dot-separated
// labels of ASCII letters, digits, hyphens and underscores, with at most a
// trailing dot.
func isDNSName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// loadToken reads AdminTokenFile into AdminToken and checks the token.
func (s *Settings) loadToken() error {
	tokenVar, fileVar := fieldVar("AdminToken"), fieldVar("AdminTokenFile")
	if s.AdminTokenFile == "" {
		if reason := tokenProblem(s.AdminToken); reason != "" {
			return &SettingsError{Var: tokenVar, Secret: true, Reason: reason}
		}
		return nil
	}
	fileErr := func(reason string) error {
		return &SettingsError{Var: fileVar, Value: s.AdminTokenFile, Reason: reason}
	}
	if s.AdminToken != "" {
		return fileErr("cannot be used together with " + tokenVar + "; set only one")
	}
	data, err := regfile.Read(s.AdminTokenFile, maxTokenFileSize)
	switch {
	case err != nil:
		return fileErr("cannot read the token file: " + fileerr.Cause(err).Error())
	case len(data) > maxTokenFileSize:
		return fileErr("the token file is larger than " + ByteSize(maxTokenFileSize).String())
	}
	s.AdminToken = strings.TrimRightFunc(string(data), unicode.IsSpace)
	if s.AdminToken == "" {
		return fileErr("the token file is empty")
	}
	if reason := tokenProblem(s.AdminToken); reason != "" {
		return fileErr("the token in the file " + reason)
	}
	return nil
}

// MinRemoteAdminTokenLen is the length of the shortest admin token that
// may guard an admin endpoint beyond loopback, where anyone who reaches it
// may guess: 16 characters.
const MinRemoteAdminTokenLen = 16

// RemoteAdminTokenProblem says why token cannot guard an admin endpoint
// that listens beyond loopback, or returns "" if it can.
func RemoteAdminTokenProblem(token string) string {
	set := fieldVar("AdminToken") + " or " + fieldVar("AdminTokenFile")
	switch n := utf8.RuneCountInString(token); {
	case n == 0:
		return "set " + set + " to serve the admin API beyond this machine"
	case n < MinRemoteAdminTokenLen:
		return fmt.Sprintf("the admin token (%s) has %d characters; beyond this machine it needs at least %d", set, n, MinRemoteAdminTokenLen)
	}
	return ""
}

// maxTokenFileSize bounds the admin token file.
const maxTokenFileSize = 64 << 10

// tokenProblem says what makes token unusable in an Authorization header,
// or returns "" if nothing does.
func tokenProblem(token string) string {
	if strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "must not contain spaces or control characters"
	}
	return ""
}

// checkTLS checks that each certificate comes with its key, and that the
// files are readable and hold a certificate chain and the key that matches
// it, so that a bad pair stops tinyhttpd at start with the variable's name.
func (s *Settings) checkTLS(bad func(field, reason string)) {
	for _, p := range []struct{ certField, keyField, cert, key string }{
		{"TLSCert", "TLSKey", s.TLSCert, s.TLSKey},
		{"AdminTLSCert", "AdminTLSKey", s.AdminTLSCert, s.AdminTLSKey},
	} {
		switch {
		case p.cert == "" && p.key == "":
		case p.cert == "":
			bad(p.certField, "required with "+fieldVar(p.keyField))
		case p.key == "":
			bad(p.keyField, "required with "+fieldVar(p.certField))
		default:
			if _, err := tlscert.Load(p.cert, p.key); err != nil {
				field := p.certField
				if re := (*tlscert.ReadError)(nil); errors.As(err, &re) && re.File == p.key && p.key != p.cert {
					field = p.keyField // the key file cannot be read: its variable is at fault
				}
				bad(field, err.Error())
			}
		}
	}
	if s.TLSClientCA != "" {
		if s.TLSCert == "" {
			bad("TLSClientCA", "needs "+fieldVar("TLSCert")+" and "+fieldVar("TLSKey"))
		} else if _, err := tlscert.LoadPool(s.TLSClientCA); err != nil {
			bad("TLSClientCA", err.Error())
		}
	}
}

// TLS reports whether the protocol listener speaks TLS.
func (s Settings) TLS() bool { return s.TLSCert != "" }
