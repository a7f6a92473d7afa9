package main

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// Source addresses. Each exchange is a new connection, and the client, which
// half-closes first, keeps every connection's port in TIME_WAIT for a
// minute. At thousands of exchanges a second most of a source address's
// ports are held so, and connect spends much of an exchange's time looking
// past them for a free one. Every address in 127.0.0.0/8 is loopback on
// Linux and has ports of its own, so workers that connect from several
// such addresses find free ports at once (docs/PERFORMANCE.md gives the
// figures).

// newClients returns the clients the workers take in turn: one per source
// address when o.sources > 1, the system supports choosing them, and every
// target is IPv4 loopback; else one client with the system's choice. No more
// sources than workers are used. When the last source address cannot be
// bound (a loopback interface with 127.0.0.1 alone), it falls back to one
// client and says why in note.
func newClients(o *options, targets []target) (clients []*client.Client, note string) {
	n := min(o.sources, o.concurrency)
	for _, t := range targets {
		if !t.ip.Is4() || !t.ip.IsLoopback() {
			n = 1
		}
	}
	if n <= 1 || !canBindSources {
		return []*client.Client{newClient(nil)}, ""
	}
	if last := sourceAddr(n - 1); probeSource(last) != nil {
		return []*client.Client{newClient(nil)}, fmt.Sprintf("-sources %d: cannot bind %s; connecting from one source address", n, last.IP)
	}
	clients = make([]*client.Client, n)
	for i := range clients {
		clients[i] = newClient(sourceAddr(i))
	}
	return clients, ""
}

// probeSource checks that connections can come from addr by binding a
// socket to it, UDP so that nothing listens. (With the sysctl
// net.ipv4.ip_nonlocal_bind set, the bind succeeds for any address, and a
// loopback without the address then fails the connects instead.)
func probeSource(addr *net.TCPAddr) error {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: addr.IP})
	if err != nil {
		return err
	}
	return c.Close()
}

// sourceAddr is the i-th source address: 127.0.0.1, 127.0.0.2, ...
func sourceAddr(i int) *net.TCPAddr {
	return net.TCPAddrFromAddrPort(netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, byte(1 + i)}), 0))
}

// newClient returns a client whose connections come from laddr, or from
// the system's choice when laddr is nil.
func newClient(laddr *net.TCPAddr) *client.Client {
	// No keep-alive probes: each connection lives for one exchange, and
	// turning them on costs four setsockopt calls per connection.
	d := &net.Dialer{KeepAlive: -1}
	if laddr != nil {
		d.LocalAddr, d.Control = laddr, bindAddressNoPort
	}
	return &client.Client{Dialer: d}
}
