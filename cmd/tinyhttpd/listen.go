package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
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
	if path, ok := s.UnixSocket(); ok && l == nil {
		uid, gid, err := s.UnixOwnerIDs()
		if err != nil {
			return nil, err
		}
		if l, err = listenUnix(path, fs.FileMode(s.UnixMode), uid, gid); err != nil {
			return nil, err
		}
	} else if l == nil {
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

// refuseShared returns an "address already in use" error if a socket
// already listens on addr, as binding would without SO_REUSEPORT. It finds
// out by listening there itself, without SO_REUSEPORT, and closing at once:
// a server listening there never sees it, as it would see a connection.
func refuseShared(addr string) error {
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "0" {
		return nil
	}
	lc := socket.ListenOptions{}.ListenConfig()
	probe, err := lc.Listen(context.Background(), "tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%w (a server listens there; TINYHTTPD_REUSEPORT=true lets a new tinyhttpd share it, for an upgrade)", err)
		}
		return nil // the listen proper reports it
	}
	return probe.Close()
}

// listenAdmin listens for the admin endpoint on addr, with plain TCP as the
// protocol listener: Go would otherwise listen with Multipath TCP where the
// system has it.
func listenAdmin(addr string) (net.Listener, error) {
	lc := socket.ListenOptions{}.ListenConfig()
	return lc.Listen(context.Background(), "tcp", addr)
}

// errAdminBeyondLoopback is the error of an admin listener whose address
// was taken for loopback but is not ("localhost" resolved to another
// address), without a token that may guard it there.
var errAdminBeyondLoopback = errors.New("the admin endpoint listens beyond loopback")

// checkAdminBound refuses an admin listener at bound beyond loopback
// without a token that may guard it there (config.RemoteAdminTokenProblem).
// Settings check the address as written; this checks the one a name such
// as localhost resolved to.
func checkAdminBound(bound net.Addr, token string) error {
	if config.IsLoopback(bound.String()) {
		return nil
	}
	if reason := config.RemoteAdminTokenProblem(token); reason != "" {
		return fmt.Errorf("%w (bound to %s): %s; or give TINYHTTPD_ADMIN_ADDR a loopback IP address", errAdminBeyondLoopback, bound, reason)
	}
	return nil
}

// listenUnix listens on a Unix domain socket at path, with mode and, when
// uid or gid is not -1, that owner. A socket file already there that no
// process listens on, left by a tinyhttpd that did not exit cleanly, is
// removed first; one that a process listens on, or a file that is not a
// socket, is an error. The listener removes the file when it closes. The
// mode is set just after bind: until then the file has the process umask's
// permissions, which with the usual 022 let no other user connect.
func listenUnix(path string, mode fs.FileMode, uid, gid int) (net.Listener, error) {
	if err := removeStaleSocket(path); err != nil {
		return nil, err
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, mode); err != nil {
		l.Close()
		return nil, fmt.Errorf("cannot set the socket's mode: %w", err)
	}
	if uid != -1 || gid != -1 {
		if err := os.Lchown(path, uid, gid); err != nil {
			l.Close()
			return nil, fmt.Errorf("cannot set the socket's owner: %w", err)
		}
	}
	return l, nil
}

// staleCheckTimeout bounds the connection attempt that tells a live socket
// from a stale one.
const staleCheckTimeout = time.Second

// removeStaleSocket removes the socket file at path when no process
// listens on it: a connection attempt is refused.
func removeStaleSocket(path string) error {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case st.Mode()&fs.ModeSocket == 0:
		return fmt.Errorf("%s exists and is not a socket; remove it or choose another path", path)
	}
	c, err := net.DialTimeout("unix", path, staleCheckTimeout)
	if err == nil {
		c.Close()
		return fmt.Errorf("another process listens on %s", path)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("cannot tell whether %s is in use: %w", path, err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("cannot remove the stale socket: %w", err)
	}
	return nil
}

// tuneInherited sets the listener options on a socket systemd passed, and
// removes the filter that an earlier tinyhttpd, stopped while draining the
// socket, may have left on it (socket.ResumeAccepting).
func tuneInherited(l net.Listener, opts socket.ListenOptions) error {
	sc, ok := l.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	if err := socket.ResumeAccepting(sc); err != nil {
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
