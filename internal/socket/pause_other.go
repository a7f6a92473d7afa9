//go:build !linux

package socket

import (
	"errors"
	"syscall"
	"time"
)

// PauseAccepting stops a TCP listener from taking new connections while
// the ones it has queued can still be accepted, and says how long those
// under way may still take to reach the queue. This system has no way to
// do so: it returns an error wrapping errors.ErrUnsupported.
func PauseAccepting(syscall.Conn) (settle time.Duration, err error) {
	return 0, errors.ErrUnsupported
}

// ResumeAccepting removes what PauseAccepting set; on this system it sets
// nothing, so there is nothing to remove.
func ResumeAccepting(syscall.Conn) error { return nil }

// Queued reports how many connections the TCP listener c holds in its
// accept queue, and whether the system could say; this one cannot.
func Queued(syscall.Conn) (n int, ok bool) { return 0, false }
