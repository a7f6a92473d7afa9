package admin

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// clientFrom returns an HTTP client whose connections come from ip, with
// the given timeout.
func clientFrom(ip string, timeout time.Duration) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// get returns the status and body of a GET of url by c, or the error.
func get(c *http.Client, url string) (int, string, error) {
	res, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

// TestIdleConnectionsLeaveProbesAnswered opens MaxConns connections from
// one address and sends nothing on them; a probe from another address is
// still answered, well within HeaderTimeout (after which the idle ones
// would give their slots back anyway).
func TestIdleConnectionsLeaveProbesAnswered(t *testing.T) {
	f := newFixture(t, true, Options{})
	addr := strings.TrimPrefix(f.adminURL, "http://")
	flooder := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
	var idle []net.Conn
	t.Cleanup(func() {
		for _, c := range idle {
			c.Close()
		}
	})
	for range MaxConns {
		c, err := flooder.Dial("tcp", addr)
		if err != nil {
			if len(idle) == 0 {
				testenv.Unavailable(t, "cannot connect from 127.0.0.2, a second loopback address: %v", err)
			}
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	dialled := time.Now()

	start := time.Now()
	code, body, err := get(clientFrom("127.0.0.1", HeaderTimeout/2), f.adminURL+"/readyz")
	if err != nil || code != 200 || body != "ok\n" {
		t.Fatalf("/readyz with %d idle connections from 127.0.0.2 open: %d %q %v", MaxConns, code, body, err)
	}
	t.Logf("/readyz answered in %v", time.Since(start))

	// Of the idle connections, MaxConnsPerSource stay open; the server
	// closed the rest at once.
	// (Each read is its own goroutine: a read past its deadline times out
	// at once, whatever has arrived.)
	deadline := time.Now().Add(HeaderTimeout / 4)
	var open atomic.Int32
	var wg sync.WaitGroup
	for _, c := range idle {
		wg.Go(func() {
			c.SetReadDeadline(deadline)
			if _, err := c.Read(make([]byte, 1)); isTimeout(err) {
				open.Add(1)
			}
		})
	}
	wg.Wait()
	if open.Load() != MaxConnsPerSource {
		t.Errorf("%d idle connections from one address left open; want %d", open.Load(), MaxConnsPerSource)
	}

	// Closing them gives the address its slots back.
	for _, c := range idle {
		c.Close()
	}
	closed := time.Now()
	idle = nil
	// The server gives each slot back when it reads the close, a moment
	// after it was sent, and well before HeaderTimeout would.
	for wait := dialled.Add(HeaderTimeout - 100*time.Millisecond); ; time.Sleep(20 * time.Millisecond) {
		code, _, err := get(clientFrom("127.0.0.2", HeaderTimeout/4), f.adminURL+"/livez")
		if err == nil && code == 200 {
			break
		}
		if time.Now().After(wait) {
			t.Fatalf("/livez from 127.0.0.2 refused %v after its idle connections were dialled and %v after they closed: %d %v", time.Since(dialled), time.Since(closed), code, err)
		}
	}
	for range MaxConnsPerSource + 1 {
		if code, _, err := get(clientFrom("127.0.0.2", 5*time.Second), f.adminURL+"/livez"); err != nil || code != 200 {
			t.Fatalf("/livez from 127.0.0.2 after its idle connections closed: %d %v", code, err)
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestSource(t *testing.T) {
	for _, tc := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 1}, "192.0.2.7/32"},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.7"), Port: 1}, "192.0.2.7/32"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8:1:2:3:4:5:6"), Port: 1}, "2001:db8:1:2::/64"},
		{&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 1, Zone: "eth0"}, "fe80::/64"},
	} {
		if got, ok := source(tc.addr); !ok || got.String() != tc.want {
			t.Errorf("source(%v) = %v, %v; want %s", tc.addr, got, ok, tc.want)
		}
	}
	if _, ok := source(&net.UnixAddr{Name: "@x", Net: "unix"}); ok {
		t.Error("a Unix socket's peer counted as a source")
	}
}
