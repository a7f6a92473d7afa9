//go:build faults

package faults

import (
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMOutOfDescriptors holds more connections than the server has
// descriptors, each with its request sent but no half-close, so that the
// excess waits in the listen queue while accept fails with EMFILE; then it
// sends SIGTERM and half-closes them all. The drain must keep accepting as
// the exchanges in flight free descriptors, not give up at the first
// EMFILE and close the listener on a full queue: every client gets its
// reply, and the server exits 0.
func TestSIGTERMOutOfDescriptors(t *testing.T) {
	const limit, clients = 64, 150
	sc := currentScale(t)
	d := startDaemon(t, daemonOptions{fileLimit: limit, env: []string{"TINYHTTPD_READ_TIMEOUT=30s"}})
	conns := make([]*net.TCPConn, 0, clients)
	for range clients {
		c, err := dial(d.addr)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(60 * time.Second))
		io.WriteString(c, "GET /hello\n")
		conns = append(conns, c)
	}
	deadline := time.Now().Add(15 * time.Second)
	for n, _ := d.fds(); n < limit; n, _ = d.fds() {
		if time.Now().After(deadline) {
			t.Fatalf("the server has %d descriptors open, never reached its limit %d", n, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
	d.signal(syscall.SIGTERM)
	time.Sleep(500 * time.Millisecond)
	for _, c := range conns {
		c.CloseWrite()
	}
	answered := 0
	for _, c := range conns {
		if reply, _ := io.ReadAll(c); strings.HasPrefix(string(reply), "HTTP/1.0 200 OK\r\n") {
			answered++
		}
	}
	code, waited, ok := d.wait(30 * time.Second)
	if !ok {
		t.Fatalf("tinyhttpd still running 30s after its clients half-closed")
	}
	if answered != clients || code != 0 {
		t.Errorf("%d of %d clients answered, exit %d; want all, exit 0", answered, clients, code)
	}
	report(t, summary{
		scenario: "SIGTERM, no fds", scale: sc.name, good: int64(answered), goodFailed: int64(clients - answered),
		misbehaving: fmt.Sprintf("none; %d clients with requests held against RLIMIT_NOFILE=%d, half-closed 500ms after SIGTERM", clients, limit),
		extra:       fmt.Sprintf("exit %d %v after the last reply was read", code, waited.Round(time.Millisecond)),
	})
}
