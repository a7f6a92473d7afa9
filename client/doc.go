// Package client speaks the client side of the half-close exchange: it
// dials, writes one request, half-closes its write side with
// (*net.TCPConn).CloseWrite, and reads the reply until the server closes the
// connection. EOF is the framing in both directions.
//
// The request is written by a goroutine while the reply is being read,
// because a server may answer before it has read the whole request (408, 413,
// 503); the reply is the outcome of the exchange even when writing the rest of
// the request then fails.
//
// The reply is HTTP/1.x: a body framed by Content-Length, by the chunked
// transfer coding (decoded, with bounded lines and trailers), or by the
// server's close; interim 1xx replies are skipped. The request goes out as
// HTTP/1.0 unless Request.Version says HTTP/1.1, which plain HTTP servers
// need before they send a chunked body.
//
// Every failure is an *Error whose Kind names what went wrong in terms a
// caller can act on (resolve, connect, timeout, send failure, empty or
// truncated reply, ...); tinyget maps each Kind to one of curl's exit codes.
//
// On Linux, a request followed by a half-close is sent corked (TCP_CORK):
// a small request and its FIN reach the server in one segment, so the
// server's first read finds the request whole and the EOF with it.
// Request.NoCork sends them apart, as most other clients do.
//
// ParseURL parses the URLs that tinyget and tinyload take: tiny:// (and a
// bare host[:port]/path), whose exchanges half-close, and http://.
//
// One Client serves any number of concurrent exchanges. The path from Do to
// the last byte of the body allocates little beyond what dialing itself does,
// so a load generator can run it in a tight loop.
package client
