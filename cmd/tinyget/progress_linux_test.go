package main

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// openPTY opens a pseudo-terminal of 80 columns and returns its two ends:
// tinyget writes to the terminal end, the test reads from the other.
func openPTY(t *testing.T) (control, term *os.File) {
	t.Helper()
	control, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		testenv.Unavailable(t, "no pseudo-terminal: %v", err)
	}
	var n int
	rc, _ := control.SyscallConn()
	rc.Control(func(fd uintptr) {
		if err = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); err == nil {
			n, err = unix.IoctlGetInt(int(fd), unix.TIOCGPTN)
		}
	})
	if err != nil {
		control.Close()
		t.Fatalf("unlocking the pseudo-terminal: %v", err)
	}
	term, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		control.Close()
		t.Fatal(err)
	}
	rc, _ = term.SyscallConn()
	rc.Control(func(fd uintptr) {
		err = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80})
	})
	if err != nil {
		t.Fatal(err)
	}
	return control, term
}

// runOnPTY runs tinyget with stderr on a pseudo-terminal and returns what
// the terminal showed, with its CRLF line ends made LF again.
func runOnPTY(t *testing.T, args ...string) (r result, screen string) {
	var stdout bytes.Buffer
	code, shown := onPTY(t, func(term *os.File) int { return run(args, strings.NewReader(""), &stdout, term) })
	return result{code: code, stdout: stdout.String()}, strings.ReplaceAll(shown, "\r\n", "\n")
}

// onPTY calls f with the terminal end of a pseudo-terminal and returns its
// result and all that the terminal showed.
func onPTY(t *testing.T, f func(term *os.File) int) (int, string) {
	control, term := openPTY(t)
	shown := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(control) // ends with EIO once the terminal end is closed
		shown <- b
	}()
	code := f(term)
	term.Close()
	b := <-shown
	control.Close()
	return code, string(b)
}

// serveSlowly starts a tiny server that sends a 300,000-byte body in three
// parts, pausing between them, so that the meter updates in between.
func serveSlowly(t *testing.T) string {
	return testenv.Serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c)
		io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: 300000\r\n\r\n")
		part := bytes.Repeat([]byte("x"), 100000)
		for i := range 3 {
			if i > 0 {
				time.Sleep(200 * time.Millisecond)
			}
			if _, err := c.Write(part); err != nil {
				return
			}
		}
	})
}

// meterLine matches a line of the progress meter: percentages, sizes,
// speeds, the three times and the current speed.
var meterLine = regexp.MustCompile(`^ *(\d+) +(\S+) +(\d+) +(\S+) +(\d+) +(\S+) +(\S+) +(\S+) +(\S+) +(\S+) +(\S+) +(\S+)$`)

func TestProgressMeter(t *testing.T) {
	defer func(d time.Duration) { meterInterval = d }(meterInterval)
	meterInterval = 50 * time.Millisecond
	addr := serveSlowly(t)
	path := filepath.Join(t.TempDir(), "out")
	r, screen := runOnPTY(t, "-o", path, addr+"/")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("%+v", r)
	}
	if b, _ := os.ReadFile(path); len(b) != 300000 {
		t.Errorf("file has %d bytes", len(b))
	}
	if !strings.HasPrefix(screen, meterHeader) || !strings.HasSuffix(screen, "\n") {
		t.Fatalf("screen does not show the meter's header, or has no final newline:\n%q", screen)
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(screen, meterHeader), "\n"), "\r")
	var partial bool
	for _, l := range lines[1:] { // lines[0] is before the first \r
		m := meterLine.FindStringSubmatch(l)
		if m == nil || len(l) != 78 {
			t.Errorf("not a meter line of 78 columns: %q", l)
			continue
		}
		if m[2] != "292k" && m[2] != "0" { // 0 until the header section is in
			t.Errorf("total %q, want 292k (300000 bytes) in %q", m[2], l)
		}
		if pct, _ := strconv.Atoi(m[1]); pct > 0 && pct < 100 {
			partial = true
		}
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "100  292k  100  292k    0     0 ") {
		t.Errorf("last line %q does not show the whole body", last)
	}
	if !partial {
		t.Errorf("no line shows the transfer under way:\n%q", screen)
	}
}

func TestProgressBar(t *testing.T) {
	defer func(d time.Duration) { barInterval = d }(barInterval)
	barInterval = 20 * time.Millisecond
	t.Setenv("COLUMNS", "") // the terminal's 80 columns, then
	addr := serveSlowly(t)
	r, screen := runOnPTY(t, "-#", "-o", filepath.Join(t.TempDir(), "out"), addr+"/")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	want := "\r" + strings.Repeat("#", 73) + " 100.0%\n"
	if !strings.HasSuffix(screen, want) {
		t.Errorf("screen %q does not end with a full bar", screen)
	}
}

// TestNoProgressMeter checks when the meter stays off although stderr is a
// terminal: -s, --no-progress-meter, -v, and a body going to the terminal.
func TestNoProgressMeter(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	for _, args := range [][]string{
		{"-s", "-o", os.DevNull},
		{"--no-progress-meter", "-o", os.DevNull},
	} {
		if r, screen := runOnPTY(t, append(args, addr+"/")...); r.code != 0 || screen != "" {
			t.Errorf("%v: exit %d, screen %q", args, r.code, screen)
		}
	}
	if _, screen := runOnPTY(t, "-v", "-o", os.DevNull, addr+"/"); strings.Contains(screen, "% Total") {
		t.Errorf("-v shows the meter:\n%s", screen)
	}

	// The body goes to the same terminal: no meter.
	control, term := openPTY(t)
	shown := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(control)
		shown <- b
	}()
	code := run([]string{addr + "/"}, strings.NewReader(""), term, term)
	term.Close()
	screen := string(<-shown)
	control.Close()
	if code != 0 || screen != "hello, world\r\n" {
		t.Errorf("body to the terminal: exit %d, screen %q", code, screen)
	}
}
