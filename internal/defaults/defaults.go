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
	// MaxRequestMemory bounds the memory of the requests being read, all
	// together.
	MaxRequestMemory = 256 << 20
)

// The admin endpoint's defaults.
const (
	// AdminRecent is how many recent exchanges the admin endpoint keeps.
	AdminRecent = 200
)
