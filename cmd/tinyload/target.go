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

// target is one URL to load, ready to dial.
type target struct {
	url string // as given on the command line
	client.URL
	addr string // literal IP and port: dialing it needs no name lookup
	ip   netip.Addr
}

// parseURL parses a URL as client.ParseURL does: tiny://host[:port]/path,
// host[:port]/path (tiny too), which half-close after the request, and
// http://host[:port]/path, which does not; a user name or password is
// refused, and so are tinys:// and https://, since -tls is what runs the
// exchanges over TLS.
func parseURL(s string) (t target, err error) {
	defer func() {
		if err != nil { // which URL, of several, without its password
			err = fmt.Errorf("%q: %w", client.Redacted(s), err)
		}
	}()
	u, err := client.ParseURL(s)
	const schemes = "write the URL with tiny:// or http://, and add -tls for TLS"
	if ue, ok := errors.AsType[*client.URLError](err); ok && ue.Scheme != "" {
		return target{}, &client.URLError{URL: s, Err: fmt.Errorf("scheme %q not supported: %s", ue.Scheme, schemes)}
	}
	if err == nil && u.TLS() {
		return target{}, &client.URLError{URL: s, Err: errors.New(schemes)}
	}
	if err != nil {
		return target{}, err
	}
	if u.User != "" || u.Password != "" {
		return target{}, &client.URLError{URL: s, Err: errors.New("user name and password in URLs are not supported: tinyload sends no Authorization")}
	}
	t = target{url: s, URL: u, addr: u.Addr()}
	if ip, err := netip.ParseAddr(u.Host); err == nil {
		t.ip = ip.Unmap()
		p, _ := strconv.ParseUint(u.Port, 10, 16)
		t.addr = netip.AddrPortFrom(t.ip, uint16(p)).String()
	}
	return t, nil
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
		h = append(h, client.Header{Name: "Host", Value: t.HostHeader()})
	}
	h = append(h, header...)
	if body != nil {
		h = append(h, client.Header{Name: "Content-Length", Value: strconv.Itoa(len(body))})
	}
	return &client.Request{Method: method, Target: t.Path, Header: h, Body: body, NoHalfClose: !t.HalfClose()}
}
