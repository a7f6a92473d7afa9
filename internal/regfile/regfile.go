// Package regfile reads the files tinyhttpd is configured with (the routes
// file, TLS certificates and keys, the admin token file) and opens the
// files its routes serve, so that opening one never blocks: a plain open of
// a FIFO waits for a writer that may never come, and no timeout ends the
// wait, which would hold a reload, and the signals behind it, for good.
package regfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Flags open a file for reading without blocking: O_NONBLOCK makes opening
// a FIFO return at once; regular files ignore it.
const Flags = os.O_RDONLY | syscall.O_NONBLOCK

// ErrNotRegular is why Read refuses a FIFO, a device, a socket or a
// directory.
var ErrNotRegular = errors.New("not a regular file")

// Read returns the content of the regular file name, or its first max+1
// bytes when it is longer, so that the caller can tell it is too long
// without reading it all. Its errors are *fs.PathError, ErrNotRegular's
// among them.
func Read(name string, max int64) ([]byte, error) {
	f, err := os.OpenFile(name, Flags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: ErrNotRegular}
	}
	return io.ReadAll(io.LimitReader(f, max+1))
}
