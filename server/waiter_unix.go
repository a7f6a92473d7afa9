//go:build unix

package server

// waitAndRun runs an exchange whose request is incomplete: it parks until
// more has arrived, reads it, as often as it takes for the request to be
// complete, then runs the exchange. Between reads it holds neither buffer
// nor exchange, and parks on a goroutine's first, smallest stack: a client
// that sends its request slowly, or not at all, costs little. When the read
// deadline passes, the exchange's next read reports it and the client gets
// its 408.
func (ex *exchange) waitAndRun() {
	clearLabels()
	t, ok := newConnTransport(ex.conn).(*connTransport)
	if !ok {
		ex.run()
		return
	}
	srv, c := ex.srv, ex.conn
	c.SetReadDeadline(ex.rec.Start.Add(srv.readTimeout()))
	var held heldExchange
	for {
		ex.park(&held)
		sockErr, err := t.waitReadable()
		ex = held.unpark(srv)
		ex.t, ex.conn, ex.wconn, ex.tracked, ex.readErr = t, c, c, true, sockErr
		if err == nil && sockErr == nil {
			ex.readAvailable()
			if ex.mayWait() {
				continue
			}
		}
		ex.run()
		return
	}
}
