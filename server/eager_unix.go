//go:build unix

package server

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// eagerReads says whether Serve can read connections without waiting on
// this system.
const eagerReads = true

// readNow is readAvailable's raw read. It never asks to wait.
func (ex *exchange) readNow(fd uintptr) bool {
	ex.readFD(int(fd))
	return true
}

// readFD reads from the non-blocking socket fd into ex.buf, after the bytes
// already there, what has arrived, up to MaxRequestBytes+1 and the buffer's
// capacity, and notes the EOF or an error.
func (ex *exchange) readFD(fd int) {
	b := *ex.buf
	limit := int(min(ex.srv.maxRequestBytes()+1, int64(cap(b))))
	for len(b) < limit {
		n, errno := rawRead(fd, b[len(b):limit])
		if errno == 0 && n > 0 {
			b = b[:len(b)+n]
			ex.rec.BytesIn += int64(n)
			continue
		}
		switch errno {
		case 0:
			ex.eof = true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
		default:
			ex.readErr = &net.OpError{Op: "read", Net: "tcp", Addr: net.TCPAddrFromAddrPort(ex.rec.Remote), Err: os.NewSyscallError("read", errno)}
		}
		break
	}
	*ex.buf = b
}

// readable reports whether a read of fd would return at once, with bytes,
// the EOF or an error. It peeks, so it needs no buffer and consumes no
// bytes; a socket error, such as a reset, is reported only once, so it is
// kept for the exchange. The poller's readiness alone is not enough: the
// eager read may already have consumed what it reported.
func (w *waiter) readable(fd uintptr) bool {
	_, _, err := syscall.Recvfrom(int(fd), w.peek[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	switch {
	case err == nil, errors.Is(err, syscall.EINTR):
		return true
	case errors.Is(err, syscall.EAGAIN):
		return false
	}
	w.err = &net.OpError{Op: "read", Net: "tcp", Source: w.conn.LocalAddr(), Addr: w.conn.RemoteAddr(), Err: os.NewSyscallError("recvfrom", err)}
	return true
}
