package config

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

var defaultSettings = Settings{
	Addr:             "127.0.0.1:7070",
	UnixMode:         0o660,
	AdminAddr:        "127.0.0.1:7071",
	ReadTimeout:      10 * time.Second,
	WriteTimeout:     10 * time.Second,
	LingerTimeout:    2 * time.Second,
	MaxRequestBytes:  MiB,
	MaxRequestMemory: 256 * MiB,
	MaxConns:         10000,
	ShutdownTimeout:  30 * time.Second,
	DeferAccept:      socket.HasDeferAccept,
	LogFormat:        "text",
	LogLevel:         slog.LevelInfo,
	AdminRecent:      200,
}

func TestLoadDefaults(t *testing.T) {
	for _, environ := range []map[string]string{nil, {}, {"OTHER": "x", "TINYHTTPD_LOG_FORMAT": ""}, {"TINYHTTPD_READ_TIMEOUT": "", "TINYHTTPD_MAX_CONNS": ""}} {
		s, err := Load(environ)
		if err != nil {
			t.Fatal(err)
		}
		if s != defaultSettings {
			t.Errorf("Load(%v) =\n %+v\nwant\n %+v", environ, s, defaultSettings)
		}
	}
}

func TestLoadEachVariable(t *testing.T) {
	sock := "unix:" + filepath.Join(os.TempDir(), "tinyhttpd.sock")
	tests := []struct {
		name, value string
		change      func(*Settings)
	}{
		{"ADDR", ":8080", func(s *Settings) { s.Addr = ":8080" }},
		{"ADDR", "[::1]:0", func(s *Settings) { s.Addr = "[::1]:0" }},
		{"ADDR", sock, func(s *Settings) { s.Addr = sock; s.DeferAccept = false }},
		{"ADMIN_ADDR", "localhost:9000", func(s *Settings) { s.AdminAddr = "localhost:9000" }},
		{"ADMIN_ADDR", "", func(s *Settings) { s.AdminAddr = "" }},
		{"ROUTES", "/etc/tinyhttpd/routes.yaml", func(s *Settings) { s.RoutesFile = "/etc/tinyhttpd/routes.yaml" }},
		{"READ_TIMEOUT", "1m30s", func(s *Settings) { s.ReadTimeout = 90 * time.Second }},
		{"WRITE_TIMEOUT", "250ms", func(s *Settings) { s.WriteTimeout = 250 * time.Millisecond }},
		{"LINGER_TIMEOUT", "1s", func(s *Settings) { s.LingerTimeout = time.Second }},
		{"MAX_REQUEST_BYTES", "64KiB", func(s *Settings) { s.MaxRequestBytes = 64 * KiB }},
		{"MAX_REQUEST_BYTES", "1 gib", func(s *Settings) { s.MaxRequestBytes, s.MaxRequestMemory = GiB, GiB }}, // memory unset: raised to the request limit
		{"MAX_REQUEST_MEMORY", "64MiB", func(s *Settings) { s.MaxRequestMemory = 64 * MiB }},
		{"MAX_REQUEST_MEMORY", "1MiB", func(s *Settings) { s.MaxRequestMemory = MiB }},
		{"MAX_REQUEST_BYTES", "1000", func(s *Settings) { s.MaxRequestBytes = 1000 }},
		{"MAX_CONNS", "1", func(s *Settings) { s.MaxConns = 1 }},
		{"MAX_CONNS_PER_IP", "64", func(s *Settings) { s.MaxConnsPerIP = 64 }},
		{"ACCEPTORS", "4", func(s *Settings) { s.Acceptors = 4 }},
		{"SHUTDOWN_TIMEOUT", "5s", func(s *Settings) { s.ShutdownTimeout = 5 * time.Second }},
		{"SHUTDOWN_DELAY", "5s", func(s *Settings) { s.ShutdownDelay = 5 * time.Second }},
		{"LOG_FORMAT", "json", func(s *Settings) { s.LogFormat = "json" }},
		{"LOG_LEVEL", "DEBUG", func(s *Settings) { s.LogLevel = slog.LevelDebug }},
		{"LOG_LEVEL", "warn", func(s *Settings) { s.LogLevel = slog.LevelWarn }},
		{"ADMIN_TOKEN", "s3cret", func(s *Settings) { s.AdminToken = "s3cret" }},
		{"REUSEPORT", "true", func(s *Settings) { s.ReusePort = true }},
		{"REUSEPORT", "0", func(s *Settings) { s.ReusePort = false }},
		{"DEFER_ACCEPT", "false", func(s *Settings) { s.DeferAccept = false }},
		{"DEFER_ACCEPT", "1", func(s *Settings) { s.DeferAccept = true }},
		{"PROXY_PROTOCOL_FROM", "10.0.0.0/8, 192.0.2.7,::1", func(s *Settings) { s.ProxyProtocolFrom = "10.0.0.0/8,192.0.2.7/32,::1/128" }},
		{"PROXY_PROTOCOL_FROM", "::ffff:192.0.2.7", func(s *Settings) { s.ProxyProtocolFrom = "192.0.2.7/32" }},
		{"ADMIN_HOSTS", "Admin.Example:7071, [::1]", func(s *Settings) { s.AdminHosts = "Admin.Example:7071, [::1]" }},
		{"ADMIN_HOSTS", "fqdn.example.,10.0.0.5:7071,[2001:db8::1]:7071", func(s *Settings) { s.AdminHosts = "fqdn.example.,10.0.0.5:7071,[2001:db8::1]:7071" }},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			s, err := Load(map[string]string{EnvPrefix + tt.name: tt.value})
			if err != nil {
				t.Fatal(err)
			}
			want := defaultSettings
			tt.change(&want)
			if s != want {
				t.Errorf("got\n %+v\nwant\n %+v", s, want)
			}
		})
	}
}

