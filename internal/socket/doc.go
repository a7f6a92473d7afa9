// Package socket holds the system calls tinyhttpd makes on sockets itself,
// beside what the net package does: listener options (keep-alive inherited
// by accepted connections, TCP_DEFER_ACCEPT, SO_REUSEPORT, TCP_CORK),
// pausing a listener so that its queue can be drained before it closes, the
// non-blocking accept, read, write and close on bare descriptors with which
// the server answers a connection without waiting (a net.Conn's through its
// RawConn), and the yield of the CPU it makes to let a local client finish
// its request.
//
// Each system's files are complete alternatives: an option a system lacks
// is reported by the Has* constants and ignored when asked for, never a
// failure at run time. The calls on bare descriptors exist on Unix only;
// Accept4 and Close on Linux only.
package socket
