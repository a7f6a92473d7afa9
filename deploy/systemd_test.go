package deploy

import (
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"

	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/config"
)

const unitFile = "systemd/tinyhttpd.service"

// unitSettings returns the [Service] section's assignments, each key with
// its values in order (a key may be set more than once).
func unitSettings(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(unitFile)
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
		case section == "[Service]":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: not an assignment: %q", unitFile, line)
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

// TestSystemdVerify runs systemd-analyze verify on the unit, with ExecStart
// pointed at the tinyhttpd built for these tests. It needs systemd's tools
// (Debian's systemd package), not a running systemd.
func TestSystemdVerify(t *testing.T) {
	bin := testenv.LookPath(t, "systemd-analyze", "systemd")
	b, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(t.TempDir(), "tinyhttpd.service")
	os.WriteFile(unit, []byte(strings.ReplaceAll(string(b), "/usr/local/bin/tinyhttpd", tinyhttpdBin)), 0o644)
	out, err := exec.Command(bin, "verify", unit).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
