package socket

import (
	"errors"

	"golang.org/x/sys/unix"
)

// HasDeferAccept says whether ListenOptions.DeferAccept has an effect here.
const HasDeferAccept = true

// HasReusePort says whether ListenOptions.ReusePort has an effect here.
const HasReusePort = true

// InheritsKeepAlive says whether ListenOptions.Control turns keep-alive on
// for the connections a listener accepts.
const InheritsKeepAlive = true

func (o ListenOptions) set(fd int) error {
	var err error
	set := func(level, opt, v int) { err = errors.Join(err, unix.SetsockoptInt(fd, level, opt, v)) }
	set(unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1)
	set(unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, keepAliveIdle)
	set(unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, keepAliveInterval)
	set(unix.IPPROTO_TCP, unix.TCP_KEEPCNT, keepAliveCount)
	if o.DeferAccept {
		set(unix.IPPROTO_TCP, unix.TCP_DEFER_ACCEPT, deferAcceptSeconds)
	}
	if o.ReusePort {
		set(unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	}
	return err
}
