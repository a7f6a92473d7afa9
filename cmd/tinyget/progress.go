package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Update intervals of the progress meter and of the -# bar, as in curl;
// variables so that a test can shorten them.
var (
	meterInterval = time.Second
	barInterval   = 100 * time.Millisecond
)

// meterHeader heads curl's progress meter.
const meterHeader = "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n" +
	"                                 Dload  Upload   Total   Spent    Left  Speed\n"

// meter draws a transfer's progress on stderr from a goroutine of its own,
// which start starts and stop ends: curl's progress meter, or its bar of #s
// for -#. Bytes are counted through the atomic counters, so drawing never
// waits for the transfer.
type meter struct {
	w        io.Writer
	bar      bool
	width    int           // of the -# bar, in columns
	interval time.Duration // between updates
	start    time.Time

	down    atomic.Int64  // body bytes received
	total   atomic.Int64  // body bytes expected, -1 while unknown
	up      *atomic.Int64 // request body bytes sent
	upTotal int64         // request body bytes to send

	stopc chan struct{}
	done  chan struct{}

	// Drawing state, used only by the drawing goroutine, then by stop.
	headerOut bool
	samples   []sample // the last few seconds' totals, for the current speed
	calls     int      // bars drawn
	prev      int64    // bytes at the last bar drawn
	pos, move int      // where the -# indicator is, for an unknown total
}

// sample is the bytes transferred at a moment.
type sample struct {
	at    time.Time
	bytes int64
}

// newMeter returns a meter drawing on w, a terminal of the given width (0 if
// unknown), for a request body of upTotal bytes whose progress up counts.
func newMeter(w io.Writer, bar bool, width int, up *atomic.Int64, upTotal int64) *meter {
	m := &meter{w: w, bar: bar, width: barWidth(width), interval: meterInterval, up: up, upTotal: upTotal, move: 1}
	if bar {
		m.interval = barInterval
	}
	m.total.Store(-1)
	return m
}

// barWidth returns the -# bar's width: $COLUMNS as curl reads it, else the
// terminal's, else 79; at least 20 and at most 256.
func barWidth(terminal int) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 20 {
		terminal = n
	}
	switch {
	case terminal <= 0:
		return 79
	case terminal < 20:
		return 20
	case terminal > 256:
		return 256
	}
	return terminal
}

// run starts drawing.
func (m *meter) run() {
	m.start = time.Now()
	m.stopc, m.done = make(chan struct{}), make(chan struct{})
	m.draw(m.start, false)
	go func() {
		defer close(m.done)
		t := time.NewTicker(m.interval)
		defer t.Stop()
		for {
			select {
			case <-m.stopc:
				return
			case now := <-t.C:
				m.draw(now, false)
			}
		}
	}()
}

// stop stops drawing, draws the final state and ends the line.
func (m *meter) stop() {
	close(m.stopc)
	<-m.done
	m.draw(time.Now(), true)
	fmt.Fprintln(m.w)
}

// draw draws the progress at now.
func (m *meter) draw(now time.Time, final bool) {
	if m.bar {
		m.drawBar(final)
		return
	}
	m.drawMeter(now)
}

// drawMeter draws one line of curl's progress meter, after its header the
// first time.
func (m *meter) drawMeter(now time.Time) {
	if !m.headerOut {
		io.WriteString(m.w, meterHeader)
		m.headerOut = true
	}
	spent := now.Sub(m.start)
	dl, ul := m.down.Load(), m.up.Load()
	dlTotal := m.total.Load()
	dlSpeed, ulSpeed := speed(dl, spent), speed(ul, spent)

	m.samples = append(m.samples, sample{now, dl + ul})
	if len(m.samples) > 5 {
		m.samples = m.samples[1:]
	}
	current := dlSpeed + ulSpeed
	if len(m.samples) > 1 {
		first, last := m.samples[0], m.samples[len(m.samples)-1]
		current = speed(last.bytes-first.bytes, last.at.Sub(first.at))
	}

	dlSecs, dlPct := estimate(dlTotal, dl, dlSpeed)
	ulSecs, ulPct := estimate(m.upTotal, ul, ulSpeed)
	totalSecs := max(dlSecs, ulSecs)
	spentSecs := int64(spent / time.Second)
	left := int64(0)
	if totalSecs > 0 {
		left = totalSecs - spentSecs
	}
	expected := m.upTotal
	if dlTotal >= 0 {
		expected += dlTotal
	} else {
		expected += dl
	}
	fmt.Fprintf(m.w, "\r%3d %s  %3d %s  %3d %s  %s  %s %s %s %s %s",
		percent(expected, dl+ul), max5(expected), dlPct, max5(dl), ulPct, max5(ul),
		max5(dlSpeed), max5(ulSpeed), clock(totalSecs), clock(spentSecs), clock(left), max5(current))
}

