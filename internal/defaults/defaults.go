// Package defaults states once the defaults that more than one package
// applies: the protocol server's, which the server package applies to the
// fields a Server leaves zero, and the admin endpoint's, which the admin
// package applies to its zero Options; the config package shows them and
// fills them in without importing either, and the client takes the port
// from here.
package defaults

import "time"

// The protocol server's defaults.
const (
	// Port is the protocol listener's port, and tiny:// URLs' default.
	Port            = "7070"
	Addr            = "127.0.0.1:" + Port
	ReadTimeout     = 10 * time.Second
	WriteTimeout    = 10 * time.Second
	LingerTimeout   = 2 * time.Second
	MaxRequestBytes = 1 << 20
	MaxConns        = 10000
	// MaxRequestMemory bounds the memory of the requests being read and
	// answered, all together, unless MaxRequestBytes is larger (see
	// RequestMemory).
	MaxRequestMemory = 256 << 20
)

// RequestMemory is the default bound on the memory of the requests being
// read and answered, for a server whose requests may be maxRequestBytes
// long: MaxRequestMemory, or maxRequestBytes if larger, so that a request
// of the largest size can always be read.
func RequestMemory(maxRequestBytes int64) int64 {
	return max(MaxRequestMemory, maxRequestBytes)
}

// The admin endpoint's defaults.
const (
	// AdminRecent is how many recent exchanges the admin endpoint keeps.
	AdminRecent = 200
)
