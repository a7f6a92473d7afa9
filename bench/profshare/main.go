// Command profshare reads a CPU profile of tinyhttpd and reports how its
// samples split over the acceptor goroutines, which carry the runtime/pprof
// label "acceptor": each acceptor's share of all samples, the busiest
// acceptor's share (the serial fraction), and the speedups on more cores
// that follow from them. bench/run runs it on a profile taken from the admin
// endpoint under load; bench/README.md states the model.
//
//	profshare [-label acceptor] [-acceptors K] [-cores 4,16,64] [-json] PROFILE
//
// PROFILE is a profile in pprof's format, gzipped or not, such as
// /debug/pprof/profile returns. A profile with no sample labelled is
// reported as such ("no samples labelled acceptor"), with shares of 0 and
// no projection, and exit code 0. Exit codes: 0 reported, 1 the profile
// cannot be read or does not fit -acceptors, 2 bad usage.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// share is one label value's part of the profile.
type share struct {
	Value   string  `json:"value"`
	Samples int64   `json:"samples"`
	Share   float64 `json:"share"`
}

// projection is the speedup on Cores cores by the two models.
type projection struct {
	Cores int `json:"cores"`
	// Excess is Amdahl's law with the busiest acceptor's excess over a
	// fair split as the serial part: 1 / (e + (1-e)/N).
	Excess float64 `json:"excess"`
	// Plain is Amdahl's law with the busiest acceptor's whole share as
	// the serial part: 1 / (m + (1-m)/N).
	Plain float64 `json:"plain"`
}

// result is what profshare reports, in text or JSON.
type result struct {
	Profile    string  `json:"profile"`
	SampleType string  `json:"sample_type"` // "type/unit" of the values counted
	Samples    int64   `json:"samples"`     // all samples, labelled or not
	DurationS  float64 `json:"duration_s"`
	Label      string  `json:"label"`
	Acceptors  []share `json:"acceptors"` // by label value, in order
	Labelled   int64   `json:"labelled"`  // samples with the label
	Unlabelled int64   `json:"unlabelled"`
	// K is the number of acceptors: -acceptors, or else the number of
	// label values in the profile.
	K int `json:"k"`
	// M is the busiest acceptor's share of all samples: the serial
	// fraction.
	M float64 `json:"m"`
	// MErr is M's standard error as a binomial proportion of Samples,
	// sqrt(M(1-M)/Samples): how far sampling alone may move it.
	MErr float64 `json:"m_stderr"`
	// A is all acceptors' share of all samples together.
	A float64 `json:"a"`
	// E is the busiest acceptor's excess over a fair split, M - A/K.
	E        float64      `json:"e"`
	Speedups []projection `json:"speedups,omitempty"`
	// Message, when set, says why there is no projection.
	Message string `json:"message,omitempty"`
}

// options are the parsed command line.
type options struct {
	label     string
	acceptors int
	coreList  string
	cores     []int
	json      bool
	path      string
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is profshare: it parses args, reads and analyzes the profile, prints
// the report and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs, _ := newFlagSet()
		fmt.Fprintln(stdout, usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "profshare: %v\n", err)
		return exitUsage
	}
	p, err := readProfile(o.path)
	if err != nil {
		fmt.Fprintf(stderr, "profshare: %v\n", err)
		return exitFailed
	}
	r, err := analyze(p, o.label, o.acceptors, o.cores)
	if err != nil {
		fmt.Fprintf(stderr, "profshare: %s: %v\n", o.path, err)
		return exitFailed
	}
	r.Profile = o.path
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	} else {
		_, err = io.WriteString(stdout, r.text())
	}
	if err != nil {
		fmt.Fprintf(stderr, "profshare: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// usage is the first line of profshare -h.
const usage = "usage: profshare [-label acceptor] [-acceptors K] [-cores 4,16,64] [-json] PROFILE"

// newFlagSet returns profshare's flags and the options they set.
func newFlagSet() (*flag.FlagSet, *options) {
	o := &options{}
	fs := flag.NewFlagSet("profshare", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.label, "label", "acceptor", "the runtime/pprof label that names each acceptor goroutine")
	fs.IntVar(&o.acceptors, "acceptors", 0, "K, the number of acceptors the server runs; 0: as many as label values in the profile")
	fs.StringVar(&o.coreList, "cores", "4,16,64", "core counts to project the speedup for, comma-separated")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON")
	return fs, o
}

// parseArgs parses the command line: a bad one is an error, -h is
// flag.ErrHelp.
func parseArgs(args []string) (*options, error) {
	fs, o := newFlagSet()
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() != 1 {
		return nil, errors.New("want one profile file; " + usage)
	}
	o.path = fs.Arg(0)
	if o.label == "" {
		return nil, errors.New("-label: want a label key")
	}
	if o.acceptors < 0 {
		return nil, fmt.Errorf("-acceptors %d: want 0 or more", o.acceptors)
	}
	for f := range strings.SplitSeq(o.coreList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-cores %q: want positive whole numbers, comma-separated", o.coreList)
		}
		o.cores = append(o.cores, n)
	}
	return o, nil
}

// readProfile reads and parses a profile file.
func readProfile(path string) (*profile.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: not a pprof profile: %w", path, err)
	}
	return p, nil
}

