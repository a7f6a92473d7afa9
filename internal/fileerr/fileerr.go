// Package fileerr shapes the errors of reading files for messages that
// name the file themselves.
package fileerr

import (
	"errors"
	"io/fs"
)

// Cause returns the error inside a *fs.PathError, such as "no such file or
// directory", for a message that already names the operation's file; any
// other error is returned as it is.
func Cause(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}
