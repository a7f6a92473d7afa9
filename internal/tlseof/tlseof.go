// Package tlseof tells a TLS peer's close_notify alert from a bare TCP FIN.
// crypto/tls returns io.EOF for both when the FIN comes at a record
// boundary; a Conn under the TLS connection notes whether the FIN itself
// was read. Once a close_notify has been read, crypto/tls reads no
// further, so the FIN, if any, stays unread.
package tlseof

import (
	"io"
	"net"
)

// Conn is a connection that notes whether a read of it returned io.EOF.
// Give it to tls.Client or tls.Server as their connection.
type Conn struct {
	net.Conn
	fin bool
}

// Read reads from the connection and notes an io.EOF.
func (c *Conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err == io.EOF {
		c.fin = true
	}
	return n, err
}

// FIN reports whether a read returned io.EOF: the peer's FIN was read.
// After the TLS connection above has returned io.EOF, FIN false means the
// peer ended the stream with a close_notify, and true that it sent a bare
// FIN, which an attacker on the path can forge to cut the stream short.
func (c *Conn) FIN() bool { return c.fin }
