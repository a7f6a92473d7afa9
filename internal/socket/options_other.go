//go:build !unix

package socket

import "syscall"

// ListenOptionsOf returns the ListenOptions set on the listening socket c:
// none of them exists on this system.
func ListenOptionsOf(syscall.Conn) (ListenOptions, error) { return ListenOptions{}, nil }
