//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

import "os"

// terminalWidth reports no terminal: on this system tinyget does not look,
// so it shows no progress meter.
func terminalWidth(*os.File) (width int, ok bool) { return 0, false }
