package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// Default ports of the URL schemes tinyload speaks.
const (
	defaultTinyPort = 7070
	defaultHTTPPort = 80
)

// target is one URL to load, ready to dial.
type target struct {
	url       string // as given on the command line
	host      string // as given, for the Host header
	addr      string // literal IP and port: dialing it needs no name lookup
	path      string // request target
	halfClose bool   // false for http:// URLs
	ip        netip.Addr
}

// parseURL parses tiny://host[:port]/path, host[:port]/path (tiny too) and
// http://host[:port]/path, with an IPv6 address in brackets. The tiny
// schemes half-close after the request; http:// does not, because plain HTTP
// servers such as nginx take a half-close for a hang-up and cut large
// replies short.
func parseURL(s string) (target, error) {
	t := target{url: s, halfClose: true}
	port := defaultTinyPort
	rest := s
	if scheme, after, ok := strings.Cut(s, "://"); ok {
		switch strings.ToLower(scheme) {
		case "tiny":
		case "http":
			t.halfClose = false
			port = defaultHTTPPort
		default:
			return target{}, fmt.Errorf("%q: unsupported scheme %q; tinyload speaks tiny:// and http://", s, scheme)
		}
		rest = after
	}
	rest, _, _ = strings.Cut(rest, "#")
	authority, path := rest, "/"
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if strings.HasPrefix(path, "?") {
		path = "/" + path
	}
	for i := 0; i < len(path); i++ {
		if c := path[i]; c <= ' ' || c >= 0x7f {
			return target{}, fmt.Errorf("%q: the path may hold only visible ASCII; percent-encode the rest", s)
		}
	}
	t.path = path
	host, portStr, err := splitHostPort(authority)
	if err != nil {
		return target{}, fmt.Errorf("%q: %v", s, err)
	}
	if portStr != "" {
		n, err := strconv.ParseUint(portStr, 10, 16)
		if err != nil || n == 0 {
			return target{}, fmt.Errorf("%q: bad port %q", s, portStr)
		}
		port = int(n)
	}
	t.host = host
	if ip, err := netip.ParseAddr(host); err == nil {
		t.ip = ip.Unmap()
		t.addr = netip.AddrPortFrom(t.ip, uint16(port)).String()
	} else {
		t.addr = net.JoinHostPort(host, strconv.Itoa(port))
	}
	if strings.Contains(host, ":") {
		t.host = "[" + host + "]"
	}
	return t, nil
}

// splitHostPort splits host[:port] or [IPv6][:port].
func splitHostPort(a string) (host, port string, err error) {
	if a == "" {
		return "", "", errors.New("no host")
	}
	if strings.Contains(a, "@") {
		return "", "", errors.New("user names in URLs are not supported")
	}
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return "", "", errors.New("missing ] after the IPv6 address")
		}
		host, port = a[1:end], a[end+1:]
		if ip, err := netip.ParseAddr(host); err != nil || !ip.Is6() {
			return "", "", fmt.Errorf("bad IPv6 address %q", host)
		}
		if port != "" && !strings.HasPrefix(port, ":") {
			return "", "", errors.New("junk after the IPv6 address")
		}
		return host, strings.TrimPrefix(port, ":"), nil
	}
	if strings.Count(a, ":") > 1 {
		return "", "", errors.New("an IPv6 address must be in brackets")
	}
	host, port, _ = strings.Cut(a, ":")
	if host == "" {
		return "", "", errors.New("no host")
	}
	return host, port, nil
}

// resolve turns a host name into one literal IP, once, so that no exchange
// looks a name up, and refuses an address outside loopback unless
// allowRemote: a load generator pointed at someone else's server by a typo
// is a denial of service.
func (t *target) resolve(ctx context.Context, allowRemote bool) error {
	if !t.ip.IsValid() {
		host, port, _ := net.SplitHostPort(t.addr)
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return fmt.Errorf("%s: %w", t.url, err)
		}
		if len(ips) == 0 {
			return fmt.Errorf("%s: %s has no address", t.url, host)
		}
		t.ip = ips[0].Unmap()
		for _, ip := range ips {
			if ip.Unmap().Is4() { // prefer IPv4, as "localhost" usually means 127.0.0.1
				t.ip = ip.Unmap()
				break
			}
		}
		p, _ := strconv.ParseUint(port, 10, 16)
		t.addr = netip.AddrPortFrom(t.ip, uint16(p)).String()
	}
	if !t.ip.IsLoopback() && !allowRemote {
		return fmt.Errorf("%s: %s is not a loopback address; pass -allow-remote to load a server on another machine", t.url, t.ip)
	}
	return nil
}

// request builds the request sent to t: the method, the target, a Host
// header, the extra headers, and a Content-Length when there is a body.
func (t *target) request(method string, header []client.Header, body []byte) *client.Request {
	h := make([]client.Header, 0, len(header)+2)
	hasHost := false
	for _, f := range header {
		if strings.EqualFold(f.Name, "Host") {
			hasHost = true
		}
	}
	if !hasHost {
		h = append(h, client.Header{Name: "Host", Value: t.host})
	}
	h = append(h, header...)
	if body != nil {
		h = append(h, client.Header{Name: "Content-Length", Value: strconv.Itoa(len(body))})
	}
	return &client.Request{Method: method, Target: t.path, Header: h, Body: body, NoHalfClose: !t.halfClose}
}