func TestLoadUnixSocket(t *testing.T) {
	unix := func(kv ...string) map[string]string {
		environ := map[string]string{EnvPrefix + "ADDR": "unix:/tmp/t.sock"}
		for i := 0; i+1 < len(kv); i += 2 {
			environ[EnvPrefix+kv[i]] = kv[i+1]
		}
		return environ
	}
	s, err := Load(unix("UNIX_MODE", "600", "UNIX_OWNER", "0:0"))
	if err != nil {
		t.Fatal(err)
	}
	if path, ok := s.UnixSocket(); !ok || path != "/tmp/t.sock" || s.UnixMode != 0o600 || s.UnixMode.String() != "0600" {
		t.Errorf("UnixSocket() = %q, %v; UnixMode %v", path, ok, s.UnixMode)
	}
	if uid, gid, err := s.UnixOwnerIDs(); uid != 0 || gid != 0 || err != nil {
		t.Errorf("UnixOwnerIDs() = %d, %d, %v", uid, gid, err)
	}
	for owner, want := range map[string][2]int{"root": {0, -1}, ":0": {-1, 0}, "": {-1, -1}} {
		s.UnixOwner = owner
		if uid, gid, err := s.UnixOwnerIDs(); uid != want[0] || gid != want[1] || err != nil {
			t.Errorf("UnixOwner %q: ids %d, %d, %v; want %v", owner, uid, gid, err, want)
		}
	}
	if _, ok := defaultSettings.UnixSocket(); ok {
		t.Error("the default address is a Unix socket")
	}
	dir, err := os.MkdirTemp("", "ts")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	file := filepath.Join(dir, "file")
	testenv.WriteFile(t, file, "")
	missing := filepath.Join(dir, "missing")
	for path, want := range map[string]string{
		filepath.Join(missing, "t.sock"): "the socket's directory " + missing + ": no such file or directory",
		filepath.Join(file, "t.sock"):    "the socket's directory " + file + " is not a directory",
	} {
		_, err := Load(map[string]string{EnvPrefix + "ADDR": "unix:" + path})
		checkSettingsError(t, err, `config: TINYHTTPD_ADDR="unix:`+path+`": `+want)
	}
	for _, tt := range []struct {
		environ map[string]string
		want    []string
	}{
		{unix("UNIX_OWNER", "no-such-user-here"), []string{`config: TINYHTTPD_UNIX_OWNER="no-such-user-here": user "no-such-user-here": unknown on this system`}},
		{unix("UNIX_OWNER", "root:no-such-group-here"), []string{`config: TINYHTTPD_UNIX_OWNER="root:no-such-group-here": group "no-such-group-here": unknown`}},
		{unix("UNIX_OWNER", "root:"), []string{`config: TINYHTTPD_UNIX_OWNER="root:": want user, user:group or :group`}},
		{unix("PROXY_PROTOCOL", "true", "PROXY_PROTOCOL_FROM", "10.0.0.1"), []string{`config: TINYHTTPD_PROXY_PROTOCOL="true": the PROXY protocol's trusted peers are IP addresses`}},
		{unix("REUSEPORT", "true"), []string{`config: TINYHTTPD_REUSEPORT="true": SO_REUSEPORT applies to TCP listeners`}},
	} {
		_, err := Load(tt.environ)
		checkSettingsError(t, err, tt.want...)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, value string
		want        string
	}{
		{"ADDR", "7070", `config: TINYHTTPD_ADDR="7070": want host:port with a numeric port`},
		{"ADDR", "localhost:http", `config: TINYHTTPD_ADDR="localhost:http": port "http" is not a number from 0 to 65535`},
		{"ADDR", "localhost:70000", `config: TINYHTTPD_ADDR="localhost:70000": port "70000" is not a number`},
		{"ADDR", "localhost:", `config: TINYHTTPD_ADDR="localhost:": port "" is not a number`},
		{"ADMIN_ADDR", "::1:7071", `config: TINYHTTPD_ADMIN_ADDR="::1:7071": want host:port`},
		{"ADDR", "foo bar:80", `config: TINYHTTPD_ADDR="foo bar:80": host "foo bar" is neither an IP address nor a host name`},
		{"ADDR", "a!b:80", `config: TINYHTTPD_ADDR="a!b:80": host "a!b" is neither`},
		{"ADMIN_ADDR", "a%41b:80", `config: TINYHTTPD_ADMIN_ADDR="a%41b:80": host "a%41b" is neither`},
		{"ADDR", "a..b:80", `config: TINYHTTPD_ADDR="a..b:80": host "a..b" is neither`},
		{"ADMIN_ADDR", "[::1%:7071", `config: TINYHTTPD_ADMIN_ADDR="[::1%:7071": want host:port`},
		{"ADDR", "unix:", `config: TINYHTTPD_ADDR="unix:": want unix:/absolute/path/to.sock`},
		{"ADDR", "unix:run/t.sock", `config: TINYHTTPD_ADDR="unix:run/t.sock": the socket path must be absolute`},
		{"ADDR", "unix:/" + strings.Repeat("a", 107), `config: TINYHTTPD_ADDR="unix:/aaa`},
		{"ADDR", "unix:/run/", `config: TINYHTTPD_ADDR="unix:/run/": the socket path names a directory`},
		{"UNIX_MODE", "0660", `config: TINYHTTPD_UNIX_MODE="0660": applies only to a unix: TINYHTTPD_ADDR`},
		{"UNIX_MODE", "rw", `config: TINYHTTPD_UNIX_MODE="rw": want permissions in octal from 0 to 0777`},
		{"UNIX_MODE", "01777", `config: TINYHTTPD_UNIX_MODE="01777": want permissions in octal`},
		{"UNIX_OWNER", "root", `config: TINYHTTPD_UNIX_OWNER="root": applies only to a unix: TINYHTTPD_ADDR`},
		{"READ_TIMEOUT", "ten", `config: TINYHTTPD_READ_TIMEOUT="ten": invalid duration`},
		{"READ_TIMEOUT", "10", `config: TINYHTTPD_READ_TIMEOUT="10": invalid duration`},
		{"READ_TIMEOUT", "0s", `config: TINYHTTPD_READ_TIMEOUT="0s": must be greater than zero`},
		{"WRITE_TIMEOUT", "-1s", `config: TINYHTTPD_WRITE_TIMEOUT="-1s": must be greater than zero`},
		{"LINGER_TIMEOUT", "x", `config: TINYHTTPD_LINGER_TIMEOUT="x": invalid duration`},
		{"SHUTDOWN_TIMEOUT", "0", `config: TINYHTTPD_SHUTDOWN_TIMEOUT="0": must be greater than zero`},
		{"SHUTDOWN_DELAY", "-1s", `config: TINYHTTPD_SHUTDOWN_DELAY="-1s": must not be negative`},
		{"SHUTDOWN_DELAY", "5", `config: TINYHTTPD_SHUTDOWN_DELAY="5": invalid duration`},
		{"MAX_REQUEST_BYTES", "1MB", `config: TINYHTTPD_MAX_REQUEST_BYTES="1MB": ambiguous unit "MB"; write MiB`},
		{"MAX_REQUEST_BYTES", "0", `config: TINYHTTPD_MAX_REQUEST_BYTES="0": must be greater than zero`},
		{"MAX_REQUEST_BYTES", "2GiB", `config: TINYHTTPD_MAX_REQUEST_BYTES="2GiB": must be at most 1GiB`},
		{"MAX_REQUEST_BYTES", "-1", `config: TINYHTTPD_MAX_REQUEST_BYTES="-1": must not be negative`},
		{"MAX_REQUEST_MEMORY", "1023KiB", `config: TINYHTTPD_MAX_REQUEST_MEMORY="1023KiB": must be at least TINYHTTPD_MAX_REQUEST_BYTES (1MiB), or the largest requests could never be read`},
		{"MAX_REQUEST_MEMORY", "0", `config: TINYHTTPD_MAX_REQUEST_MEMORY="0": must be at least TINYHTTPD_MAX_REQUEST_BYTES (1MiB)`},
		{"MAX_CONNS", "0", `config: TINYHTTPD_MAX_CONNS="0": must be at least 1`},
		{"MAX_CONNS_PER_IP", "-1", `config: TINYHTTPD_MAX_CONNS_PER_IP="-1": must be 0 (no limit) or more`},
		{"ACCEPTORS", "-1", `config: TINYHTTPD_ACCEPTORS="-1": must be from 0 (one per core) to 1024`},
		{"ACCEPTORS", "5000", `config: TINYHTTPD_ACCEPTORS="5000": must be from 0 (one per core) to 1024`},
		{"MAX_CONNS", "many", `config: TINYHTTPD_MAX_CONNS="many": not an integer`},
		{"MAX_CONNS", "99999999999", `config: TINYHTTPD_MAX_CONNS="99999999999": out of range`},
		{"LOG_FORMAT", "xml", `config: TINYHTTPD_LOG_FORMAT="xml": want "text" or "json"`},
		{"LOG_LEVEL", "loud", `config: TINYHTTPD_LOG_LEVEL="loud": unknown log level`},
		{"LOG_LEVEL", "INFO+2", `config: TINYHTTPD_LOG_LEVEL="INFO+2": want debug, info, warn or error`},
		{"LOG_LEVEL", "info+4", `config: TINYHTTPD_LOG_LEVEL="info+4": want debug, info, warn or error`},
		{"ADMIN_TOKEN", "two words", `config: TINYHTTPD_ADMIN_TOKEN: must not contain spaces or control characters`},
		{"ADMIN_RECENT", "0", `config: TINYHTTPD_ADMIN_RECENT="0": must be from 1 to 100000`},
		{"ADMIN_ADDR", ":7071", `config: TINYHTTPD_ADMIN_ADDR=":7071": not a loopback address: set TINYHTTPD_ADMIN_TOKEN`},
		{"ADMIN_ADDR", "192.0.2.1:7071", `config: TINYHTTPD_ADMIN_ADDR="192.0.2.1:7071": not a loopback address`},
		{"REUSEPORT", "yes", `config: TINYHTTPD_REUSEPORT="yes": want true or false (or 1 or 0)`},
		{"PROXY_PROTOCOL", "on", `config: TINYHTTPD_PROXY_PROTOCOL="on": want true or false`},
		{"PROXY_PROTOCOL", "true", `config: TINYHTTPD_PROXY_PROTOCOL_FROM="": required when TINYHTTPD_PROXY_PROTOCOL is true`},
		{"PROXY_PROTOCOL_FROM", "10.0.0.0/8,,192.0.2.7", `config: TINYHTTPD_PROXY_PROTOCOL_FROM="10.0.0.0/8,,192.0.2.7": empty entry; want IP addresses or CIDR ranges`},
		{"PROXY_PROTOCOL_FROM", "haproxy.internal", `config: TINYHTTPD_PROXY_PROTOCOL_FROM="haproxy.internal": "haproxy.internal" is not an IP address`},
		{"PROXY_PROTOCOL_FROM", "10.1.2.3/8", `config: TINYHTTPD_PROXY_PROTOCOL_FROM="10.1.2.3/8": "10.1.2.3/8" has bits set past its prefix length; write 10.0.0.0/8`},
		{"PROXY_PROTOCOL_FROM", "10.0.0.0/33", `config: TINYHTTPD_PROXY_PROTOCOL_FROM="10.0.0.0/33": "10.0.0.0/33" is not a CIDR range`},
		{"ADMIN_HOSTS", "admin.example:port", `config: TINYHTTPD_ADMIN_HOSTS="admin.example:port": "admin.example:port": port "port" is not a number from 1 to 65535`},
		{"ADMIN_HOSTS", "admin.example:", `config: TINYHTTPD_ADMIN_HOSTS="admin.example:": "admin.example:": port "" is not a number`},
		{"ADMIN_HOSTS", "[::1]:", `config: TINYHTTPD_ADMIN_HOSTS="[::1]:": "[::1]:": port "" is not a number`},
		{"ADMIN_HOSTS", "http://admin.example", `config: TINYHTTPD_ADMIN_HOSTS="http://admin.example": "http://admin.example": port "//admin.example" is not a number`},
		{"ADMIN_HOSTS", "a.example,[::1", `config: TINYHTTPD_ADMIN_HOSTS="a.example,[::1": "[::1": want a name`},
		{"ADMIN_HOSTS", "a b", `config: TINYHTTPD_ADMIN_HOSTS="a b": "a b": want a name`},
		{"ADMIN_HOSTS", "*.example.com", `config: TINYHTTPD_ADMIN_HOSTS="*.example.com": "*.example.com": wildcards are not supported`},
		{"ADMIN_HOSTS", "2001:db8::1", `config: TINYHTTPD_ADMIN_HOSTS="2001:db8::1": "2001:db8::1": put an IPv6 address in brackets`},
		{"ADMIN_HOSTS", "[127.0.0.1]:80", `config: TINYHTTPD_ADMIN_HOSTS="[127.0.0.1]:80": "[127.0.0.1]:80": not an IPv6 address in brackets`},
		{"ADMIN_HOSTS", "admin..example", `config: TINYHTTPD_ADMIN_HOSTS="admin..example": "admin..example": want a name`},
		{"ADMIN_HOSTS", "\u00e4dmin.example", `config: TINYHTTPD_ADMIN_HOSTS="ädmin.example": "ädmin.example": want a name`},
		{"PROXY_PROTOCOL_FROM", "fe80::1%eth0", `config: TINYHTTPD_PROXY_PROTOCOL_FROM="fe80::1%eth0": "fe80::1%eth0" has a zone`},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			_, err := Load(map[string]string{EnvPrefix + tt.name: tt.value})
			checkSettingsError(t, err, tt.want)
		})
	}
}

