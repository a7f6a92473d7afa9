// Package defaults states once the defaults of tinyhttpd's protocol
// server: the server package applies them to the fields a Server leaves
// zero, and the config package shows them and fills them in, without
// importing the server.
package defaults

import "time"

// The protocol server's defaults.
const (
	Addr            = "127.0.0.1:7070"
	ReadTimeout     = 10 * time.Second
	WriteTimeout    = 10 * time.Second
	LingerTimeout   = 2 * time.Second
	MaxRequestBytes = 1 << 20
	MaxConns        = 10000
)
