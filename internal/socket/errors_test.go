package socket

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
)

func TestIsTemporary(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{&net.OpError{Op: "accept", Err: os.NewSyscallError("accept4", syscall.EMFILE)}, true},
		{os.NewSyscallError("accept4", syscall.ECONNABORTED), true},
		{fmt.Errorf("wrapped: %w", syscall.ENOBUFS), true},
		{os.ErrDeadlineExceeded, true},
		{net.ErrClosed, false},
		{os.NewSyscallError("accept4", syscall.EBADF), false},
		{errors.New("other"), false},
	} {
		if got := IsTemporary(tt.err); got != tt.want {
			t.Errorf("IsTemporary(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestFromConn(t *testing.T) {
	readFrom := func(err error) error { return &net.OpError{Op: "readfrom", Net: "tcp", Err: err} }
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"a write through ReadFrom", readFrom(&net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}), true},
		{"a write the network refused", readFrom(&net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EHOSTUNREACH)}), true},
		{"sendfile's reset", readFrom(os.NewSyscallError("sendfile", syscall.ECONNRESET)), true},
		{"sendfile's abort", readFrom(os.NewSyscallError("sendfile", syscall.ECONNABORTED)), true},
		{"the write deadline", readFrom(os.ErrDeadlineExceeded), true},
		{"a closed connection", net.ErrClosed, true},
		{"a TLS connection's write", &net.OpError{Op: "write", Err: syscall.ECONNRESET}, true},
		{"sendfile's read of the file", readFrom(os.NewSyscallError("sendfile", syscall.EIO)), false},
		{"the file's read, through ReadFrom", readFrom(errors.New("the disk failed")), false},
		{"the file's read, through a TLS connection", &os.PathError{Op: "read", Path: "f", Err: syscall.EIO}, false},
		{"a file system gone (FUSE)", readFrom(&os.PathError{Op: "read", Path: "f", Err: syscall.ENOTCONN}), false},
		{"a file shorter than it said", io.EOF, false},
		{"a file that ended early", io.ErrUnexpectedEOF, false},
	} {
		if got := FromConn(tt.err); got != tt.want {
			t.Errorf("%s: FromConn(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