// checkSettingsError checks that err is a settings error, one per line,
// and that line i starts with want[i].
func checkSettingsError(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	var se *SettingsError
	if !errors.As(err, &se) || !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("err = %#v, not a *SettingsError wrapping ErrInvalidSettings", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d = %q\nwant prefix %q", i, lines[i], w)
		}
	}
}

func TestLoadReportsEveryError(t *testing.T) {
	_, err := Load(map[string]string{
		"TINYHTTPD_READ_TIMEOUT":      "ten",
		"TINYHTTPD_MAX_REQUEST_BYTES": "1K",
		"TINYHTTPD_WRITE_TIMEOUT":     "0s",
		"TINYHTTPD_LOG_FORMAT":        "yaml",
	})
	checkSettingsError(t, err,
		`config: TINYHTTPD_READ_TIMEOUT="ten": invalid duration`,
		`config: TINYHTTPD_MAX_REQUEST_BYTES="1K": ambiguous unit "K"; write KiB`,
		`config: TINYHTTPD_WRITE_TIMEOUT="0s": must be greater than zero`,
		`config: TINYHTTPD_LOG_FORMAT="yaml": want "text" or "json"`,
	)
}

func TestLoadTokenFile(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := file("good", "s3cret \n\n")
	empty := file("empty", " \n")
	spaced := file("spaced", "two words\n")
	missing := filepath.Join(dir, "missing")

	s, err := Load(map[string]string{"TINYHTTPD_ADMIN_TOKEN_FILE": good})
	if err != nil || s.AdminToken != "s3cret" || s.AdminTokenFile != good {
		t.Errorf("token file: got %q, %q, %v; want the token s3cret", s.AdminToken, s.AdminTokenFile, err)
	}

	tests := []struct {
		name    string
		environ map[string]string
		want    string
	}{
		{"empty", map[string]string{"TINYHTTPD_ADMIN_TOKEN_FILE": empty},
			`config: TINYHTTPD_ADMIN_TOKEN_FILE="` + empty + `": the token file is empty`},
		{"missing", map[string]string{"TINYHTTPD_ADMIN_TOKEN_FILE": missing},
			`config: TINYHTTPD_ADMIN_TOKEN_FILE="` + missing + `": cannot read the token file: no such file or directory`},
		{"spaced", map[string]string{"TINYHTTPD_ADMIN_TOKEN_FILE": spaced},
			`config: TINYHTTPD_ADMIN_TOKEN_FILE="` + spaced + `": the token in the file must not contain spaces`},
		{"both", map[string]string{"TINYHTTPD_ADMIN_TOKEN_FILE": good, "TINYHTTPD_ADMIN_TOKEN": "other"},
			`config: TINYHTTPD_ADMIN_TOKEN_FILE="` + good + `": cannot be used together with TINYHTTPD_ADMIN_TOKEN; set only one`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.environ)
			checkSettingsError(t, err, tt.want)
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "other") {
				t.Errorf("error reveals the token: %v", err)
			}
		})
	}
}

