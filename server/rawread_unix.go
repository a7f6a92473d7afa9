//go:build unix && !linux

package server

import "syscall"

// rawRead reads from a non-blocking socket.
func rawRead(fd int, p []byte) (int, syscall.Errno) {
	n, err := syscall.Read(fd, p)
	if err != nil {
		return 0, err.(syscall.Errno)
	}
	return n, 0
}
