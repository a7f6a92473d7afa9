package main

import (
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// argsVar, when set, makes the test binary run tinyget with these
// space-separated arguments instead of the tests, so that a test can check
// the process as a whole (its exit status on a closed stdout pipe).
const argsVar = "TINYGET_TEST_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(argsVar); ok {
		os.Exit(run(strings.Fields(args), os.Stdin, os.Stdout, os.Stderr))
	}
	goleak.VerifyTestMain(m)
}

// serve starts a fake server on 127.0.0.1:0 that runs handle on every
// connection, and returns its address. It stops when the test ends; a
// handler that must stall waits for t.Context().
func serve(t *testing.T, handle func(c *net.TCPConn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				handle(c.(*net.TCPConn))
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return ln.Addr().String()
}

// serveReply starts a tiny server that reads each request up to EOF, sends
// it on the returned channel, and writes reply.
func serveReply(t *testing.T, reply string) (string, <-chan string) {
	requests := make(chan string, 10)
	addr := serve(t, func(c *net.TCPConn) {
		req, err := io.ReadAll(c)
		if err != nil {
			t.Error(err)
			return
		}
		requests <- string(req)
		io.WriteString(c, reply)
	})
	return addr, requests
}

// result is what one run of tinyget produced.
type result struct {
	code   int
	stdout string
	stderr string
}

// tinyget runs tinyget in-process with args and stdin.
func tinyget(stdin string, args ...string) result {
	var stdout, stderr strings.Builder
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}
