package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// synthetic writes a CPU profile with the given samples, each a count of
// samples and the label value ("" for none), and returns its path. The cpu
// values are not proportional to the counts, so a test can tell which
// column was counted.
func synthetic(t *testing.T, samples []struct {
	n     int64
	value string
}) string {
	t.Helper()
	fn := &profile.Function{ID: 1, Name: "main.work"}
	loc := &profile.Location{ID: 1, Line: []profile.Line{{Function: fn}}}
	p := &profile.Profile{
		SampleType:    []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		DurationNanos: int64(3 * time.Second),
		PeriodType:    &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:        10_000_000,
		Function:      []*profile.Function{fn},
		Location:      []*profile.Location{loc},
	}
	for i, s := range samples {
		ps := &profile.Sample{Location: []*profile.Location{loc}, Value: []int64{s.n, int64(i+1) * 1e9}}
		if s.value != "" {
			ps.Label = map[string][]string{"acceptor": {s.value}}
		}
		p.Sample = append(p.Sample, ps)
	}
	var b bytes.Buffer
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cpu.pb.gz")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// twoAcceptors: acceptor 0 has 60 of 100 samples, acceptor 1 has 20, and 20
// carry no label. Two samples for acceptor 0 check that they add up.
var twoAcceptors = []struct {
	n     int64
	value string
}{{40, "0"}, {20, "0"}, {20, "1"}, {20, ""}}

// runJSON runs profshare with -json and decodes its report.
func runJSON(t *testing.T, args ...string) (*result, int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"-json"}, args...), &out, &errb)
	if code != exitOK {
		return nil, code, errb.String()
	}
	var r result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("report %q: %v", out.String(), err)
	}
	return &r, code, errb.String()
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestShares(t *testing.T) {
	path := synthetic(t, twoAcceptors)
	r, code, stderr := runJSON(t, "-acceptors", "2", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if r.Samples != 100 || r.Labelled != 80 || r.Unlabelled != 20 || r.SampleType != "samples/count" || r.DurationS != 3 {
		t.Errorf("counts: %+v", r)
	}
	if len(r.Acceptors) != 2 || r.Acceptors[0] != (share{"0", 60, 0.6}) || r.Acceptors[1] != (share{"1", 20, 0.2}) {
		t.Errorf("acceptors %+v", r.Acceptors)
	}
	// m = 0.6, a = 0.8, K = 2: e = 0.6 - 0.4 = 0.2.
	// S(4) = 1/(0.2 + 0.8/4) = 2.5, S(16) = 1/(0.2 + 0.05) = 4;
	// plain: 1/(0.6 + 0.4/4) = 1/0.7, 1/(0.6 + 0.025) = 1.6.
	if r.K != 2 || !near(r.M, 0.6) || !near(r.A, 0.8) || !near(r.E, 0.2) || r.Message != "" {
		t.Errorf("K %d m %v a %v e %v message %q", r.K, r.M, r.A, r.E, r.Message)
	}
	if !near(r.MErr, math.Sqrt(0.6*0.4/100)) {
		t.Errorf("standard error of m %v, want sqrt(0.24/100)", r.MErr)
	}
	want := []projection{{4, 2.5, 1 / 0.7}, {16, 4, 1.6}, {64, 1 / (0.2 + 0.8/64), 1 / (0.6 + 0.4/64)}}
	if len(r.Speedups) != len(want) {
		t.Fatalf("speedups %+v", r.Speedups)
	}
	for i, w := range want {
		if s := r.Speedups[i]; s.Cores != w.Cores || !near(s.Excess, w.Excess) || !near(s.Plain, w.Plain) {
			t.Errorf("speedup %+v, want %+v", s, w)
		}
	}
}

func TestAcceptorsFlag(t *testing.T) {
	path := synthetic(t, twoAcceptors)
	// Unset, K is the number of label values found.
	r, _, _ := runJSON(t, path)
	if r == nil || r.K != 2 || !near(r.E, 0.2) {
		t.Errorf("no -acceptors: %+v", r)
	}
	// An acceptor with no samples still counts in the fair split.
	r, _, _ = runJSON(t, "-acceptors", "4", "-cores", "2", path)
	if r == nil || r.K != 4 || !near(r.E, 0.6-0.8/4) || len(r.Speedups) != 1 || !near(r.Speedups[0].Excess, 1/(0.4+0.6/2)) {
		t.Errorf("-acceptors 4: %+v", r)
	}
	// More label values than acceptors: the profile is not of that server.
	_, code, stderr := runJSON(t, "-acceptors", "1", path)
	if code != exitFailed || !strings.Contains(stderr, "2 values of the label \"acceptor\", more than the 1 acceptors given") {
		t.Errorf("-acceptors 1: exit %d, %q", code, stderr)
	}
}

// TestNoLabels is a profile of a server whose acceptors carry no label:
// shares of 0, the message, no projection, exit 0.
func TestNoLabels(t *testing.T) {
	path := synthetic(t, []struct {
		n     int64
		value string
	}{{70, ""}, {30, ""}})
	r, code, stderr := runJSON(t, "-acceptors", "2", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if r.Message != "no samples labelled acceptor" || r.M != 0 || r.A != 0 || r.Samples != 100 || len(r.Acceptors) != 0 || len(r.Speedups) != 0 {
		t.Errorf("%+v", r)
	}
	var out bytes.Buffer
	if code := run([]string{path}, &out, &out); code != exitOK || !strings.Contains(out.String(), "no samples labelled acceptor: serial fraction 0, no projection") {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
}

func TestText(t *testing.T) {
	path := synthetic(t, twoAcceptors)
	var out, errb bytes.Buffer
	if code := run([]string{"-acceptors", "2", path}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"100 samples (samples/count) over 3.0 s",
		"acceptor: 2 values, K = 2 acceptors",
		"acceptor=0              60 samples  0.600",
		"unlabelled              20 samples  0.200",
		"m = 0.600   the busiest acceptor's share: the serial fraction (standard error 0.049)",
		"a = 0.800",
		"e = 0.200",
		"N=4      N=16      N=64",
		"1/(e + (1-e)/N)                    2.50x     4.00x     4.71x",
		"plain Amdahl, 1/(m + (1-m)/N)      1.43x     1.60x     1.65x",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestErrors(t *testing.T) {
	notProfile := filepath.Join(t.TempDir(), "x")
	os.WriteFile(notProfile, []byte("hello"), 0o644)
	empty := synthetic(t, nil)
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "want one profile file"},
		{[]string{"a", "b"}, exitUsage, "want one profile file"},
		{[]string{"-cores", "4,x", "p"}, exitUsage, `-cores "4,x"`},
		{[]string{"-acceptors", "-1", "p"}, exitUsage, "-acceptors -1"},
		{[]string{"-label", "", "p"}, exitUsage, "-label"},
		{[]string{"-bogus", "p"}, exitUsage, "flag provided but not defined"},
		{[]string{filepath.Join(t.TempDir(), "missing")}, exitFailed, "no such file"},
		{[]string{notProfile}, exitFailed, "not a pprof profile"},
		{[]string{empty}, exitFailed, "the profile has no samples"},
	} {
		var out, errb bytes.Buffer
		code := run(tt.args, &out, &errb)
		if code != tt.code || !strings.Contains(errb.String(), tt.want) {
			t.Errorf("%q: exit %d, %q; want %d, %q", tt.args, code, errb.String(), tt.code, tt.want)
		}
	}
}

// TestRuntimeLabels profiles this test process while a goroutine labelled
// the way tinyhttpd labels its acceptors burns CPU, and checks that its
// samples are found under its label: what runtime/pprof writes is what
// profshare reads.
func TestRuntimeLabels(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pb.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Skipf("a CPU profile is already running: %v", err)
	}
	done := make(chan struct{})
	go pprof.Do(context.Background(), pprof.Labels("acceptor", "0"), func(context.Context) {
		defer close(done)
		x := 0
		for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); {
			for i := range 10000 {
				x += i * i
			}
		}
		_ = x
	})
	<-done
	pprof.StopCPUProfile()
	f.Close()

	r, code, stderr := runJSON(t, "-acceptors", "1", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if r.Labelled == 0 || len(r.Acceptors) != 1 || r.Acceptors[0].Value != "0" || r.M <= 0 || r.K != 1 {
		t.Errorf("%+v", r)
	}
}