func TestLoadFromEnv(t *testing.T) {
	t.Setenv("TINYHTTPD_MAX_CONNS", "7")
	t.Setenv("TINYHTTPD_ADMIN_ADDR", "")
	s, err := LoadFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxConns != 7 || s.AdminAddr != "" {
		t.Errorf("got MaxConns %d, AdminAddr %q; want 7 and empty", s.MaxConns, s.AdminAddr)
	}
}

func TestRedacted(t *testing.T) {
	s := defaultSettings
	if got := s.Redacted(); got != s {
		t.Errorf("Redacted without a token changed the settings: %+v", got)
	}
	s.AdminToken = "s3cret"
	if got := s.Redacted(); got.AdminToken != "REDACTED" || s.AdminToken != "s3cret" {
		t.Errorf("Redacted().AdminToken = %q, original now %q", got.AdminToken, s.AdminToken)
	}
}

func TestWriteUsage(t *testing.T) {
	var b strings.Builder
	WriteUsage(&b)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	fields := reflect.TypeFor[Settings]().NumField()
	if len(lines) != fields+1 {
		t.Fatalf("%d lines for %d variables:\n%s", len(lines), fields, b.String())
	}
	defaults := make(map[string]string)
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		defaults[f[0]] = f[1]
	}
	for name, want := range map[string]string{
		"TINYHTTPD_ADDR":              "127.0.0.1:7070",
		"TINYHTTPD_ROUTES":            "(embedded",
		"TINYHTTPD_MAX_REQUEST_BYTES": "1MiB",
		"TINYHTTPD_ADMIN_TOKEN":       "(none)",
	} {
		if defaults[name] != want {
			t.Errorf("usage shows default %q for %s, want %q", defaults[name], name, want)
		}
	}
	for _, f := range settingsFields() {
		if f.Tag.Get("env") == "" || f.Tag.Get("usage") == "" {
			t.Errorf("field %s lacks an env or usage tag", f.Name)
		}
	}
}

