package socket

import (
	"errors"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// synFilter is a classic BPF socket filter that drops a TCP segment with
// SYN set and ACK clear, a new connection's first segment, and lets every
// other segment through. A TCP socket's filter sees the segment from its
// TCP header, whose flags are byte 13.
var synFilter = []unix.SockFilter{
	{Code: unix.BPF_LD | unix.BPF_B | unix.BPF_ABS, K: 13},
	{Code: unix.BPF_ALU | unix.BPF_AND | unix.BPF_K, K: 0x12}, // SYN | ACK
	{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, K: 0x02, Jt: 0, Jf: 1},
	{Code: unix.BPF_RET | unix.BPF_K, K: 0},
	{Code: unix.BPF_RET | unix.BPF_K, K: 0xffffffff},
}

// PauseAccepting stops a TCP listener from taking new connections while
// the ones it has queued can still be accepted, so that a listener can be
// drained and closed without resetting a connection whose client was told
// it had connected. New connection requests are dropped, unanswered: their
// clients retry after a second, by when the listener is closed (their
// connect is refused) or another socket of a SO_REUSEPORT group takes them.
// Handshakes already under way complete, and TCP_DEFER_ACCEPT is turned
// off so that a connection waiting for its first bytes is queued as soon
// as anything arrives. settle is how long such connections may still take
// to reach the queue: with TCP_DEFER_ACCEPT on, about its number of
// seconds; else 0. Where the system cannot, it returns an error wrapping
// errors.ErrUnsupported.
func PauseAccepting(c syscall.Conn) (settle time.Duration, err error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0, err
	}
	prog := unix.SockFprog{Len: uint16(len(synFilter)), Filter: &synFilter[0]}
	var serr error
	err = rc.Control(func(fd uintptr) {
		if secs, _ := unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_DEFER_ACCEPT); secs > 0 {
			settle = min(time.Duration(secs)*time.Second, maxSettle) + settleMargin
		}
		serr = unix.SetsockoptSockFprog(int(fd), unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog)
		if serr == nil {
			serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_DEFER_ACCEPT, 0)
		}
	})
	return settle, errors.Join(err, serr)
}

// ResumeAccepting removes the filter PauseAccepting attaches, if the
// listener has one: a socket outlives a process that systemd passed it to,
// and one that was stopped while draining it may have left the filter on.
func ResumeAccepting(c syscall.Conn) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_DETACH_FILTER, 0)
		if errors.Is(serr, unix.ENOENT) || errors.Is(serr, unix.EOPNOTSUPP) {
			serr = nil // no filter, or a socket that takes none (Multipath TCP)
		}
	})
	return errors.Join(err, serr)
}

// A connection whose handshake is complete, but which TCP_DEFER_ACCEPT
// holds back for its first bytes, reaches the accept queue once the option
// is off at the next resend of its SYN-ACK, which the client's ACK
// answers: 1 s after the handshake (TCP_TIMEOUT_INIT), then 3, 7, 15 s...,
// each within the option's seconds of the handshake. settleMargin covers
// the round trip and the timer's slack; maxSettle bounds the wait for an
// option set to many seconds, as a socket systemd passes may be.
const (
	settleMargin = 250 * time.Millisecond
	maxSettle    = 10 * time.Second
)

// Queued reports how many connections the TCP listener c holds in its
// accept queue, and whether the system could say.
func Queued(c syscall.Conn) (n int, ok bool) {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0, false
	}
	var info *unix.TCPInfo
	var ierr error
	if err := rc.Control(func(fd uintptr) {
		info, ierr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); err != nil || ierr != nil {
		return 0, false
	}
	// On a listening socket, tcpi_unacked is the accept queue's length.
	return int(info.Unacked), true
}
