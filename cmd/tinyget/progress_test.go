package main

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestMeterLine draws meter lines for a transfer at known points and checks
// the sizes, speeds and the time estimates taken from the Content-Length.
func TestMeterLine(t *testing.T) {
	var up atomic.Int64
	var b strings.Builder
	m := newMeter(&b, false, 80, &up, 0)
	m.start = time.Unix(1000, 0)
	m.total.Store(10 << 20)

	m.down.Store(1 << 20)
	m.drawMeter(m.start.Add(2 * time.Second))
	m.down.Store(4 << 20)
	m.drawMeter(m.start.Add(4 * time.Second))
	want := meterHeader +
		"\r 10 10.0M   10 1024k    0     0   512k      0  0:00:20  0:00:02  0:00:18  512k" +
		"\r 40 10.0M   40 4096k    0     0  1024k      0  0:00:10  0:00:04  0:00:06 1536k"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestMeterUnknownTotal(t *testing.T) {
	var up atomic.Int64
	up.Store(100)
	var b strings.Builder
	m := newMeter(&b, false, 80, &up, 100)
	m.start = time.Unix(1000, 0)
	m.down.Store(2000)
	m.drawMeter(m.start.Add(time.Second))
	want := meterHeader + "\r100  2100    0  2000  100   100   2000    100  0:00:01  0:00:01 --:--:--  2100"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestMax5(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "    0"},
		{99999, "99999"},
		{100000, "   97k"[1:]},
		{10 << 20, "10.0M"},
		{(99 << 20) + (5 << 20 / 10), "99.5M"},
		{5000 << 20, "5000M"},
		{50 << 30, "50.0G"},
		{5000 << 30, "5000G"},
		{5000 << 40, "5000T"},
		{1 << 62, "4096P"},
	}
	for _, tt := range tests {
		if got := max5(tt.n); got != tt.want {
			t.Errorf("max5(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestClock(t *testing.T) {
	tests := []struct {
		secs int64
		want string
	}{
		{0, "--:--:--"},
		{59, " 0:00:59"},
		{3661, " 1:01:01"},
		{99*3600 + 59*60 + 59, "99:59:59"},
		{100 * 3600, "  4d 04h"},
		{1000 * 86400, "   1000d"},
	}
	for _, tt := range tests {
		if got := clock(tt.secs); got != tt.want {
			t.Errorf("clock(%d) = %q, want %q", tt.secs, got, tt.want)
		}
	}
}

func TestBarWidth(t *testing.T) {
	t.Setenv("COLUMNS", "")
	if w := barWidth(0); w != 79 {
		t.Errorf("no terminal width: %d", w)
	}
	if w := barWidth(120); w != 120 {
		t.Errorf("terminal of 120: %d", w)
	}
	if w := barWidth(5); w != 20 {
		t.Errorf("terminal of 5: %d", w)
	}
	t.Setenv("COLUMNS", "40")
	if w := barWidth(120); w != 40 {
		t.Errorf("COLUMNS=40: %d", w)
	}
	t.Setenv("COLUMNS", "1000")
	if w := barWidth(0); w != 256 {
		t.Errorf("COLUMNS=1000: %d", w)
	}
}
