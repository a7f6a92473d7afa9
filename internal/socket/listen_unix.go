//go:build unix && !linux

package socket

import "golang.org/x/sys/unix"

// HasDeferAccept says whether ListenOptions.DeferAccept has an effect here.
const HasDeferAccept = false

// HasReusePort says whether ListenOptions.ReusePort has an effect here.
const HasReusePort = true

// InheritsKeepAlive says whether ListenOptions.Control turns keep-alive on
// for the connections a listener accepts.
const InheritsKeepAlive = false

func (o ListenOptions) set(fd int) error {
	if o.ReusePort {
		return unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	}
	return nil
}