// analyze splits p's samples by the value of label. It counts the
// "samples" value of each sample where the profile has one (a CPU profile
// does), else its last value. k is the number of acceptors; 0 takes the
// number of label values found. A profile with no samples at all, or with
// more label values than k, is an error.
func analyze(p *profile.Profile, label string, k int, cores []int) (*result, error) {
	if len(p.SampleType) == 0 {
		return nil, errors.New("the profile has no sample types")
	}
	col := len(p.SampleType) - 1
	for i, st := range p.SampleType {
		if st.Type == "samples" {
			col = i
			break
		}
	}
	r := &result{
		SampleType: p.SampleType[col].Type + "/" + p.SampleType[col].Unit,
		DurationS:  float64(p.DurationNanos) / 1e9,
		Label:      label,
		Acceptors:  []share{},
	}
	by := map[string]int64{}
	for _, s := range p.Sample {
		v := s.Value[col]
		r.Samples += v
		if vals := s.Label[label]; len(vals) > 0 {
			by[vals[0]] += v
			r.Labelled += v
		}
	}
	if r.Samples <= 0 {
		return nil, errors.New("the profile has no samples: was the server under load?")
	}
	r.Unlabelled = r.Samples - r.Labelled
	for v, n := range by {
		r.Acceptors = append(r.Acceptors, share{Value: v, Samples: n, Share: float64(n) / float64(r.Samples)})
	}
	// By length first, so that "10" comes after "9".
	slices.SortFunc(r.Acceptors, func(a, b share) int {
		if d := len(a.Value) - len(b.Value); d != 0 {
			return d
		}
		return strings.Compare(a.Value, b.Value)
	})
	r.K = k
	if k == 0 {
		r.K = len(by)
	}
	if len(by) > r.K {
		return nil, fmt.Errorf("%d values of the label %q, more than the %d acceptors given", len(by), label, r.K)
	}
	if r.Labelled == 0 {
		r.Message = fmt.Sprintf("no samples labelled %s", label)
		return r, nil
	}
	for _, a := range r.Acceptors {
		r.M = max(r.M, a.Share)
	}
	r.MErr = math.Sqrt(r.M * (1 - r.M) / float64(r.Samples))
	r.A = float64(r.Labelled) / float64(r.Samples)
	r.E = max(r.M-r.A/float64(r.K), 0) // never below 0 but for rounding
	for _, n := range cores {
		r.Speedups = append(r.Speedups, projection{Cores: n, Excess: amdahl(r.E, n), Plain: amdahl(r.M, n)})
	}
	return r, nil
}

// amdahl is the speedup on n cores of work whose serial part is s.
func amdahl(s float64, n int) float64 {
	return 1 / (s + (1-s)/float64(n))
}

// text is the report for people.
func (r *result) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "profile     %s: %d samples (%s) over %.1f s\n", r.Profile, r.Samples, r.SampleType, r.DurationS)
	fmt.Fprintf(&b, "label       %s: %d values, K = %d acceptors\n", r.Label, len(r.Acceptors), r.K)
	for _, a := range r.Acceptors {
		fmt.Fprintf(&b, "  %s=%-8s %8d samples  %.3f\n", r.Label, a.Value, a.Samples, a.Share)
	}
	fmt.Fprintf(&b, "  %-17s %8d samples  %.3f\n", "unlabelled", r.Unlabelled, float64(r.Unlabelled)/float64(r.Samples))
	if r.Message != "" {
		fmt.Fprintf(&b, "%s: serial fraction 0, no projection\n", r.Message)
		return b.String()
	}
	fmt.Fprintf(&b, "m = %.3f   the busiest acceptor's share: the serial fraction (standard error %.3f)\n", r.M, r.MErr)
	fmt.Fprintf(&b, "a = %.3f   all acceptors' share together\n", r.A)
	fmt.Fprintf(&b, "e = %.3f   the busiest acceptor's excess over a fair split, m - a/K\n", r.E)
	fmt.Fprintf(&b, "%-32s", "projected speedup on N cores")
	for _, s := range r.Speedups {
		fmt.Fprintf(&b, "%10s", fmt.Sprintf("N=%d", s.Cores))
	}
	fmt.Fprintf(&b, "\n%-32s", "  1/(e + (1-e)/N)")
	for _, s := range r.Speedups {
		fmt.Fprintf(&b, "%10s", fmt.Sprintf("%.2fx", s.Excess))
	}
	fmt.Fprintf(&b, "\n%-32s", "  plain Amdahl, 1/(m + (1-m)/N)")
	for _, s := range r.Speedups {
		fmt.Fprintf(&b, "%10s", fmt.Sprintf("%.2fx", s.Plain))
	}
	b.WriteString("\nThe first assumes one acceptor per core, so that acceptors grow with N;\n" +
		"the second, that the busiest acceptor's work does not spread at all.")
	b.WriteString("\n")
	return b.String()
}
