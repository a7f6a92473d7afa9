package server

import (
	"cmp"
	"io"
	"net"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
	"github.com/tinyhttpd/tinyhttpd/respond"
	"github.com/tinyhttpd/tinyhttpd/route"
)

// respond asks the exchange's table for the reply to its request, waits
// the route's delay, and sends the reply.
func (ex *exchange) respond() {
	if h := ex.srv.testOnRespond; h != nil {
		h(&ex.req)
	}
	m := ex.lookup()
	ex.rec.Route = m.Route()
	if d := m.Delay(); d > 0 && !ex.srv.sleep(d) {
		ex.rec.End = EndAborted
		return
	}
	ex.send(ex.tbl.Reply(&ex.req, m))
}

// send carries out a reply: it writes the reply in memory, copies the
// file that follows it, or misbehaves as a fault route asks.
func (ex *exchange) send(rep respond.Reply) {
	if rep.Err != nil {
		ex.srv.logger().Warn("route cannot serve its file", "route", ex.rec.Route, "status", rep.Status, "err", rep.Err)
	}
	if rep.File != nil {
		defer rep.File.Close()
	}
	ex.rec.Status = rep.Status
	switch rep.Fault {
	case route.FaultReset:
		ex.rec.End = EndFault
		if tc, ok := cmp.Or(ex.tcp, ex.wconn).(*net.TCPConn); ok { // the one under TLS
			tc.SetLinger(0)
		}
		if ex.tcp != nil {
			ex.tcp.Close() // before TLS's Close sends a close_notify
		}
		return
	case route.FaultClose:
		ex.rec.End = EndFault
		return
	}
	if !ex.write(rep.Pre, ex.srv.dates.Get(time.Now()), rep.Post, rep.Body) {
		return
	}
	if rep.Fault == route.FaultTruncate {
		ex.rec.End = EndFault
	}
	if rep.File != nil {
		ex.copyFile(rep)
	}
}

// copyFile sends the file a reply carries after its head. An *os.File goes
// through io.CopyN to the TCP connection (ex.wconn, under any wrapper),
// which uses sendfile from the file's offset.
func (ex *exchange) copyFile(rep respond.Reply) {
	n, err := io.CopyN(ex.wconn, rep.File, rep.Length)
	ex.rec.BytesOut += n
	switch {
	case err == nil:
	case n < rep.Length && !socket.FromConn(err):
		ex.srv.logger().Error("file failed while being sent", "route", ex.rec.Route, "file", rep.Name, "from", rep.Offset, "sent", n, "size", rep.Length, "err", err)
		ex.rec.End = EndFileError
	default:
		ex.rec.End = writeEnd(err)
	}
}
