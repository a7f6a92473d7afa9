// Package hostport splits Host header values, the one parser of them for
// the admin endpoint's checks and for the names its settings list.
package hostport

import "strings"

// Split splits a Host value of the form name, name:port, [IPv6] or
// [IPv6]:port. It returns the name without brackets and the port, and
// hasPort tells "name:" (an empty port) from "name". ok is false for any
// other shape: an IPv6 address without brackets, an unclosed bracket, or
// text after a closing bracket that is not a port. Split checks neither
// the name nor the port; callers check what they need.
func Split(host string) (name, port string, hasPort, ok bool) {
	if rest, isIPv6 := strings.CutPrefix(host, "["); isIPv6 {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return "", "", false, false
		}
		name, rest = rest[:end], rest[end+1:]
		if rest == "" {
			return name, "", false, true
		}
		if port, hasPort = strings.CutPrefix(rest, ":"); !hasPort {
			return "", "", false, false
		}
		return name, port, true, true
	}
	if strings.Count(host, ":") > 1 {
		return "", "", false, false
	}
	name, port, hasPort = strings.Cut(host, ":")
	return name, port, hasPort, true
}
