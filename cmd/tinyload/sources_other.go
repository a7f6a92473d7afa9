//go:build !linux

package main

import "syscall"

// canBindSources says whether workers may connect from several loopback
// addresses: they are used on Linux only, where all of 127.0.0.0/8 is
// loopback by default.
const canBindSources = false

func bindAddressNoPort(_, _ string, _ syscall.RawConn) error { return nil }
