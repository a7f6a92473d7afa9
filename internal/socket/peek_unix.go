//go:build unix

package socket

import "syscall"

// Readable reports whether a read of the non-blocking socket fd would
// return at once, with bytes, the end of the stream or an error; err is
// the error, such as a reset, which the call consumes. It peeks: it needs
// no buffer and consumes no bytes.
func Readable(fd int) (ready bool, err error) {
	var b [1]byte
	_, _, err = syscall.Recvfrom(fd, b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	switch err {
	case nil, syscall.EINTR:
		return true, nil
	case syscall.EAGAIN:
		return false, nil
	}
	return true, err
}
