// Package server implements tinyhttpd's side of the half-close exchange.
//
// One TCP connection carries one request and one reply. The client writes its
// request and half-closes (shutdown(SHUT_WR)); the server reads until EOF, so
// EOF is the request's framing, parses the request (package wire), asks its
// immutable respond.Table for the reply, writes an HTTP/1.0 reply with a
// Content-Length and closes.
//
// The API follows net/http's shape (Server, ListenAndServe, Serve, Shutdown,
// Close, ErrServerClosed) but the package is built on raw TCP: net/http treats
// a client's half-close as a hang-up (golang/go#18527). The package is a
// leaf: it knows routes through package route and nothing of how settings
// or routes files are read.
//
// # What reply, and how it is sent
//
// What reply a request gets is decided outside this package, without a
// connection: package respond picks the route and describes the reply as a
// respond.Reply (404 and 405, static bodies, echo, files with validators,
// ranges and .gz variants, redirects, faults), as a net/http Handler decides
// while the server moves the bytes. This package moves them: exchange.respond
// (send.go) waits the route's delay, then writes the reply, copies the file
// it carries, or resets or closes the connection as a fault route asks.
//
// # One exchange, three paths
//
// Serve (server.go, with the tracking that Close and Shutdown reach) runs
// Server.Acceptors acceptors per listener, one on each SO_REUSEPORT socket
// it opens beside it; sources (acceptor.go) picks the path. An acceptor
// takes a connection and asks admit (admission.go) whether to serve it,
// refuse it with 503 or drop it. How the exchange then runs depends on the
// path:
//
//	path      listener               acceptor's connection                         where the exchange runs
//	raw       TCP, Linux             bare descriptor: rawTransport (raw_linux.go)  acceptor, then maybe a goroutine
//	portable  TCP, other Unix (or    *net.TCPConn: connTransport                   acceptor, then maybe a goroutine
//	          Linux without epoll)   (conntransport_unix.go)
//	plain     TLS, PROXY protocol,   net.Conn (acceptor.go: servePlain)            a goroutine from the start
//	          other
//
// On the raw and portable paths the acceptor reads what has arrived without
// waiting (exchange.begin in exchange.go; a refused connection goes to a
// goroutine for its 503) and decides how the exchange goes on (type next,
// transport.go): inline, when the request is complete and its reply small
// and ready, answered there with calls that never wait; wait, when more is
// to come; goroutine, for everything else. On Linux, a new loopback
// client's request that came without its EOF is read again after the
// acceptor yields its CPU, so that the client can half-close. On the raw
// path each acceptor is an event loop (raw_linux.go) around a waitset.Set
// (internal/waitset): it holds a waiting exchange in the set's epoll
// instance, keeping the bytes read so far but no goroutine and no pooled
// buffer, takes it up again (exchange.begin) when more arrives, and once
// its ReadTimeout passes hands it to a goroutine, whose read reports the
// deadline: 408. On the portable path a waiting exchange parks in a
// goroutine of its own, without a buffer (exchange.waitAndRun,
// waiter_unix.go). An exchange that leaves its acceptor becomes a net.Conn
// (exchange.leave) and runs exchange.run, after waitAndRun if it waits,
// with calls that wait under its deadlines; so does an inline reply the
// kernel did not take whole. Both transports read and write with
// socket.ReadNow and socket.WriteNow; every system call lives in
// internal/socket.
//
//	path / part       tracks the connection (Close reaches it)     sets deadlines              recovers panics
//	inline            nobody: it never waits                       nobody: nothing waits       exchange.begin
//	held (raw wait)   its acceptor (acceptor.stop: at Shutdown     waitset.Set (Add, Wait,     exchange.begin
//	                  it goes on as "wait", at Close it ends)      Expired), then as below
//	wait, goroutine   exchange.leave (Server.trackConn)            exchange.waitAndRun,        exchange.run
//	                                                               readRequest, flush,
//	                                                               earlyReply
//	plain             its acceptor (acceptor.acceptOne)            servePlain, then as above   exchange.startTLS,
//	                                                                                           then exchange.run
//
// # TLS
//
// With Server.TLSConfig set, every connection takes the plain path, and
// exchange.startTLS (tls.go) runs the handshake under the request's
// ReadTimeout; one that fails, panics or does not complete ends the
// exchange as EndHandshakeFailed. The client's close_notify alert is its
// half-close; a request ended by a bare FIN instead, which an attacker may
// have cut short, gets 400. tls.Conn's CloseWrite sends close_notify, so
// the early replies below work unchanged, and its Close sends the
// server's own. No cork is set: the handshake's writes would wait behind
// it.
//
// # Replies before the request's end
//
// Replies sent before the request's EOF (408, 413, 503) use an RST-safe close:
// write the reply, CloseWrite, discard input until EOF or LingerTimeout, then
// Close. Closing a socket with unread input makes the kernel send RST, which
// can destroy a reply the client has not read yet.
//
// # Shutdown
//
// Closing a listener resets the connections in its queue, whose clients were
// told they had connected. So Shutdown does not close listeners at once: it
// wakes their acceptors, which stop new connections from being queued where
// the system can (socket.PauseAccepting), accept and serve what is queued,
// and close the listener once it has been quiet for a moment. A Unix domain
// socket listener takes the plain path, and its drain skips the pause,
// which is for TCP listeners.
package server
