package server

import (
	"net"
	"testing"
)

// testListen makes the listener of startServer.
var testListen = func() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// TestQuickOrRetryRecovers checks that a panic while deciding on the accept
// goroutine leaves the exchange unparsed, for its own goroutine to retry,
// rather than stopping Serve.
func TestQuickOrRetryRecovers(t *testing.T) {
	ex := &exchange{srv: &Server{}} // no buffer: quick panics
	if ok := ex.quickOrRetry(nil); ok || ex.parsed || ex.perr != nil {
		t.Errorf("after a panic: quick %v, parsed %v, perr %v; want false, false, nil", ok, ex.parsed, ex.perr)
	}
}
