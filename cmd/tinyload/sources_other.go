//go:build !linux

package main

import "syscall"

// canBindSources says whether workers may connect from several loopback
// addresses: elsewhere than Linux only 127.0.0.1 may be configured.
const canBindSources = false

func bindAddressNoPort(_, _ string, _ syscall.RawConn) error { return nil }
