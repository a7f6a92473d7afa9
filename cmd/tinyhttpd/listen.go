package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/coreos/go-systemd/v22/activation"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/proxyprotocol"
	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// listen opens the protocol listener as the settings ask, or takes the one
// systemd passed when inherited is not nil: with SO_REUSEPORT when
// ReusePort is set (on a socket it opens), so that a new tinyhttpd can bind
// the same address while this one drains; with TCP_DEFER_ACCEPT when
// DeferAccept is set, so that a connection is handed over once its first
// bytes have arrived; and behind the PROXY protocol when ProxyProtocol is
// set. Reading the header counts against ReadTimeout, since the header is
// the start of the request. Where accepted connections inherit keep-alive
// from the listener (Linux), it is set there once rather than by Go on each
// connection, which costs four system calls an exchange; the probes are the
// same.
//
// With several acceptors (TINYHTTPD_ACCEPTORS), the socket gets SO_REUSEPORT
// even when ReusePort is not set, so that the server can give each acceptor
// a socket of its own and the kernel spreads connections evenly over them
// (docs/PERFORMANCE.md has the figures); the address is then first probed,
// and a server already listening there stops the start as "address already
// in use", as it would without SO_REUSEPORT.
func listen(s config.Settings, inherited net.Listener, logger *slog.Logger) (net.Listener, error) {
	opts := socket.ListenOptions{DeferAccept: s.DeferAccept, ReusePort: s.ReusePort}
	l := inherited
	if l == nil {
		acceptors := cmp.Or(s.Acceptors, runtime.GOMAXPROCS(0))
		if !s.ReusePort && socket.HasReusePort && acceptors > 1 && !s.ProxyProtocol {
			if err := refuseShared(s.Addr); err != nil {
				return nil, err
			}
			opts.ReusePort = true
		}
		lc := opts.ListenConfig()
		var err error
		if l, err = lc.Listen(context.Background(), "tcp", s.Addr); err != nil {
			return nil, err
		}
	} else if err := tuneInherited(l, opts); err != nil {
		return nil, err
	}
	if s.ProxyProtocol {
		l = proxyprotocol.NewListener(l, proxyprotocol.Config{
			Trusted:       s.ProxyProtocolFrom.Prefixes(),
			HeaderTimeout: min(s.ReadTimeout, proxyprotocol.DefaultHeaderTimeout),
			Logger:        logger,
		})
	}
	return l, nil
}

// refuseShared returns an "address already in use" error if a server
// already listens on addr, as binding would without SO_REUSEPORT.
func refuseShared(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "0" {
		return nil
	}
	switch ip := net.ParseIP(host); {
	case host == "", ip != nil && ip.IsUnspecified() && ip.To4() != nil:
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), 300*time.Millisecond)
	if err != nil {
		return nil
	}
	c.Close()
	return fmt.Errorf("listen tcp %s: bind: address already in use (a server listens there; TINYHTTPD_REUSEPORT=true lets a new tinyhttpd share it, for an upgrade)", addr)
}

// tuneInherited sets the listener options on a socket systemd passed.
func tuneInherited(l net.Listener, opts socket.ListenOptions) error {
	sc, ok := l.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	return opts.Control("tcp", l.Addr().String(), rc)
}

// activated returns the listening socket systemd passed to this process
// (socket activation: LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES, read by
// go-systemd's activation package, which then unsets them), and its name
// (FileDescriptorName=, by default the socket unit's name). It returns nil
// when none was passed. tinyhttpd takes one socket, for the protocol
// listener; the admin endpoint listens on TINYHTTPD_ADMIN_ADDR itself.
// Its errors say why the sockets cannot be served, which a restart cannot
// mend. While this process restarts the socket stays open in systemd, so
// connections wait in its queue instead of being refused.
func activated(logger *slog.Logger) (net.Listener, string, error) {
	fds, pid := os.Getenv("LISTEN_FDS"), os.Getenv("LISTEN_PID")
	files := activation.Files(true)
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	switch {
	case len(files) == 0 && fds != "":
		logger.Warn("LISTEN_FDS is set but the sockets are not for this process; listening on TINYHTTPD_ADDR",
			"listen_fds", fds, "listen_pid", pid, "pid", os.Getpid())
		return nil, "", nil
	case len(files) == 0:
		return nil, "", nil
	case len(files) > 1:
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = f.Name()
		}
		return nil, "", fmt.Errorf("systemd passed %d sockets (%s); tinyhttpd takes one, for the protocol listener (its admin endpoint listens on TINYHTTPD_ADMIN_ADDR)",
			len(files), strings.Join(names, ", "))
	}
	f := files[0]
	l, err := net.FileListener(f)
	if err != nil {
		return nil, "", fmt.Errorf("systemd socket %q (fd %d) is not a listening socket: %v", f.Name(), f.Fd(), err)
	}
	if _, ok := l.(*net.TCPListener); !ok {
		l.Close()
		return nil, "", fmt.Errorf("systemd socket %q (fd %d) is not a TCP socket: use ListenStream= with an address", f.Name(), f.Fd())
	}
	return l, f.Name(), nil
}
