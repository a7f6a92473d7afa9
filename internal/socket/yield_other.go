//go:build !linux

package socket

// Yield does nothing where the server does not yield, and reports false.
func Yield() bool { return false }
