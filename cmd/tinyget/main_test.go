package main

import (
	"io"
	"net"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// argsVar, when set, makes the test binary run tinyget with these
// space-separated arguments instead of the tests, so that a test can check
// the process as a whole (its exit status on a closed stdout pipe).
const argsVar = "TINYGET_TEST_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(argsVar); ok {
		endOnSignal()
		exit(run(strings.Fields(args), os.Stdin, os.Stdout, os.Stderr))
	}
	// No ~/.tinygetrc of the machine's may change what the tests run;
	// the tests of it set HOME themselves.
	os.Setenv("HOME", "")
	goleak.VerifyTestMain(m)
}

// serveReply starts a tiny server that reads each request up to EOF, sends
// it on the returned channel, and writes reply.
func serveReply(t *testing.T, reply string) (string, <-chan string) {
	requests := make(chan string, 10)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
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
