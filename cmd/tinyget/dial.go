package main

import (
	"net"
	"slices"
	"strings"
)

// dialAddr returns the address to connect to for a target: its host and
// port, changed by the first --connect-to entry that matches them, then
// by the first --resolve entry that matches the result. name and port are
// the host and port connected to as messages name them, as curl's do:
// after --connect-to, before --resolve. Its errors are *exitError for a
// malformed entry: curl's exitOptionSyntax. A --resolve entry -HOST:PORT
// drops the entries for HOST:PORT before it, as in curl.
func (r *runner) dialAddr(t target) (addr, name, port string, err error) {
	host := t.Host
	port = t.Port
	for _, e := range r.o.connectTo {
		parts := splitHostParts(e, -1)
		if len(parts) != 4 {
			return "", "", "", fail(exitOptionSyntax, "--connect-to %q: want HOST1:PORT1:HOST2:PORT2", e)
		}
		if (parts[0] == "" || strings.EqualFold(parts[0], host)) && (parts[1] == "" || parts[1] == port) {
			if parts[2] != "" {
				host = parts[2]
			}
			if parts[3] != "" {
				port = parts[3]
			}
			break
		}
	}
	name = host
	var resolve []string
	for _, e := range r.o.resolve {
		drop, ok := strings.CutPrefix(e, "-")
		if !ok {
			resolve = append(resolve, e)
			continue
		}
		gone := splitHostParts(drop, -1)
		if len(gone) != 2 {
			return "", "", "", fail(exitOptionSyntax, "--resolve %q: want -HOST:PORT", e)
		}
		resolve = slices.DeleteFunc(resolve, func(e string) bool {
			parts := splitHostParts(strings.TrimPrefix(e, "+"), 3)
			return len(parts) == 3 && strings.EqualFold(parts[0], gone[0]) && parts[1] == gone[1]
		})
	}
	for _, e := range resolve {
		parts := splitHostParts(strings.TrimPrefix(e, "+"), 3)
		if len(parts) != 3 || parts[2] == "" {
			return "", "", "", fail(exitOptionSyntax, "--resolve %q: want HOST:PORT:ADDRESS", e)
		}
		if (parts[0] == "*" || strings.EqualFold(parts[0], host)) && parts[1] == port {
			addr, _, _ := strings.Cut(parts[2], ",")
			host = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
			break
		}
	}
	return net.JoinHostPort(host, port), name, port, nil
}

// splitHostParts splits s at its colons, but not at those inside
// brackets, which hold an IPv6 address; the brackets are dropped. With n
// above 0, it returns at most n parts, the last of them the rest of s as it
// is: --resolve's addresses, where curl takes an IPv6 address with or
// without brackets.
func splitHostParts(s string, n int) []string {
	var parts []string
	var cur strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case len(parts) == n-1:
			return append(parts, s[i:])
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == ':' && depth == 0:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String())
}
