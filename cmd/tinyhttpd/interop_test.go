package main

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// howtoClient is the Python Socket Programming HOWTO's client: connect,
// sendall, shutdown(SHUT_WR), recv until it returns b"".
const howtoClient = `
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)))
s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR)
chunks = []
while True:
    chunk = s.recv(4096)
    if chunk == b"":
        break
    chunks.append(chunk)
s.close()
sys.stdout.buffer.write(b"".join(chunks))
`

// TestInteropClients has real programs make the exchange: nc -N, socat and
// a Python client written the HOWTO's way. Each must get a complete reply
// whose Content-Length matches its body.
func TestInteropClients(t *testing.T) {
	d := startDaemon(t)
	host, port, _ := strings.Cut(d.addr, ":")
	clients := []struct {
		name, program, pkg string
		args               []string
	}{
		{"nc -N", "nc", "netcat-openbsd", []string{"-N", host, port}},
		{"socat", "socat", "socat", []string{"-t", "5", "-", "TCP:" + d.addr}},
		{"python HOWTO client", "python3", "python3", []string{"-c", howtoClient, d.addr}},
	}
	requests := []struct{ req, body string }{
		{"GET /hello\n", "hello, world\n"},
		{"GET /hello HTTP/1.0\r\nHost: x\r\n\r\n", "hello, world\n"},
		{"POST /echo\n\nping from a pipe", "ping from a pipe"},
	}
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			path := testenv.LookPath(t, c.program, c.pkg)
			for _, r := range requests {
				cmd := exec.Command(path, c.args...)
				cmd.Stdin = strings.NewReader(r.req)
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				checkComplete(t, string(out), r.body)
			}
		})
	}
}

var contentLength = regexp.MustCompile(`\r\nContent-Length: (\d+)\r\n`)

func checkComplete(t *testing.T, reply, body string) {
	t.Helper()
	if !strings.HasPrefix(reply, "HTTP/1.0 200 OK\r\n") {
		t.Fatalf("reply %q", reply)
	}
	_, got, ok := strings.Cut(reply, "\r\n\r\n")
	m := contentLength.FindStringSubmatch(reply)
	if !ok || m == nil {
		t.Fatalf("reply without head end or Content-Length: %q", reply)
	}
	if n, _ := strconv.Atoi(m[1]); n != len(got) || got != body {
		t.Errorf("Content-Length %s, body %q; want body %q", m[1], got, body)
	}
}
