//go:build !linux

package server

import "net"

// rawAcceptor returns nil: raw accepts are written for Linux.
func (s *Server) rawAcceptor(net.Listener) (acceptor, net.Listener) { return nil, nil }

func (ex *exchange) writeRaw() (int64, error) { panic("server: no raw connections on this system") }

func (ex *exchange) closeRaw() { panic("server: no raw connections on this system") }
