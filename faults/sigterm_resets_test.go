//go:build faults

package faults

import (
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMResetsNoConnectedClient sends SIGTERM again and again, each
// time to a fresh tinyhttpd under sigtermClients closed-loop half-close
// clients, and counts the clients that connected and sent their request
// but got no reply: closing a listener resets the connections in its
// queue, so tinyhttpd must accept and serve them before it closes it. A
// refused connect is harmless (the client knows nothing was sent); a reset
// after a successful connect is a lost exchange.
func TestSIGTERMResetsNoConnectedClient(t *testing.T) {
	sc := currentScale(t)
	const load = 300 * time.Millisecond
	outcomes := new(tally)
	var complete, lost atomic.Int64
	var exitFailures []string
	for round := range sc.sigtermRounds {
		d := startDaemon(t, daemonOptions{})
		var signalled atomic.Bool
		var wg sync.WaitGroup
		for range sc.sigtermClients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					outcome, ok := sigtermExchange(d.addr, "GET /hello\n", "hello, world\n")
					outcomes.add(outcome)
					switch {
					case ok:
						complete.Add(1)
						continue
					case outcome == "refused" && signalled.Load():
						return
					}
					lost.Add(1)
					if signalled.Load() {
						return
					}
				}
			}()
		}
		time.Sleep(load)
		signalled.Store(true)
		d.signal(syscall.SIGTERM)
		code, _, exited := d.wait(15 * time.Second)
		wg.Wait()
		if !exited || code != 0 {
			exitFailures = append(exitFailures, fmt.Sprintf("round %d: exited %v, code %d", round, exited, code))
		}
	}
	for _, f := range exitFailures {
		t.Error(f)
	}
	if lost.Load() != 0 {
		t.Errorf("%d clients connected, sent their request and got no reply across %d SIGTERMs: %s", lost.Load(), sc.sigtermRounds, outcomes)
	}
	report(t, summary{
		scenario: "SIGTERM resets", scale: sc.name, good: complete.Load(), goodFailed: lost.Load(),
		misbehaving: fmt.Sprintf("none; %d half-close clients through each of %d SIGTERMs: %s", sc.sigtermClients, sc.sigtermRounds, outcomes),
		extra:       fmt.Sprintf("%d clients reset or closed unanswered after connecting (goal 0)", lost.Load()),
	})
}