func TestAdminBeyondLoopbackWithToken(t *testing.T) {
	s, err := Load(map[string]string{"TINYHTTPD_ADMIN_ADDR": ":7071", "TINYHTTPD_ADMIN_TOKEN": "a-token-of-sixteen"})
	if err != nil || s.AdminAddr != ":7071" {
		t.Errorf("Load = %+v, %v", s, err)
	}
	// A short token guards loopback, but not beyond it.
	if _, err := Load(map[string]string{"TINYHTTPD_ADMIN_TOKEN": "t0ken"}); err != nil {
		t.Errorf("a short token on loopback: %v", err)
	}
	// Characters, not bytes: ten é are 20 bytes.
	if reason := RemoteAdminTokenProblem(strings.Repeat("é", 10)); !strings.Contains(reason, "has 10 characters") {
		t.Errorf("a token of ten é: %q", reason)
	}
	_, err = Load(map[string]string{"TINYHTTPD_ADMIN_ADDR": ":7071", "TINYHTTPD_ADMIN_TOKEN": "t0ken"})
	checkSettingsError(t, err, `config: TINYHTTPD_ADMIN_ADDR=":7071": not a loopback address: the admin token (TINYHTTPD_ADMIN_TOKEN or TINYHTTPD_ADMIN_TOKEN_FILE) has 5 characters; beyond this machine it needs at least 16`)
}

