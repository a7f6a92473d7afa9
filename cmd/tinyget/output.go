package main

import (
	"io"
	"os"
)

// openOutput returns where the reply goes: stdout, or the -o file (- means
// stdout), and a function that closes it. It is called only once the reply
// is known to be wanted, so a -f failure leaves no file behind. Its errors
// are *exitError with exitWriteError.
func openOutput(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fail(exitWriteError, "%v", err)
	}
	return f, f.Close, nil
}

// copyBody copies the body to w. A read error is the client's, reported as
// such; a write error is exitWriteError.
func copyBody(w io.Writer, body io.Reader) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return fail(exitWriteError, "%v", werr)
			}
		}
		switch {
		case err == io.EOF:
			return nil
		case err != nil:
			return clientFailure(err)
		}
	}
}
