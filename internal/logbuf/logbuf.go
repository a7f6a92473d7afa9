// Package logbuf batches log output: a Writer gathers what is written to
// it and writes it on in batches, so that a server logging a line per
// exchange makes one write system call per batch rather than one per line.
// A line waits at most the Writer's interval; a Handler writes records of
// a chosen level or above at once, with everything before them.
package logbuf

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Writer buffers what is written to it, up to a size, and writes it to the
// underlying writer when the buffer would grow past that size, when
// Interval has passed since the first byte still waiting, on Flush and on
// Close. It is safe for concurrent use; each Write's bytes stay together.
// What the underlying writer refuses is dropped, as an unbuffered log
// would lose it.
type Writer struct {
	mu     sync.Mutex
	w      io.Writer
	buf    []byte
	timer  *time.Timer
	every  time.Duration
	closed bool
}

// NewWriter returns a Writer that holds up to size bytes for at most every.
func NewWriter(w io.Writer, size int, every time.Duration) *Writer {
	b := &Writer{w: w, buf: make([]byte, 0, size), every: every}
	b.timer = time.AfterFunc(every, func() { b.Flush() })
	b.timer.Stop()
	return b
}

// Write buffers p, or writes it through when the Writer is closed or p
// alone is larger than the buffer.
func (b *Writer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf)+len(p) > cap(b.buf) {
		b.flushLocked()
	}
	if b.closed || len(p) > cap(b.buf) {
		return b.w.Write(p)
	}
	if len(b.buf) == 0 {
		b.timer.Reset(b.every)
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Flush writes what is buffered.
func (b *Writer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *Writer) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	b.timer.Stop()
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	return err
}

// Close writes what is buffered; later writes go straight through.
func (b *Writer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return b.flushLocked()
}

// Handler is a slog.Handler that flushes its Writer after each record of
// level Level or above, so that warnings and errors are seen at once.
type Handler struct {
	slog.Handler
	Writer *Writer
	Level  slog.Level
}

// Handle handles r, then flushes the Writer if r is at Level or above.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= h.Level {
		h.Writer.Flush()
	}
	return err
}

// WithAttrs returns a Handler whose records have attrs too.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{h.Handler.WithAttrs(attrs), h.Writer, h.Level}
}

// WithGroup returns a Handler whose records' attributes are in group name.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{h.Handler.WithGroup(name), h.Writer, h.Level}
}
