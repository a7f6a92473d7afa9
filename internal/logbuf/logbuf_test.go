package logbuf

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// countingWriter counts the writes it gets.
type countingWriter struct {
	testenv.SyncBuffer
	mu     sync.Mutex
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes++
	c.mu.Unlock()
	return c.SyncBuffer.Write(p)
}

func (c *countingWriter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

func TestWriterBatches(t *testing.T) {
	var out countingWriter
	b := NewWriter(&out, 64, time.Hour)
	defer b.Close()
	for range 3 {
		b.Write([]byte("0123456789\n"))
	}
	if out.count() != 0 || out.String() != "" {
		t.Fatalf("written before a flush: %q", out.String())
	}
	b.Flush()
	if out.count() != 1 || out.String() != strings.Repeat("0123456789\n", 3) {
		t.Fatalf("after Flush: %d writes, %q", out.count(), out.String())
	}
	b.Flush()
	if out.count() != 1 {
		t.Errorf("an empty flush wrote")
	}
}

func TestWriterFlushesWhenFull(t *testing.T) {
	var out countingWriter
	b := NewWriter(&out, 16, time.Hour)
	defer b.Close()
	b.Write([]byte("0123456789"))
	b.Write([]byte("abcdefghij")) // would pass 16: the first goes out
	if out.String() != "0123456789" {
		t.Fatalf("got %q, want the first write alone", out.String())
	}
	b.Write([]byte(strings.Repeat("x", 40))) // larger than the buffer
	if want := "0123456789abcdefghij" + strings.Repeat("x", 40); out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
}

// TestWriterFlushesWithinInterval checks that a line does not wait in the
// buffer beyond the interval (by a wide margin, not a timing target).
func TestWriterFlushesWithinInterval(t *testing.T) {
	var out countingWriter
	b := NewWriter(&out, 1024, 20*time.Millisecond)
	defer b.Close()
	b.Write([]byte("line\n"))
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "line\n" {
		if time.Now().After(deadline) {
			t.Fatal("the line was not written within 5 s of a 20 ms interval")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWriterCloseFlushesAndWritesThrough(t *testing.T) {
	var out countingWriter
	b := NewWriter(&out, 1024, time.Hour)
	b.Write([]byte("a\n"))
	b.Close()
	if out.String() != "a\n" {
		t.Fatalf("Close left %q", out.String())
	}
	b.Write([]byte("b\n"))
	if out.String() != "a\nb\n" {
		t.Fatalf("a write after Close was held: %q", out.String())
	}
}

// TestWriterKeepsLinesWhole writes lines from several goroutines and checks
// that none is split or lost.
func TestWriterKeepsLinesWhole(t *testing.T) {
	var out countingWriter
	b := NewWriter(&out, 100, time.Millisecond)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			line := bytes.Repeat([]byte{byte('a' + g)}, 9+g)
			line = append(line, '\n')
			for range 200 {
				b.Write(line)
			}
		})
	}
	wg.Wait()
	b.Close()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8*200 {
		t.Fatalf("%d lines, want %d", len(lines), 8*200)
	}
	for _, l := range lines {
		if l == "" || strings.Trim(l, l[:1]) != "" || len(l) != 9+int(l[0]-'a') {
			t.Fatalf("line %q was split or mixed", l)
		}
	}
}

func TestHandlerFlushesWarnings(t *testing.T) {
	var out countingWriter
	b := NewWriter(&out, 1024, time.Hour)
	defer b.Close()
	logger := slog.New(&Handler{Handler: slog.NewTextHandler(b, nil), Writer: b, Level: slog.LevelWarn}).With("app", "x").WithGroup("g")
	logger.Info("exchange")
	if out.String() != "" {
		t.Fatalf("info written at once: %q", out.String())
	}
	logger.Warn("trouble")
	got := out.String()
	if !strings.Contains(got, "msg=exchange") || !strings.Contains(got, "msg=trouble") || !strings.Contains(got, "app=x") {
		t.Fatalf("a warning did not flush what came before it: %q", got)
	}
}