func TestProxyProtocol(t *testing.T) {
	s, err := Load(map[string]string{"TINYHTTPD_PROXY_PROTOCOL": "true", "TINYHTTPD_PROXY_PROTOCOL_FROM": "127.0.0.1, 10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	if !s.ProxyProtocol || s.ProxyProtocolFrom != "127.0.0.1/32,10.0.0.0/8" {
		t.Errorf("got ProxyProtocol %v, ProxyProtocolFrom %q", s.ProxyProtocol, s.ProxyProtocolFrom)
	}
	want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	if got := s.ProxyProtocolFrom.Prefixes(); !slices.Equal(got, want) {
		t.Errorf("Prefixes() = %v, want %v", got, want)
	}
	if got := IPRanges("").Prefixes(); got != nil {
		t.Errorf("empty IPRanges has prefixes %v", got)
	}
	if v := s.Values()["TINYHTTPD_PROXY_PROTOCOL_FROM"]; v != "127.0.0.1/32,10.0.0.0/8" {
		t.Errorf("Values() shows %q", v)
	}
}

func TestAdminHostList(t *testing.T) {
	s := Settings{AdminHosts: " Admin.Example:7071,, [::1] ,"}
	if got, want := s.AdminHostList(), []string{"admin.example:7071", "[::1]"}; !slices.Equal(got, want) {
		t.Errorf("AdminHostList() = %q, want %q", got, want)
	}
	if got := (Settings{}).AdminHostList(); got != nil {
		t.Errorf("empty AdminHosts gives %q", got)
	}
}

func TestSamePort(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"127.0.0.1:7070", "127.0.0.1:7070", true},
		{":7070", "127.0.0.1:7070", true},
		{"[::1]:7070", "[::]:7070", true},
		{"0.0.0.0:7070", "localhost:7070", true},
		{"127.0.0.1:7070", "127.0.0.1:7071", false},
		{"127.0.0.1:7070", "[::1]:7070", false},
		{"127.0.0.2:7070", "127.0.0.1:7070", false},
		{"127.0.0.1:0", "127.0.0.1:0", false},
	}
	for _, tt := range tests {
		if got := samePort(tt.a, tt.b); got != tt.want {
			t.Errorf("samePort(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCheckListeners(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range []Settings{
		{Addr: "127.0.0.1:7070", AdminAddr: "[::1]:7071"},
		{Addr: "localhost:7070", AdminAddr: ""},
		{Addr: ":7070", AdminAddr: "localhost:0"},
		{Addr: "unix:/run/t.sock", AdminAddr: "127.0.0.1:7071"},
		{Addr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0"},
	} {
		if err := s.CheckListeners(ctx, true); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
	check := func(t *testing.T, s Settings, withAddr bool, want ...string) {
		t.Helper()
		err := s.CheckListeners(ctx, withAddr)
		if want == nil && err != nil {
			t.Errorf("%+v without its Addr: %v", s, err)
		}
		for _, w := range want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %v lacks %q", s, err, w)
			}
		}
	}
	check(t, Settings{Addr: "127.0.0.1:7070", AdminAddr: "127.0.0.1:7070"}, true,
		`config: TINYHTTPD_ADMIN_ADDR="127.0.0.1:7070": takes the port of TINYHTTPD_ADDR (127.0.0.1:7070): the two listeners need ports of their own`)
	t.Run("a host that does not resolve", func(t *testing.T) {
		host := testenv.UnresolvableHost(t)
		check(t, Settings{Addr: host + ":7070", AdminAddr: host + ":7071"}, true,
			`config: TINYHTTPD_ADDR="`+host+`:7070": cannot listen on this host: `,
			`config: TINYHTTPD_ADMIN_ADDR="`+host+`:7071": cannot listen on this host: `)
		check(t, Settings{Addr: host + ":7070", AdminAddr: "127.0.0.1:7070"}, false)
	})
	// A name that does not resolve for a reason that may pass is the
	// listen's to report.
	expired, cancelExpired := context.WithCancel(context.Background())
	cancelExpired()
	if err := (Settings{Addr: "tinyhttpd.example.org:7070"}).CheckListeners(expired, true); err != nil {
		t.Errorf("a look-up cut short: %v", err)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:7071": true, "127.1.2.3:1": true, "[::1]:7071": true, "localhost:7071": true,
		":7071": false, "0.0.0.0:7071": false, "[::]:7071": false, "192.0.2.1:7071": false, "example.com:7071": false, "bad": false,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestValues(t *testing.T) {
	s, err := Load(map[string]string{"TINYHTTPD_ADMIN_TOKEN": "s3cret", "TINYHTTPD_MAX_REQUEST_BYTES": "64KiB"})
	if err != nil {
		t.Fatal(err)
	}
	v := s.Values()
	if v["TINYHTTPD_ADMIN_TOKEN"] != "REDACTED" || v["TINYHTTPD_MAX_REQUEST_BYTES"] != "64KiB" || v["TINYHTTPD_READ_TIMEOUT"] != "10s" || v["TINYHTTPD_ADDR"] != "127.0.0.1:7070" {
		t.Errorf("Values() = %v", v)
	}
	if len(v) != reflect.TypeFor[Settings]().NumField() {
		t.Errorf("Values() has %d entries for %d settings", len(v), reflect.TypeFor[Settings]().NumField())
	}
}

// TestDropUnsupported checks the listener options on a system that lacks
// them: left at their defaults they are off, so that the defaults start
// everywhere; set to true they are an error that names the variable.
func TestDropUnsupported(t *testing.T) {
	for _, tt := range []struct {
		environ map[string]string
		bad     []string
	}{
		{map[string]string{}, nil},
		{map[string]string{"TINYHTTPD_DEFER_ACCEPT": "false", "TINYHTTPD_REUSEPORT": "false"}, nil},
		{map[string]string{"TINYHTTPD_DEFER_ACCEPT": "true"}, []string{"DeferAccept"}},
		{map[string]string{"TINYHTTPD_REUSEPORT": "true"}, []string{"ReusePort"}},
	} {
		s := Settings{DeferAccept: true, ReusePort: tt.environ["TINYHTTPD_REUSEPORT"] == "true"}
		if v, ok := tt.environ["TINYHTTPD_DEFER_ACCEPT"]; ok {
			s.DeferAccept = v == "true"
		}
		var bad []string
		s.dropUnsupported(tt.environ, false, false, func(field, _ string) { bad = append(bad, field) })
		if s.DeferAccept || s.ReusePort || !slices.Equal(bad, tt.bad) {
			t.Errorf("%v: DeferAccept %v, ReusePort %v, errors for %v; want both off, errors for %v", tt.environ, s.DeferAccept, s.ReusePort, bad, tt.bad)
		}
		s = Settings{DeferAccept: true, ReusePort: true}
		bad = nil
		s.dropUnsupported(tt.environ, true, true, func(field, _ string) { bad = append(bad, field) })
		if !s.DeferAccept || !s.ReusePort || bad != nil {
			t.Errorf("%v on a system that has both: DeferAccept %v, ReusePort %v, errors for %v", tt.environ, s.DeferAccept, s.ReusePort, bad)
		}
	}
}
