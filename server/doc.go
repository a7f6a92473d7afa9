// Package server implements tinyhttpd's side of the half-close exchange.
//
// One TCP connection carries one request and one reply. The client writes its
// request and half-closes (shutdown(SHUT_WR)); the server reads until EOF, so
// EOF is the request's framing, parses the request, picks a route from an
// immutable Table, writes an HTTP/1.0 reply with a Content-Length and closes.
//
// The API follows net/http's shape (Server, ListenAndServe, Serve, Shutdown,
// Close, ErrServerClosed) but the package is built on raw TCP: net/http treats
// a client's half-close as a hang-up (golang/go#18527).
//
// Replies sent before the request's EOF (408, 413, 503) use an RST-safe close:
// write the reply, CloseWrite, discard input until EOF or LingerTimeout, then
// Close. Closing a socket with unread input makes the kernel send RST, which
// can destroy a reply the client has not read yet.
package server
