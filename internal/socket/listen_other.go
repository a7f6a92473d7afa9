//go:build !unix

package socket

// HasDeferAccept says whether ListenOptions.DeferAccept has an effect here.
const HasDeferAccept = false

// HasReusePort says whether ListenOptions.ReusePort has an effect here.
const HasReusePort = false

// InheritsKeepAlive says whether ListenOptions.Control turns keep-alive on
// for the connections a listener accepts.
const InheritsKeepAlive = false

func (o ListenOptions) set(int) error { return nil }
