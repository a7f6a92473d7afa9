// Package testenv holds helpers shared by the module's tests: finding the
// programs from outside the module that some need (nc, socat, python3),
// certificates made for one test (NewTLS), and a buffer that a process or
// a server's logger can write while a test reads.
package testenv

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// RequireToolsVar names the environment variable that, set to 1, turns a
// missing external program, or a missing capability of the machine (an
// address, a terminal, a descriptor limit), from a skip into a failure. CI
// sets it, so no test is skipped where it is supposed to run.
const RequireToolsVar = "TINYHTTPD_REQUIRE_TOOLS"

// LookPath returns the path of the named program. When it is missing the
// test is skipped with the reason, or fails if RequireToolsVar is 1.
func LookPath(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	Unavailable(t, "%s not found: install %s to run this test", name, pkg)
	return ""
}

// Unavailable skips the test because the machine lacks something it needs
// (an address, a terminal, a descriptor limit), saying what and why; it
// fails instead if RequireToolsVar is 1.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(RequireToolsVar) == "1" {
		t.Fatalf(format+" (and %s=1)", append(args, RequireToolsVar)...)
	}
	t.Skipf(format+" (%s=1 makes this a failure)", append(args, RequireToolsVar)...)
}

// UnresolvableHost returns a host name that the machine's resolver answers
// is not found, for tests of names that do not resolve. Where no resolver
// answers (an offline machine), the test is Unavailable.
func UnresolvableHost(t testing.TB) string {
	t.Helper()
	const name = "nosuch.invalid"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var dnsErr *net.DNSError
	if _, err := net.DefaultResolver.LookupHost(ctx, name); !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		Unavailable(t, "no resolver answers that %s is not found (%v)", name, err)
	}
	return name
}
