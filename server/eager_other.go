//go:build !unix

package server

// eagerReads says whether Serve can read connections without waiting on
// this system: the raw reads of eager.go are written for Unix.
const eagerReads = false

func (ex *exchange) readNow(uintptr) bool { panic("server: no eager reads on this system") }

func (w *waiter) readable(uintptr) bool { panic("server: no eager reads on this system") }
