package config

import (
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// BenchmarkParseRoutesWorstCase parses the routes files that need the most
// memory: one of MaxRoutesFileSize made of a flow sequence of one-letter
// scalars, refused; the files of small nodes just within
// MaxRoutesTokens; and the largest file of MaxRoutes routes. Beside B/op
// it reports the largest heap seen during the parses, the file and the
// garbage not yet collected included.
func BenchmarkParseRoutesWorstCase(b *testing.B) {
	files := map[string]func() string{
		"refused/flow-sequence-16MiB": func() string {
			head := "routes: ["
			return head + strings.Repeat("a,", (MaxRoutesFileSize-len(head)-3)/2) + "a]\n"
		},
		"largest": largestRoutes,
	}
	for name, src := range withinRoutes() {
		files["within/"+strings.ReplaceAll(name, " ", "-")] = func() string { return src }
	}
	for name, file := range files {
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
