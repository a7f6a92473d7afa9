//go:build !linux

package cork

import "syscall"

func set(syscall.Conn) {}
