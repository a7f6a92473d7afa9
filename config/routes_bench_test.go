package config

import (
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkParseRoutesWorstCase parses the routes files that need the most
// memory: one of MaxRoutesFileSize made of a flow sequence of one-letter
// scalars, refused; the files of small nodes just within
// MaxRoutesTokens; the largest file of MaxRoutes routes; and one of
// MaxRoutes routes with bodies that make it almost MaxRoutesFileSize.
// Beside B/op it reports the largest heap seen during the parses, the
// file and the garbage not yet collected included.
func BenchmarkParseRoutesWorstCase(b *testing.B) {
	for name, file := range worstCaseRoutes() {
		b.Run(name, func(b *testing.B) {
			data := []byte(file())
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			runtime.GC()
			stop := sampleHeap()
			for b.Loop() {
				_, _ = ParseRoutes("r.yaml", data, testFiles, ".")
			}
			b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MiB")
		})
	}
}

// worstCaseRoutes returns the files of BenchmarkParseRoutesWorstCase by
// name.
func worstCaseRoutes() map[string]func() string {
	files := map[string]func() string{
		"refused/flow-sequence-16MiB": func() string {
			head := "routes: ["
			return head + strings.Repeat("a,", (MaxRoutesFileSize-len(head)-3)/2) + "a]\n"
		},
		"largest": largestRoutes,
		"largest-16MiB": func() string {
			// MaxRoutes routes with bodies in quotes that fill the file.
			body := strings.Repeat("x", MaxRoutesFileSize/MaxRoutes-150)
			var b strings.Builder
			b.WriteString("routes:\n")
			for i := range MaxRoutes {
				b.WriteString("  - path: /r" + strconv.Itoa(i) + "\n    headers: {Content-Type: text/html, X-A: a}\n    body: \"" + body + "\"\n")
			}
			return b.String()
		},
	}
	for name, src := range withinRoutes() {
		files["within/"+strings.ReplaceAll(name, " ", "-")] = func() string { return src }
	}
	return files
}

// BenchmarkYAMLTokens counts the tokens of the files of
// BenchmarkParseRoutesWorstCase.
func BenchmarkYAMLTokens(b *testing.B) {
	for name, file := range worstCaseRoutes() {
		b.Run(name, func(b *testing.B) {
			data := []byte(file())
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				yamlTokens(data, MaxRoutesTokens)
			}
		})
	}
}

// sampleHeap samples the bytes in heap objects every millisecond until the
// function it returns is called, which returns the largest sample.
func sampleHeap() (stop func() uint64) {
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var most uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			most = max(most, sample[0].Value.Uint64())
			select {
			case <-done:
				peak <- most
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-peak
	}
}
