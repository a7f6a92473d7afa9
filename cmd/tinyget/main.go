// Command tinyget fetches one URL over the half-close exchange, or over plain
// HTTP, with curl's flags and exit codes. Run "tinyget --help" for the URL
// forms and flags.
package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	endOnSignal()
	exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// exit ends tinyget with code, unless a signal is ending it: then the
// signal's end must win over the error its cleanup may have caused.
func exit(code int) {
	if temps.ending() {
		select {} // endOnSignal ends the process
	}
	os.Exit(code)
}

// endOnSignal makes SIGINT, SIGTERM and SIGHUP end tinyget as they would,
// once the temporary files of the outputs being written are removed. The
// signal is raised again with its default action, so that a shell sees
// tinyget killed by it; where a process cannot signal itself, tinyget
// exits 128 plus the signal's number. A signal ignored when tinyget
// started (SIGINT for a shell's background job) stays ignored.
func endOnSignal() {
	var caught []os.Signal
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(sig) {
			caught = append(caught, sig)
		}
	}
	if len(caught) == 0 {
		return
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, caught...)
	go func() {
		sig := <-sigs
		temps.removeAll()
		signal.Reset(sig)
		if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(sig) == nil {
			time.Sleep(time.Second) // the signal ends the process meanwhile
		}
		n, _ := sig.(syscall.Signal)
		os.Exit(128 + int(n))
	}()
}
