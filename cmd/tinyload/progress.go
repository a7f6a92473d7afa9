package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// isTerminal reports whether f is a terminal: a character device other
// than /dev/null.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}

// progress prints one line a second about a running phase: on a terminal
// the line is rewritten in place, elsewhere each is a new line.
type progress struct {
	w        io.Writer
	terminal bool
	every    time.Duration

	stop chan struct{}
	done sync.WaitGroup
}

// start begins printing the progress of the phase whose shards are sh.
func (p *progress) start(label string, sh shards, begin time.Time) {
	p.stop = make(chan struct{})
	p.done.Go(func() {
		t := time.NewTicker(p.every)
		defer t.Stop()
		var last int64
		lastAt := begin
		for {
			select {
			case <-p.stop:
				if p.terminal {
					fmt.Fprint(p.w, "\r\033[K")
				}
				return
			case now := <-t.C:
				done, failed := sh.counts()
				rate := float64(done-last) / now.Sub(lastAt).Seconds()
				last, lastAt = done, now
				line := fmt.Sprintf("tinyload: %s %4.0fs  %d exchanges  %.0f/s  %d failed",
					label, now.Sub(begin).Seconds(), done, rate, failed)
				if p.terminal {
					fmt.Fprintf(p.w, "\r\033[K%s", line)
				} else {
					fmt.Fprintln(p.w, line)
				}
			}
		}
	})
}

// end stops the line of the current phase.
func (p *progress) end() {
	if p.stop == nil {
		return
	}
	close(p.stop)
	p.done.Wait()
	p.stop = nil
}
