//go:build !linux

package socket

import (
	"errors"
	"syscall"
)

// PauseAccepting stops a TCP listener from taking new connections while
// the ones it has queued can still be accepted. This system has no way to
// do so: it returns an error wrapping errors.ErrUnsupported.
func PauseAccepting(syscall.Conn) error {
	return errors.ErrUnsupported
}
