// Command idleconns holds many idle half-close exchanges open against one
// server, for the benchmark's memory-per-connection figure. It opens -n
// connections, sends each request without its final CRLF (so no server can
// answer yet), writes the -ready file, and holds them until -hold has passed
// or the ready file is removed; then it completes every request, half-closes,
// and checks that each reply is a whole 200 with its Content-Length.
//
// Loopback only, and bounded: each step has a deadline.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7070", "server ip:port; loopback only")
	n := flag.Int("n", 10000, "connections to hold")
	hold := flag.Duration("hold", 5*time.Second, "how long to hold them (at most 5m)")
	ready := flag.String("ready", "", "file written once every connection is open; removing it ends the hold early")
	path := flag.String("path", "/hello", "request path")
	flag.Parse()
	ap, err := netip.ParseAddrPort(*addr)
	if err != nil || !ap.Addr().IsLoopback() {
		log.Fatalf("idleconns: -addr %q: want a loopback ip:port", *addr)
	}
	if *n < 1 || *n > 100000 || *hold <= 0 || *hold > 5*time.Minute {
		log.Fatal("idleconns: want 1 <= -n <= 100000 and 0 < -hold <= 5m")
	}
	head := "GET " + *path + " HTTP/1.0\r\nHost: idle\r\n"
	conns := make([]*net.TCPConn, 0, *n)
	d := net.Dialer{Timeout: 10 * time.Second, KeepAlive: -1}
	for range *n {
		c, err := d.Dial("tcp", ap.String())
		if err != nil {
			log.Fatalf("idleconns: after %d connections: %v", len(conns), err)
		}
		tc := c.(*net.TCPConn)
		if _, err := io.WriteString(tc, head); err != nil {
			log.Fatalf("idleconns: write: %v", err)
		}
		conns = append(conns, tc)
	}
	if *ready != "" {
		if err := os.WriteFile(*ready, []byte(strconv.Itoa(len(conns))+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	end := time.Now().Add(*hold)
	for time.Now().Before(end) {
		if *ready != "" {
			if _, err := os.Stat(*ready); errors.Is(err, os.ErrNotExist) {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, failed := 0, 0
	var firstErr error
	sem := make(chan struct{}, 256)
	for _, c := range conns {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			err := finish(c)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
				return
			}
			failed++
			if firstErr == nil {
				firstErr = err
			}
		})
	}
	wg.Wait()
	fmt.Printf("held %d connections; replies: %d ok, %d failed\n", len(conns), ok, failed)
	if firstErr != nil {
		fmt.Printf("first failure: %v\n", firstErr)
		os.Exit(1)
	}
}

// finish completes the request on c, half-closes, and checks the reply.
func finish(c *net.TCPConn) error {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, "\r\n"); err != nil {
		return err
	}
	if err := c.CloseWrite(); err != nil {
		return err
	}
	reply, err := io.ReadAll(io.LimitReader(c, 1<<20))
	if err != nil {
		return err
	}
	head, body, ok := bytes.Cut(reply, []byte("\r\n\r\n"))
	if !ok || !bytes.HasPrefix(head, []byte("HTTP/1.")) || len(head) < 12 || string(head[9:12]) != "200" {
		return fmt.Errorf("bad reply %.40q", reply)
	}
	for _, line := range bytes.Split(head, []byte("\r\n")) {
		name, value, ok := bytes.Cut(line, []byte(":"))
		if ok && bytes.EqualFold(name, []byte("Content-Length")) {
			if n, err := strconv.Atoi(string(bytes.TrimSpace(value))); err != nil || n != len(body) {
				return fmt.Errorf("body of %d bytes, Content-Length %q", len(body), value)
			}
		}
	}
	return nil
}
