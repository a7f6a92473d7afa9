package main

import (
	"io"
	"net"
	"sync"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestCorkFlag checks -cork over the wire: corked, every request reaches the
// server in the same number of segments; with -cork=false each arrives in
// more, the FIN in a segment of its own; the report says which it was.
func TestCorkFlag(t *testing.T) {
	var mu sync.Mutex
	var segs []uint32
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c)
		n := testenv.SegmentsIn(t, c)
		mu.Lock()
		segs = append(segs, n)
		mu.Unlock()
		io.WriteString(c, helloReply)
	})
	take := func() []uint32 {
		mu.Lock()
		defer mu.Unlock()
		s := segs
		segs = nil
		return s
	}

	r, code := runJSON(t, "-n", "5", "-c", "1", addr+"/hello")
	corked := take()
	if code != exitOK || r.OK != 5 || !r.Corked || len(corked) != 5 {
		t.Fatalf("corked: exit %d, %d ok, corked %v, %d connections", code, r.OK, r.Corked, len(corked))
	}
	for _, n := range corked {
		if n != corked[0] {
			t.Fatalf("corked: segments per request %v, want all the same", corked)
		}
	}

	r, code = runJSON(t, "-n", "5", "-c", "1", "-cork=false", addr+"/hello")
	uncorked := take()
	if code != exitOK || r.OK != 5 || r.Corked || len(uncorked) != 5 {
		t.Fatalf("-cork=false: exit %d, %d ok, corked %v, %d connections", code, r.OK, r.Corked, len(uncorked))
	}
	for _, n := range uncorked {
		if n <= corked[0] {
			t.Errorf("-cork=false: segments per request %v, want each above the corked %d", uncorked, corked[0])
		}
	}
}
