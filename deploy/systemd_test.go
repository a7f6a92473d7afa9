package deploy

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// The systemd units: the service and its socket.
const (
	unitFile   = "systemd/tinyhttpd.service"
	socketFile = "systemd/tinyhttpd.socket"
)

// unitSettings returns the [Service] section's assignments, each key with
// its values in order (a key may be set more than once).
func unitSettings(t *testing.T) map[string][]string {
	t.Helper()
	return unitSection(t, unitFile, "[Service]")
}

// unitSection returns the assignments of a section of a unit file, each
// key with its values in order.
func unitSection(t *testing.T, file, want string) map[string][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	settings := make(map[string][]string)
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = line
		case section == want:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: not an assignment: %q", file, line)
			}
			settings[k] = append(settings[k], v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return settings
}

func TestSystemdUnit(t *testing.T) {
	u := unitSettings(t)
	environ := make(map[string]string)
	for _, kv := range u["Environment"] {
		k, v, _ := strings.Cut(kv, "=")
		environ[k] = v
	}
	s, err := config.Load(environ)
	if err != nil {
		t.Fatalf("the unit's Environment= does not load: %v", err)
	}
	stop, err := time.ParseDuration(strings.Join(u["TimeoutStopSec"], ""))
	if err != nil {
		t.Fatalf("TimeoutStopSec: %v", err)
	}
	if stop <= s.ShutdownDelay+s.ShutdownTimeout {
		t.Errorf("TimeoutStopSec=%v is not more than TINYHTTPD_SHUTDOWN_DELAY=%v plus TINYHTTPD_SHUTDOWN_TIMEOUT=%v: systemd would SIGKILL a drain in progress", stop, s.ShutdownDelay, s.ShutdownTimeout)
	}
	for key, want := range map[string]string{
		"Type":                     "notify",
		"ExecReload":               "/bin/kill -HUP $MAINPID",
		"KillSignal":               "SIGTERM",
		"RestartPreventExitStatus": "2",
		"DynamicUser":              "yes",
		"ProtectSystem":            "strict",
		"ProtectHome":              "yes",
		"PrivateTmp":               "yes",
		"NoNewPrivileges":          "yes",
		"CapabilityBoundingSet":    "",
		"RestrictAddressFamilies":  "AF_INET AF_INET6 AF_UNIX",
	} {
		if got, ok := u[key]; !ok || got[len(got)-1] != want {
			t.Errorf("%s=%q, want %q", key, got, want)
		}
	}
}

// TestSystemdSocket checks tinyhttpd.socket against the service: one
// stream socket, on the service's TINYHTTPD_ADDR (its port alone for every
// interface), named
// "protocol", not stopped with the service, and a service that requires
// it.
func TestSystemdSocket(t *testing.T) {
	sock := unitSection(t, socketFile, "[Socket]")
	if got := sock["ListenStream"]; len(got) != 1 {
		t.Fatalf("ListenStream=%q: tinyhttpd takes exactly one socket", got)
	}
	for key, want := range map[string]string{"FileDescriptorName": "protocol", "Backlog": "4096"} {
		if got := sock[key]; len(got) != 1 || got[0] != want {
			t.Errorf("%s=%q, want %q", key, got, want)
		}
	}
	var addr string
	for _, kv := range unitSettings(t)["Environment"] {
		if v, ok := strings.CutPrefix(kv, "TINYHTTPD_ADDR="); ok {
			addr = v
		}
	}
	host, port, err := net.SplitHostPort(addr)
	want := addr
	if host == "" {
		want = port // every interface
	}
	if err != nil || sock["ListenStream"][0] != want {
		t.Errorf("ListenStream=%s is not the service's TINYHTTPD_ADDR=%s", sock["ListenStream"][0], addr)
	}
	if host, _, _ := net.SplitHostPort(sock["ListenStream"][0]); host != "127.0.0.1" && host != "[::1]" && host != "::1" {
		t.Errorf("ListenStream=%s is not on loopback, tinyhttpd's default", sock["ListenStream"][0])
	}
	for _, key := range []string{"PartOf", "BindsTo"} {
		if got := unitSection(t, socketFile, "[Unit]")[key]; len(got) > 0 {
			t.Errorf("the socket has %s=%q: restarting the service would close it", key, got)
		}
	}
	unit := unitSection(t, unitFile, "[Unit]")
	if !slices.Contains(unit["Requires"], "tinyhttpd.socket") || !strings.Contains(strings.Join(unit["After"], " "), "tinyhttpd.socket") {
		t.Errorf("the service neither requires nor comes after tinyhttpd.socket: %v", unit)
	}
}

// TestSystemdVerify runs systemd-analyze verify on the service and its
// socket, with ExecStart pointed at the tinyhttpd built for these tests. It
// needs systemd's tools (Debian's systemd package), not a running systemd.
func TestSystemdVerify(t *testing.T) {
	bin := testenv.LookPath(t, "systemd-analyze", "systemd")
	dir := t.TempDir()
	var units []string
	for _, file := range []string{unitFile, socketFile} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		unit := filepath.Join(dir, filepath.Base(file))
		if err := os.WriteFile(unit, []byte(strings.ReplaceAll(string(b), "/usr/local/bin/tinyhttpd", tinyhttpdBin)), 0o644); err != nil {
			t.Fatal(err)
		}
		units = append(units, unit)
	}
	cmd := exec.Command(bin, append([]string{"verify"}, units...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
