//go:build faults

package faults

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// scaleVar names the environment variable that chooses the suite's scale,
// "short" or "full"; without it, go test's -short flag decides.
const scaleVar = "TINYHTTPD_FAULTS_SCALE"

// tinyhttpdBin is the tinyhttpd binary that TestMain builds.
var tinyhttpdBin string

func TestMain(m *testing.M) {
	flag.Parse()
	raiseFileLimit()
	dir, err := os.MkdirTemp("", "tinyhttpd-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(1)
	}
	tinyhttpdBin = filepath.Join(dir, "tinyhttpd")
	build := exec.Command("go", "build", "-o", tinyhttpdBin, "github.com/tinyhttpd/tinyhttpd/cmd/tinyhttpd")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "faults: building tinyhttpd:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	printSummaries()
	os.RemoveAll(dir)
	os.Exit(code)
}

// raiseFileLimit raises this process's soft RLIMIT_NOFILE to its hard
// limit: the slowloris scenario alone holds a thousand connections. The
// tinyhttpd processes started afterwards inherit the raised limit.
func raiseFileLimit() {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}

// fileLimit returns this process's soft RLIMIT_NOFILE.
func fileLimit() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	return lim.Cur
}

// scale holds the sizes and durations that differ between the full suite
// and the short one CI runs.
type scale struct {
	name string
	// slowloris connections.
	slowloris int
	// vanishing peers of each kind.
	vanishing int
	// neverReading clients of the large file.
	neverReading int
	// floodConns open at once against floodMaxConns.
	floodConns, floodMaxConns int
	// tooLarge attempts, each streaming tooLargeStream bytes.
	tooLarge       int
	tooLargeStream int
	// sigtermLoad is how long load runs before SIGTERM.
	sigtermLoad time.Duration
	// sigtermRounds of SIGTERM under sigtermClients half-close clients,
	// counting the clients reset after connecting.
	sigtermRounds, sigtermClients int
	// reloads under load.
	reloads int
	// fdHolders connections against fdLimit descriptors, held for
	// fdWindow while CPU time is measured.
	fdHolders, fdLimit int
	fdWindow           time.Duration
	// perIPMaxConns is MAX_CONNS when one address holds that many slow
	// connections, with good clients alongside for perIPLoad.
	perIPMaxConns int
	perIPLoad     time.Duration
	// largeHolders each hold a request of nearly MAX_REQUEST_BYTES.
	largeHolders int
	// tlsClients of each misbehaving kind, and tlsReloads of a bad
	// certificate, each followed by a good one, in the TLS scenario.
	tlsClients, tlsReloads int
}

var (
	shortScale = scale{
		name:      "short",
		slowloris: 200, vanishing: 100, neverReading: 20,
		floodConns: 300, floodMaxConns: 50,
		tooLarge: 60, tooLargeStream: 8 << 20,
		sigtermLoad:   2 * time.Second,
		sigtermRounds: 5, sigtermClients: 32,
		reloads:   50,
		fdHolders: 100, fdLimit: 64, fdWindow: 5 * time.Second,
		perIPMaxConns: 48, perIPLoad: time.Second,
		tlsClients: 50, tlsReloads: 20,
		largeHolders: 150,
	}
	fullScale = scale{
		name:      "full",
		slowloris: 1000, vanishing: 1000, neverReading: 100,
		floodConns: 300, floodMaxConns: 50,
		tooLarge: 500, tooLargeStream: 8 << 20,
		sigtermLoad:   10 * time.Second,
		sigtermRounds: 20, sigtermClients: 32,
		reloads:   200,
		fdHolders: 300, fdLimit: 64, fdWindow: 15 * time.Second,
		perIPMaxConns: 200, perIPLoad: 5 * time.Second,
		tlsClients: 300, tlsReloads: 100,
		largeHolders: 500,
	}
)

// currentScale returns the scale chosen by TINYHTTPD_FAULTS_SCALE or -short.
func currentScale(t *testing.T) scale {
	switch v := os.Getenv(scaleVar); v {
	case "short":
		return shortScale
	case "full":
		return fullScale
	case "":
	default:
		t.Fatalf("%s=%q: want short or full", scaleVar, v)
	}
	if testing.Short() {
		return shortScale
	}
	return fullScale
}

// summary is one scenario's result, printed as a table when the suite ends.
type summary struct {
	scenario    string
	scale       string
	good        int64
	goodFailed  int64
	misbehaving string
	before      resources
	peak        resources
	after       resources
	extra       string
}

var (
	summariesMu sync.Mutex
	summaries   []summary
)

// report logs a scenario's summary line and keeps it for the final table.
func report(t *testing.T, s summary) {
	t.Helper()
	t.Logf("SUMMARY %s [%s]: good exchanges %d, failed %d; misbehaving clients: %s; server before: %s; peak: %s; after: %s; %s",
		s.scenario, s.scale, s.good, s.goodFailed, s.misbehaving, s.before, s.peak, s.after, s.extra)
	summariesMu.Lock()
	summaries = append(summaries, s)
	summariesMu.Unlock()
}

func printSummaries() {
	summariesMu.Lock()
	defer summariesMu.Unlock()
	if len(summaries) == 0 {
		return
	}
	fmt.Println("\n=== fault suite summary ===")
	for _, s := range summaries {
		fmt.Printf("%-16s %-5s good %6d failed %d | %s | before: %s; peak: %s; after: %s | %s\n",
			s.scenario, s.scale, s.good, s.goodFailed, s.misbehaving, s.before, s.peak, s.after, s.extra)
	}
}
