package main

import (
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMServesDeferredClients connects clients that send nothing yet,
// under the default TCP_DEFER_ACCEPT, which holds them back from the accept
// queue; then SIGTERM, and the clients send their requests while the
// server drains, or after its listener has closed. Each was told it had
// connected, so each must get its reply: the drain waits for the held-back
// connections to reach the queue instead of closing the listener on them.
func TestSIGTERMServesDeferredClients(t *testing.T) {
	d := startDaemon(t)
	delays := []time.Duration{500 * time.Millisecond, 1500 * time.Millisecond}
	conns := make([]*net.TCPConn, 0, 20)
	for range cap(conns) {
		c, err := net.Dial("tcp", d.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(20 * time.Second))
		conns = append(conns, c.(*net.TCPConn))
	}
	time.Sleep(200 * time.Millisecond)
	d.cmd.Process.Signal(syscall.SIGTERM)
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []string
	for i, c := range conns {
		delay := delays[i%len(delays)]
		wg.Go(func() {
			time.Sleep(delay - time.Since(start))
			io.WriteString(c, "GET /hello\n")
			c.CloseWrite()
			reply, err := io.ReadAll(c)
			if !strings.HasPrefix(string(reply), "HTTP/1.0 200 OK\r\n") {
				mu.Lock()
				failed = append(failed, delay.String()+": "+strings.TrimSpace(string(reply))+" "+errString(err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(failed) > 0 {
		t.Errorf("%d of %d clients not answered: %q\n%s", len(failed), len(conns), failed, d.logs.String())
	}
	if code := d.wait(t, 15*time.Second); code != 0 {
		t.Errorf("exit %d", code)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
