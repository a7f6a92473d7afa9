//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// terminalWidth reports whether f is a terminal and, if so, its width in
// columns (0 when the terminal does not say). Asking for the window size
// is the test: only a terminal has one.
func terminalWidth(f *os.File) (width int, ok bool) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, false
	}
	var ws *unix.Winsize
	rc.Control(func(fd uintptr) {
		ws, err = unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ)
	})
	if err != nil || ws == nil {
		return 0, false
	}
	return int(ws.Col), true
}
