package client

import (
	"io"
	"net"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// replyAfterEOF returns a handler that reads the request up to EOF, as a
// tiny server does, then writes reply and closes.
func replyAfterEOF(reply string) func(c *net.TCPConn) {
	return func(c *net.TCPConn) {
		if _, err := io.Copy(io.Discard, c); err != nil {
			return
		}
		io.WriteString(c, reply)
	}
}