// drawBar draws curl's -# bar: #s and a percentage when the total is known,
// else an indicator moving back and forth while bytes come in.
func (m *meter) drawBar(final bool) {
	point := m.down.Load() + m.up.Load()
	total := m.upTotal
	if t := m.total.Load(); t >= 0 {
		total += t
	} else {
		total = -1
	}
	if total <= 0 {
		if m.calls > 0 && !final {
			m.fly(point != m.prev)
		}
		m.calls++
		m.prev = point
		return
	}
	if m.calls > 0 && point == m.prev && !final {
		return
	}
	m.calls++
	m.prev = point
	frac := float64(min(point, total)) / float64(total)
	width := m.width - 7
	fmt.Fprintf(m.w, "\r%-*s %5.1f%%", width, strings.Repeat("#", int(float64(width)*frac)), 100*frac)
}

// fly moves the indicator of a bar whose total is unknown one step.
func (m *meter) fly(moved bool) {
	line := []byte(strings.Repeat(" ", m.width-1))
	copy(line[m.pos:], "<=>")
	fmt.Fprintf(m.w, "\r%s", line)
	if !moved {
		return
	}
	m.pos += m.move
	if m.pos >= m.width-4 || m.pos <= 0 {
		m.move = -m.move
	}
}

// speed returns bytes per second over d.
func speed(bytes int64, d time.Duration) int64 {
	if d < time.Microsecond {
		d = time.Microsecond
	}
	return int64(float64(bytes) / d.Seconds())
}

// estimate returns, for one direction of total bytes (-1 if unknown) of
// which cur went at speed bytes per second, the seconds the whole should take
// and the percentage done; zero when that cannot be known yet.
func estimate(total, cur, speed int64) (secs, pct int64) {
	if total < 0 || speed <= 0 {
		return 0, 0
	}
	return total / speed, percent(total, cur)
}

// percent returns cur as a percentage of total, as curl rounds it.
func percent(total, cur int64) int64 {
	switch {
	case total > 10000:
		return cur / (total / 100)
	case total > 0:
		return cur * 100 / total
	}
	return 0
}

// clock formats seconds in the meter's eight columns: "HH:MM:SS", "DDDd HHh"
// beyond 99 hours, "--:--:--" when unknown.
func clock(secs int64) string {
	if secs <= 0 {
		return "--:--:--"
	}
	if h := secs / 3600; h <= 99 {
		return fmt.Sprintf("%2d:%02d:%02d", h, secs%3600/60, secs%60)
	}
	if d := secs / 86400; d <= 999 {
		return fmt.Sprintf("%3dd %02dh", d, secs%86400/3600)
	}
	return fmt.Sprintf("%7dd", secs/86400)
}

// max5 formats a byte count in at most five columns, with curl's k, M, G,
// T and P suffixes for powers of 1024.
func max5(n int64) string {
	const (
		k = int64(1024)
		m = 1024 * k
		g = 1024 * m
		t = 1024 * g
	)
	switch {
	case n < 100000:
		return fmt.Sprintf("%5d", n)
	case n < 10000*k:
		return fmt.Sprintf("%4dk", n/k)
	case n < 100*m:
		return fmt.Sprintf("%2d.%dM", n/m, n%m/(m/10))
	case n < 10000*m:
		return fmt.Sprintf("%4dM", n/m)
	case n < 100*g:
		return fmt.Sprintf("%2d.%dG", n/g, n%g/(g/10))
	case n < 10000*g:
		return fmt.Sprintf("%4dG", n/g)
	case n < 10000*t:
		return fmt.Sprintf("%4dT", n/t)
	}
	return fmt.Sprintf("%4dP", n/(1024*t))
}
